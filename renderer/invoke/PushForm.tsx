import { useCallback, useEffect, useState } from 'react';
import type { JsonValue, PushRecipient, SandboxClient } from '../../shared/console-api/index.js';
import { pushRoutes } from '../../shared/project/routing.js';
import { resolveMethod } from '../actions/invoke.js';
import { sandboxClients, sendPush } from '../actions/mocks.js';
import { useHost } from '../stores/host.js';
import { methodKey, useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';
import { ParamsEditor } from './ParamsEditor.js';
import { messageOf } from '../../shared/message-of.js';

const ALL = 'all';
const recipientValue = (c: Pick<SandboxClient, 'gateway' | 'userId'>): string => JSON.stringify([c.gateway, c.userId]);

/**
 * Push: a server → client call of an interface clients implement, sent from the console as a
 * back end would (published on the gateway's back-end-facing queue) to a client connected to
 * the sandbox, or to every user through the broadcast topic where the project has one.
 */
export function PushForm() {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood })!;
  const selected = useInvoke((s) => s.selected)!;
  const { owner } = resolveMethod(model, selected)!;
  const sandbox = useHost((s) => s.sandbox);
  const connections = useHost((s) => s.connections);
  const [clients, setClients] = useState<SandboxClient[]>([]);
  const [recipient, setRecipient] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const broadcast = !!snapshot?.services && pushRoutes(snapshot.services, owner.qname).some((r) => r.topic);

  const refresh = useCallback(async (): Promise<void> => {
    if (useHost.getState().sandbox.state !== 'running') return setClients([]);
    try {
      setClients(await sandboxClients());
    } catch (e) {
      setStatus({ ok: false, text: messageOf(e) });
    }
  }, []);
  // Clients come and go with connections: the console's own ones say so in connection.state.
  useEffect(() => void refresh(), [refresh, sandbox.state, connections]);
  // Until the user chooses, the console's own connection (else the first client) is the recipient.
  const [chosen, setChosen] = useState(false);
  useEffect(() => {
    const values = [...clients.map(recipientValue), ...(broadcast ? [ALL] : [])];
    if (chosen && values.includes(recipient)) return;
    const own = clients.find((c) => c.connectionId !== undefined) ?? clients[0];
    setRecipient(own ? recipientValue(own) : (values[0] ?? ''));
  }, [clients, broadcast, recipient, chosen]);

  const push = async (): Promise<void> => {
    setStatus(null);
    const text = useInvoke.getState().argsText[methodKey(selected)] ?? '{}';
    let args: JsonValue;
    try {
      args = JSON.parse(text) as JsonValue;
    } catch (e) {
      useInvoke.setState({ argsError: `the parameters are not valid JSON: ${messageOf(e)}` });
      return;
    }
    if (!recipient) {
      setStatus({ ok: false, text: 'choose a recipient: a client connected to the sandbox' });
      return;
    }
    const [gateway, userId] = recipient === ALL ? [] : (JSON.parse(recipient) as [string, string]);
    const to: PushRecipient =
      recipient === ALL ? { kind: 'all' } : { kind: 'user', gateway: gateway!, userId: userId! };
    try {
      const result = await sendPush(selected.interface, selected.method, args, to);
      setStatus({
        ok: true,
        text: `pushed ${selected.interface}.${selected.method} to ${result.sent.map((s) => `user ${s.userId} at ${s.gateway} via ${s.endpoint} (sequence ${s.sequence})`).join(', ')}`,
      });
    } catch (e) {
      setStatus({ ok: false, text: messageOf(e) });
    }
  };

  return (
    <div className="invoke-form push-form">
      <p className="muted small">
        <span className="client-badge">client</span> {owner.qname} is implemented by clients: a back end pushes it. Send
        one as a back end would.
      </p>
      <ParamsEditor run={() => void push()} />
      <div className="form-grid">
        <label className="recipient-field">
          <span className="field-label">Recipient</span>
          <select
            className="input input-small"
            aria-label="Recipient"
            value={recipient}
            onChange={(e) => {
              setChosen(true);
              setRecipient(e.target.value);
            }}
            disabled={clients.length === 0 && !broadcast}
          >
            {clients.length === 0 && !broadcast && <option value="">no client is connected</option>}
            {clients.map((c) => (
              <option key={recipientValue(c)} value={recipientValue(c)}>
                {c.gateway} · user {c.userId} · {c.connectionId ? `this console (${c.connectionId})` : c.peer}
              </option>
            ))}
            {broadcast && <option value={ALL}>All users (broadcast)</option>}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={() => void refresh()}>
          Refresh clients
        </button>
      </div>
      {sandbox.state !== 'running' && (
        <p className="muted small">
          Pushes go through the sandbox's gateways: start the sandbox, and connect a client.
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void push()}
          disabled={sandbox.state !== 'running'}
        >
          Push
        </button>
        <span className="kbd-hint">Ctrl+Enter</span>
      </div>
      {status && (
        <div className={`small ${status.ok ? 'ok-text' : 'error-text'}`} role="status">
          {status.text}
        </div>
      )}
    </div>
  );
}
