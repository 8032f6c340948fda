import { useEffect, useState } from 'react';
import type { FolderListing } from '../../shared/console-api/index.js';
import { host } from '../stores/host.js';
import { baseName } from '../stores/project.js';

/** The host's folders under what is typed (the host validates and bounds the listing). */
export function useFolderListing(path: string): { listing: FolderListing | null; error: string | null } {
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    // Typing fast asks once, for the last text.
    const timer = setTimeout(() => {
      host
        .call('project.browse', { path })
        .then((l) => current && (setListing(l), setError(null)))
        .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path]);
  return { listing, error };
}

interface Props {
  listing: FolderListing | null;
  error: string | null;
  /** A folder was chosen to look into (or to open). */
  onNavigate: (folder: string) => void;
}

/** Folders on the host machine: up, into a subfolder; a folder with a services.xml says so. */
export function FolderBrowser({ listing, error, onNavigate }: Props) {
  return (
    <div className="folder-browser" role="group" aria-label="Folders on the host">
      <div className="folder-browser-head">
        <button
          type="button"
          className="btn btn-small"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && onNavigate(listing.parent)}
        >
          Up
        </button>
        <span className="mono small folder-browser-path" title={listing?.folder}>
          {listing?.folder ?? '…'}
        </span>
        {listing?.hasServicesXml && <span className="ok-text small">has services.xml</span>}
      </div>
      {error && (
        <p className="error-text small" role="alert">
          {error}
        </p>
      )}
      <ul className="folder-list" aria-label="Folders">
        {listing?.folders.map((f) => (
          <li key={f}>
            <button type="button" className="link mono" onClick={() => onNavigate(f)}>
              {baseName(f)}/
            </button>
          </li>
        ))}
        {listing && listing.folders.length === 0 && <li className="muted small">No folders here.</li>}
        {listing?.truncated && <li className="muted small">More folders: type the start of a name.</li>}
      </ul>
    </div>
  );
}
