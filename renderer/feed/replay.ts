import type { CallSpec, FeedEntry, FeedHop, ProjectSnapshot, TargetSpec } from '../../shared/console-api/index.js';
import type { FollowedCall } from '../../shared/console-api/feed-follow.js';
import { CallType, ExtraKey } from '../../shared/wire/message.js';
import { callableEndpoints } from '../invoke/targets.js';
import type { PayloadSource } from './payloads.js';

/** A call again, as Invoke takes it: the same target, arguments, mode and extra. */
export type Replay =
  { ok: true; call: CallSpec & { target: TargetSpec }; from: FeedEntry } | { ok: false; reason: string };

/** Where a client's CALL is seen leaving the client, in order of preference: that endpoint is the target. */
const CLIENT_SIDE: [FeedHop, 'in' | 'out'][] = [
  ['console', 'out'],
  ['gateway', 'in'],
  ['queue', 'out'],
  ['server', 'in'],
];

const RESERVED = new Set<string>(Object.values(ExtraKey));

/**
 * The followed call as an Invoke request: the target is the endpoint its CALL was sent to
 * (the console's connection, else the gateway's endpoint a client called, else the back end's
 * queue), the arguments are its decoded parameters, and extra is the client's (the keys the
 * protocol reserves — user id, reply queue, token, device id — are added by the path, not by a caller).
 */
export function replayOf(call: FollowedCall, payloads: PayloadSource, snapshot: ProjectSnapshot | null): Replay {
  if (call.entries.some((e) => e.push))
    return { ok: false, reason: 'a push is a back end calling a client: there is no call to send from here' };
  const calls = call.entries.filter((e) => e.kind === 'call' || e.kind === 'oneway');
  const from = CLIENT_SIDE.map(([hop, direction]) =>
    calls.find((e) => e.hop === hop && e.direction === direction),
  ).find((e) => e !== undefined);
  if (!from) return { ok: false, reason: 'the CALL of this call is not in the feed (only its reply is)' };
  if (!from.interface || !from.method)
    return { ok: false, reason: `the project's IDL has no operation ifidx ${from.ifidx} opidx ${from.opidx}` };
  const decoded = payloads.decode(from);
  if (!decoded.ok || decoded.kind !== 'params')
    return { ok: false, reason: `its arguments cannot be read: ${decoded.ok ? 'not a CALL' : decoded.reason}` };
  const target = targetOf(from.endpoint, snapshot);
  if (!target) return { ok: false, reason: `${from.endpoint} is neither an endpoint of the project nor a URL` };
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(from.extra)) if (!RESERVED.has(key)) extra[key] = value;
  const mode =
    (from.calltype & CallType.ONEWAY) !== 0 ? 'oneway' : (from.calltype & CallType.ASYNC) !== 0 ? 'async' : 'twoway';
  return {
    ok: true,
    from,
    call: { target, interface: from.interface, method: from.method, args: decoded.value, mode, extra },
  };
}

function targetOf(endpoint: string, snapshot: ProjectSnapshot | null): TargetSpec | undefined {
  if (callableEndpoints(snapshot).some((e) => e.name === endpoint)) return { kind: 'endpoint', endpoint };
  return /^[a-z]+:\/\//i.test(endpoint) ? { kind: 'url', url: endpoint } : undefined;
}
