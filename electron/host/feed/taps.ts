import type { GatewayEvent, GatewayMessageEvent } from '../../gateway/events.js';
import type { MockSource } from '../../../shared/console-api/types.js';
import type { MqTrafficEvent } from '../../../shared/rpc/mq-traffic.js';
import { CallType, ExtraKey, type RpcMessage } from '../../../shared/wire/message.js';
import { identity } from './correlation.js';
import type { Feed } from './feed.js';

/**
 * Feed entries from the sandbox's parts: its gateways (hop `gateway` on the client side,
 * `queue` on the message-queue side) and its back ends (hop `server`). Each decides whether a
 * message belongs to a client's call or to a back end's call to a client (a push), and who
 * the caller is, so that every hop of one call gets the same correlation key.
 */

const EMPTY = new Uint8Array(0);

/** A message rebuilt from an event's header and extra: the feed reads no parameters. */
function headerMessage(e: GatewayMessageEvent): RpcMessage {
  return { type: 1, ...e.header, extra: e.extra, params: EMPTY };
}

function gatewayNote(e: GatewayMessageEvent): string | undefined {
  if (e.direction === 'out')
    return e.outcome.kind === 'delivered' ? `delivered to ${e.peer}` : `published to ${e.endpoint}`;
  const o = e.outcome;
  if (o.kind === 'forwarded') return `forwarded to ${o.to}${o.toKind === 'mq' ? '' : ` (${o.toPeer})`}`;
  if (o.kind === 'served') return 'served by the gateway';
  return `dropped: ${o.reason} (${o.detail})`;
}

export interface GatewayTapOptions {
  /** A client's first message carried `__device_id__`: tells the console who it is at this gateway. */
  onDevice?: (deviceId: string, userId: string) => void;
}

/** Records a gateway's messages; returns the event listener to subscribe with. */
export function gatewayTap(
  feed: Feed,
  gateway: string,
  options: GatewayTapOptions = {},
): (event: GatewayEvent) => void {
  const scope = `gateway:${gateway}`;
  return (e) => {
    if (e.type !== 'message') return;
    const clientSide = e.endpointKind !== 'mq';
    const inbound = e.direction === 'in';
    const isCall = (e.header.calltype & CallType.CALL) !== 0;
    // A CALL from a client or a RETURN to one belongs to the client's call; the rest to a push.
    const push = !((isCall !== inbound) !== clientSide);
    const userId = e.userId ?? e.extra[ExtraKey.userId];
    const deviceId = e.extra[ExtraKey.deviceId];
    if (inbound && clientSide && deviceId !== undefined && userId !== undefined) options.onDevice?.(deviceId, userId);
    feed.record(
      {
        hop: clientSide ? 'gateway' : 'queue',
        direction: e.direction,
        endpoint: e.endpoint,
        peer: clientSide ? e.peer : gateway,
        userId,
        gateway: userId === undefined ? undefined : gateway,
        note: gatewayNote(e),
        message: headerMessage(e),
        raw: e.raw,
        size: e.size,
        truncated: e.truncated,
      },
      { scope, user: userId ?? '', who: identity(userId, push ? undefined : gateway), push },
    );
  };
}

/**
 * Records a back end's MQ traffic (a mock back end's, or the console's pushes). `gatewayOf`
 * names the gateway whose replies arrive on an endpoint (its loopback), so a client's call is
 * named as the gateway named it. A mock's RETURN carries what produced it.
 */
export function serverTap(
  feed: Feed,
  backEnd: string,
  gatewayOf: (replyEndpoint: string) => string | undefined,
): (event: MqTrafficEvent, mock?: MockSource) => void {
  const scope = `server:${backEnd}`;
  return ({ direction, message, raw, endpoint }, mock) => {
    const inbound = direction === 'in';
    const isCall = (message.calltype & CallType.CALL) !== 0;
    const push = isCall !== inbound;
    const userId = message.extra[ExtraKey.userId];
    const replyTo = message.extra[ExtraKey.mqReturn];
    const via = push ? undefined : replyTo === undefined ? undefined : (gatewayOf(replyTo) ?? replyTo);
    const note = mock && `answered by the mock: ${mock}`;
    // A push written to a gateway's queue goes to that gateway's user (a topic's could be anyone's).
    const gateway = userId === undefined ? undefined : push ? (inbound ? undefined : gatewayOf(endpoint)) : via;
    feed.record(
      { hop: 'server', direction, endpoint, peer: backEnd, userId, gateway, note, mock, message, raw },
      { scope, user: userId ?? '', who: identity(userId, via), push },
    );
  };
}
