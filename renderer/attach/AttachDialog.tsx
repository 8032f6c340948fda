import { useState } from 'react';
import type { AttachmentInfo, SandboxMode, TargetSpec } from '../../shared/console-api/index.js';
import { startSandbox, stopSandbox } from '../actions/sandbox.js';
import { Dialog, CloseAction } from '../components/Dialog.js';
import { useHost } from '../stores/host.js';
import { useProject } from '../stores/project.js';
import { closeDialog, toast } from '../stores/ui.js';
import { isLoopback, startProxy, startTap, stopAttachment, useAttach, vhostOf } from './store.js';
import './attach.css';
import { messageOf } from '../../shared/message-of.js';

/** A section's start button: busy while it runs, its error shown until the next try. */
function useStart(): { busy: boolean; error: string | null; run: (start: () => Promise<void>) => Promise<void> } {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (start: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await start();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/**
 * Attach: watch a cluster the console did not start — a recording proxy in front of a gateway or
 * server, a tap on the broker's firehose, the sandbox with one half only (docs/attach.md).
 */
export function AttachDialog() {
  const attachments = useAttach((s) => s.attachments);
  return (
    <Dialog title="Attach" onClose={closeDialog} actions={<CloseAction onClose={closeDialog} />}>
      <div className="attach-dialog">
        <ProxySection />
        <TapSection />
        <SandboxSection />
        {attachments.length > 0 && (
          <section aria-label="Active attachments">
            <h3 className="section-title">Active</h3>
            <ul className="plain-list attach-list">
              {attachments.map((a) => (
                <AttachmentRow key={a.id} attachment={a} />
              ))}
            </ul>
          </section>
        )}
      </div>
    </Dialog>
  );
}

/** A suggested local port: the upstream's own port moved up by 10 000 when that fits, else any free one. */
function suggestedPort(url: string): string {
  const port = Number(/:(\d+)(\/|$)/.exec(url)?.[1] ?? NaN);
  return Number.isInteger(port) && port + 10_000 <= 65_535 ? String(port + 10_000) : '0';
}

function ProxySection() {
  const services = useProject((s) => s.snapshot?.services);
  const sandbox = useHost((s) => s.sandbox);
  const endpoints = (services?.endpoints ?? []).filter((e) => e.type === 'socket' || e.type === 'websocket');
  const [choice, setChoice] = useState(endpoints[0]?.name ?? '');
  const [url, setUrl] = useState('');
  const [listenHost, setListenHost] = useState('127.0.0.1');
  const [port, setPort] = useState('');
  const { busy, error, run } = useStart();
  const byUrl = choice === '' || endpoints.length === 0;
  const endpointUrl = (name: string): string => {
    const listener = sandbox.state === 'running' ? sandbox.gateways.flatMap((g) => g.listen) : [];
    const ep = endpoints.find((e) => e.name === name);
    return (
      listener.find((l) => ep && l.startsWith(ep.type === 'socket' ? 'tcp' : 'ws')) ??
      `${ep?.host ?? ''}:${ep?.port ?? ''}`
    );
  };
  const upstreamUrl = byUrl ? url : endpointUrl(choice);
  const webSocket = byUrl ? /^wss?:/i.test(url.trim()) : endpoints.find((e) => e.name === choice)?.type === 'websocket';
  const shownPort = port === '' ? suggestedPort(upstreamUrl) : port;
  const submit = (): Promise<void> =>
    run(async () => {
      const upstream: TargetSpec = byUrl ? { kind: 'url', url: url.trim() } : { kind: 'endpoint', endpoint: choice };
      const host = listenHost.trim() || '127.0.0.1';
      const info = await startProxy(
        upstream,
        `${webSocket ? 'ws' : 'tcp'}://${host.includes(':') ? `[${host}]` : host}:${shownPort}`,
      );
      if (info.kind === 'proxy') toast(`proxy listening on ${info.listen}`);
    });
  return (
    <section aria-labelledby="attach-proxy-title">
      <h3 className="section-title" id="attach-proxy-title">
        Recording proxy
      </h3>
      <p className="small muted">
        Clients connect to the proxy instead of the gateway; every frame is forwarded unchanged and recorded (hop
        proxy).
      </p>
      <form id="attach-proxy-form" className="attach-grid" onSubmit={(e) => (e.preventDefault(), void submit())}>
        <label className="field-label" htmlFor="attach-upstream">
          Upstream
        </label>
        <select
          id="attach-upstream"
          className="input"
          value={byUrl ? '' : choice}
          onChange={(e) => setChoice(e.target.value)}
        >
          {endpoints.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name} ({e.type})
            </option>
          ))}
          <option value="">URL…</option>
        </select>
        {byUrl && (
          <>
            <label className="field-label" htmlFor="attach-upstream-url">
              Upstream URL
            </label>
            <input
              id="attach-upstream-url"
              className="input mono"
              spellCheck={false}
              placeholder="tcp://gateway.example:12002 or ws://…"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </>
        )}
        <label className="field-label" htmlFor="attach-listen-host">
          Listen address
        </label>
        <div className="attach-listen">
          <input
            id="attach-listen-host"
            className="input mono"
            spellCheck={false}
            value={listenHost}
            onChange={(e) => setListenHost(e.target.value)}
          />
          <label className="field-label" htmlFor="attach-listen-port">
            port
          </label>
          <input
            id="attach-listen-port"
            className="input mono attach-port"
            inputMode="numeric"
            value={shownPort}
            onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))}
          />
        </div>
        {!isLoopback(listenHost) && (
          <p className="warn-text small attach-wide" role="note">
            {listenHost.trim() || '…'} is not a loopback address: other machines can connect to the proxy.
          </p>
        )}
        <div className="attach-wide">
          <button type="submit" className="btn btn-primary" disabled={busy || (byUrl && !url.trim())}>
            {busy ? 'Starting…' : 'Start proxy'}
          </button>
        </div>
      </form>
      {error && (
        <p className="error-text small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function TapSection() {
  const [url, setUrl] = useState('');
  const { busy, error, run } = useStart();
  const vhost = url.trim() ? vhostOf(url) : undefined;
  const submit = (): Promise<void> =>
    run(async () => {
      const info = await startTap(url);
      if (info.kind === 'tap') toast(`tap on vhost ${info.vhost}: tracing is on`);
    });
  return (
    <section aria-labelledby="attach-tap-title">
      <h3 className="section-title" id="attach-tap-title">
        Broker tap
      </h3>
      <p className="small muted">
        Reads RabbitMQ&apos;s firehose of one vhost into a private queue and keeps the project&apos;s queues (hop
        queue). Tracing must be on for the vhost; the console never turns it on.
      </p>
      <form className="attach-grid" onSubmit={(e) => (e.preventDefault(), void submit())}>
        <label className="field-label" htmlFor="attach-amqp-url">
          RabbitMQ URL
        </label>
        <input
          id="attach-amqp-url"
          className="input mono"
          spellCheck={false}
          placeholder="amqp://user:password@host:5672/vhost (default: TCE_AMQP_URL or the project's broker)"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <span className="field-label">vhost</span>
        <span className="mono small" aria-label="vhost">
          {url.trim() ? (vhost ?? 'not a URL') : 'the default broker URL’s'}
        </span>
        <div className="attach-wide">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Checking tracing…' : 'Start tap'}
          </button>
        </div>
      </form>
      {error && (
        <p className="error-text small attach-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

const MODES: { mode: SandboxMode; label: string }[] = [
  { mode: 'full', label: 'Full (gateways + mock back ends)' },
  { mode: 'gateways', label: 'Gateways only (your back ends serve)' },
  { mode: 'backends', label: 'Back ends only (behind your gateways)' },
];

function SandboxSection() {
  const sandbox = useHost((s) => s.sandbox);
  const hasProject = useProject((s) => s.snapshot !== null);
  const [mode, setMode] = useState<SandboxMode>(sandbox.state === 'running' ? sandbox.mode : 'gateways');
  const run = (action: () => Promise<void>): void => void action().catch((e: unknown) => toast(messageOf(e), 'error'));
  return (
    <section aria-labelledby="attach-sandbox-title">
      <h3 className="section-title" id="attach-sandbox-title">
        Sandbox mode
      </h3>
      <fieldset className="attach-modes" aria-label="Sandbox mode">
        {MODES.map((m) => (
          <label key={m.mode} className="small">
            <input type="radio" name="attach-sandbox-mode" checked={mode === m.mode} onChange={() => setMode(m.mode)} />{' '}
            {m.label}
          </label>
        ))}
      </fieldset>
      <div className="attach-row">
        <span className="small muted">
          sandbox: {sandbox.state}
          {sandbox.state === 'running' ? ` (${sandbox.mode})` : ''}
        </span>
        {sandbox.state === 'running' ? (
          <button type="button" className="btn" onClick={() => run(stopSandbox)}>
            Stop sandbox
          </button>
        ) : (
          <button type="button" className="btn" disabled={!hasProject} onClick={() => run(() => startSandbox(mode))}>
            Start sandbox
          </button>
        )}
      </div>
    </section>
  );
}

function AttachmentRow({ attachment: a }: { attachment: AttachmentInfo }) {
  const copy = (text: string): void =>
    void navigator.clipboard.writeText(text).then(
      () => toast(`copied ${text}`),
      () => toast(`copy ${text} by hand: the clipboard is not available`, 'error'),
    );
  return (
    <li className="attach-item">
      {a.kind === 'proxy' ? (
        <>
          <span className="tag">proxy</span>
          <span className="mono small">
            {a.listen} → {a.endpoint === a.upstream ? a.upstream : `${a.endpoint} (${a.upstream})`}
          </span>
          <span className="small muted">
            {a.open} open · {a.frames.toLocaleString('en-US')} frames
            {a.upstreamFailures > 0 ? ` · ${a.upstreamFailures} refused: ${a.lastError ?? ''}` : ''}
          </span>
          <button type="button" className="btn btn-small" onClick={() => copy(a.listen)}>
            Copy address
          </button>
        </>
      ) : (
        <>
          <span className="tag">tap</span>
          <span className="mono small">
            {a.url} · vhost {a.vhost} · tracing on
          </span>
          <span className="small muted">
            {a.recorded.toLocaleString('en-US')} of {a.seen.toLocaleString('en-US')} messages kept
          </span>
        </>
      )}
      <button
        type="button"
        className="btn btn-small"
        aria-label={`Stop ${a.kind} ${a.id}`}
        onClick={() => void stopAttachment(a).catch((e: unknown) => toast(messageOf(e), 'error'))}
      >
        Stop
      </button>
    </li>
  );
}
