import type { Diagnostic } from '../../shared/idl/diagnostics.js';
import { useState } from 'react';
import type { ProjectSnapshot, SandboxMode } from '../../shared/console-api/index.js';
import { openFileAt, openProject } from '../actions/project.js';
import { startSandbox, stopSandbox } from '../actions/sandbox.js';
import { runCommand } from '../commands.js';
import { endpointUrl } from '../invoke/targets.js';
import { MocksView } from '../mocks/MocksView.js';
import { NO_PROJECTS, useHost } from '../stores/host.js';
import { useMocks } from '../stores/mocks.js';
import { baseName, relativePath, useProject } from '../stores/project.js';
import { toastFailure } from '../stores/ui.js';

/** The project: files, services.xml (interfaces, endpoints, servers and routes), sandbox, problems. */
export function ProjectPanel() {
  const snapshot = useProject((s) => s.snapshot);
  const opening = useProject((s) => s.opening);
  return (
    <section className="panel project-panel" aria-label="Project">
      <header className="panel-header">
        <h2 className="panel-title">Project</h2>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void runCommand('project.open')}
          disabled={opening}
        >
          Open project
        </button>
      </header>
      <div className="panel-body scroll">{snapshot ? <ProjectTree snapshot={snapshot} /> : <EmptyProject />}</div>
    </section>
  );
}

function EmptyProject() {
  const recent = useHost((s) => s.app?.recentProjects) ?? NO_PROJECTS;
  return (
    <div className="empty">
      <p>No project is open.</p>
      <p className="muted">Open a folder with a services.xml and IDL files — for example idl-samples/cluster.</p>
      {recent.length > 0 && (
        <>
          <h3 className="section-title">Recent</h3>
          <ul className="plain-list">
            {recent.map((p) => (
              <li key={p}>
                <button type="button" className="link" onClick={() => toastFailure(() => openProject(p))}>
                  {p}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ProjectTree({ snapshot }: { snapshot: ProjectSnapshot }) {
  const files = useProject((s) => s.files);
  const current = useProject((s) => s.currentFile);
  const rel = (p: string): string => relativePath(snapshot.root, p);
  const services = snapshot.services;
  const otherFiles = [snapshot.files.servicesXml, snapshot.files.configYml].filter((p): p is string => !!p);
  return (
    <>
      <div className="project-name" title={snapshot.root}>
        <strong>{snapshot.name}</strong>
        <span className="muted small project-root">{shortPath(snapshot.root)}</span>
      </div>
      <SandboxCard />
      <details open className="tree-section">
        <summary>Files</summary>
        <ul className="file-list">
          {[...snapshot.files.idl, ...otherFiles].map((p) => (
            <li key={p}>
              <button
                type="button"
                className={`file-item ${p === current ? 'active' : ''}`}
                onClick={() => openFileAt(p)}
                aria-current={p === current ? 'true' : undefined}
              >
                <span className={`file-icon ${p.endsWith('.idl') ? 'idl' : 'cfg'}`} aria-hidden="true" />
                {rel(p)}
                {files[p]?.dirty && <span className="dirty-dot" title="unsaved changes" aria-label="unsaved" />}
              </button>
            </li>
          ))}
        </ul>
      </details>
      {services && (
        <>
          <details open className="tree-section">
            <summary>
              Interfaces <span className="count">{services.interfaces.length}</span>
            </summary>
            <ul className="kv-list">
              {services.interfaces.map((i) => (
                <li key={`${i.name}-${i.id}`}>
                  <button
                    type="button"
                    className="row-button"
                    onClick={() => openFileAt(i.range.file, i.range.start.line, i.range.start.column)}
                  >
                    <span className="badge">{i.id ?? '?'}</span> {i.name}
                  </button>
                </li>
              ))}
            </ul>
          </details>
          <details open className="tree-section">
            <summary>
              Endpoints <span className="count">{services.endpoints.length}</span>
            </summary>
            <ul className="kv-list">
              {services.endpoints.map((e) => (
                <li key={e.name}>
                  <button
                    type="button"
                    className="row-button"
                    onClick={() => openFileAt(e.range.file, e.range.start.line, e.range.start.column)}
                    title={endpointUrl(e)}
                  >
                    <span className={`ep-type ep-${e.type}`}>{e.type === 'qpid' ? (e.mq?.type ?? 'mq') : e.type}</span>{' '}
                    {e.name}
                    <span className="muted small ep-where">
                      {e.type === 'qpid' ? '' : `${e.host}:${e.port ?? '?'}`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </details>
          <details open className="tree-section">
            <summary>
              Servers <span className="count">{services.servers.length}</span>
            </summary>
            <ul className="server-list">
              {services.servers.map((s) => (
                <li key={s.name}>
                  <button
                    type="button"
                    className="row-button"
                    onClick={() => openFileAt(s.range.file, s.range.start.line, s.range.start.column)}
                  >
                    <strong>{s.name}</strong>{' '}
                    <span className="muted small">listens on {s.listen.map((l) => l.name).join(', ') || '—'}</span>
                  </button>
                  <ul className="route-list">
                    {s.routes.map((r, i) => (
                      <li
                        key={`${r.interface}-${i}`}
                        title={[...r.calls, ...r.returns]
                          .map((p) => `${p.kind} ${p.in.name} → ${p.out.name}`)
                          .join('\n')}
                      >
                        <span className="route-if">{r.interface}</span>
                        {r.calls.map((p, j) => (
                          <span key={`c${j}`} className="route-pair">
                            call {p.in.name} → {p.out.name}
                          </span>
                        ))}
                        {r.returns.map((p, j) => (
                          <span key={`r${j}`} className="route-pair">
                            return {p.in.name} → {p.out.name}
                          </span>
                        ))}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
      <MocksView />
      <Problems snapshot={snapshot} />
    </>
  );
}

const MODES: { value: SandboxMode; label: string }[] = [
  { value: 'full', label: 'Gateways and mock back ends' },
  { value: 'gateways', label: 'Gateways only' },
  { value: 'backends', label: 'Mock back ends only' },
];

function SandboxCard() {
  const sandbox = useHost((s) => s.sandbox);
  const [mode, setMode] = useState<SandboxMode>('full');
  const run = (f: () => Promise<void>): void => toastFailure(f, 'sandbox: ');
  return (
    <div className={`sandbox-card sandbox-${sandbox.state}`} aria-label="Sandbox">
      <div className="sandbox-line">
        <span
          className={`dot dot-${sandbox.state === 'running' ? 'ok' : sandbox.state === 'failed' ? 'bad' : sandbox.state === 'starting' ? 'warn' : 'off'}`}
          aria-hidden="true"
        />
        <span>
          Sandbox <strong>{sandbox.state}</strong>
        </span>
        {sandbox.state === 'running' ? (
          <button type="button" className="btn btn-small" onClick={() => run(stopSandbox)}>
            Stop sandbox
          </button>
        ) : (
          <>
            <select
              className="input input-small sandbox-mode"
              aria-label="Sandbox mode"
              value={mode}
              onChange={(e) => setMode(e.target.value as SandboxMode)}
              disabled={sandbox.state === 'starting'}
            >
              {MODES.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => run(() => startSandbox(mode))}
              disabled={sandbox.state === 'starting'}
            >
              Start sandbox
            </button>
          </>
        )}
      </div>
      {sandbox.state === 'running' && (
        <div className="muted small">
          <div className={sandbox.broker.kind === 'memory' ? 'warn-text' : ''}>{sandbox.broker.description}</div>
          {sandbox.gateways.map((g) => (
            <div key={g.server}>
              {g.server}: {g.listen.join(', ')}
            </div>
          ))}
          {sandbox.backEnds.map((b) => (
            <div key={b.name}>
              mock {b.name}: {b.reads.join(', ')}
            </div>
          ))}
        </div>
      )}
      {sandbox.state === 'stopped' && (
        <div className="muted small">
          Runs the project's gateways and a mock back end per config.yml section inside the console.
        </div>
      )}
      {sandbox.state === 'failed' && <div className="error-text small">{sandbox.reason}</div>}
    </div>
  );
}

/** services.xml problems from the host; IDL problems from the editor's latest compile. */
export function useProblems(snapshot: ProjectSnapshot | null): Diagnostic[] {
  const compiled = useProject((s) => s.compiled);
  const mocks = useMocks((s) => s.state?.problems);
  if (!snapshot) return [];
  const idl = new Set(snapshot.files.idl);
  const list = [
    ...(compiled
      ? [...snapshot.diagnostics.filter((d) => !idl.has(d.range.file)), ...compiled.diagnostics]
      : snapshot.diagnostics),
    ...(mocks ?? []),
  ];
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.range.file}:${d.range.start.line}:${d.range.start.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function Problems({ snapshot }: { snapshot: ProjectSnapshot }) {
  const problems = useProblems(snapshot);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <details open className="tree-section">
      <summary>
        Problems <span className={`count ${errors ? 'count-bad' : ''}`}>{problems.length}</span>
      </summary>
      {problems.length === 0 ? (
        <p className="muted small pad">No problems.</p>
      ) : (
        <ul className="problem-list" aria-label="Problems">
          {problems.map((d, i) => (
            <li key={i}>
              <button
                type="button"
                className={`problem problem-${d.severity}`}
                onClick={() => openFileAt(d.range.file, d.range.start.line, d.range.start.column)}
              >
                <span className={`sev sev-${d.severity}`} aria-label={d.severity} />
                <span className="problem-msg">{d.message}</span>
                <span className="problem-loc">
                  {baseName(d.range.file)}:{d.range.start.line}:{d.range.start.column}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/** A long path keeps its end (the folder names that matter). */
function shortPath(path: string, max = 42): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}
