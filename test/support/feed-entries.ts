import type { FeedEntry } from '../../shared/console-api/types.js';
import { CallType } from '../../shared/wire/message.js';

/** A feed entry as a gateway records a client's CALL (`test.Server.echo` from gwserver's user 7); `over` changes any field. */
export function feedEntry(id: number, over: Partial<FeedEntry> = {}): FeedEntry {
  return {
    id,
    time: 1_700_000_000_000 + id,
    hop: 'gateway',
    direction: 'in',
    endpoint: 'socket_gateway',
    userId: '7',
    gateway: 'gwserver',
    kind: 'call',
    push: false,
    sequence: id,
    calltype: CallType.CALL,
    ifidx: 2,
    opidx: 0,
    errcode: 0,
    callId: 0,
    interface: 'test.Server',
    method: 'echo',
    extra: { name: 'scott.bo' },
    size: 40,
    correlation: `call:${id}:7@gwserver`,
    raw: '',
    rawTruncated: false,
    ...over,
  };
}
