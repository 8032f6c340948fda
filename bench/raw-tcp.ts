// The raw TCP reference client: length-prefixed frames, no protocol, nothing but the socket.
import net from 'node:net';
import { once } from 'node:events';
import { FifoReplies } from './measure.js';

/** The size of a TCE echo("hello") frame, so raw references move the same bytes. */
export const RAW_PAYLOAD = 40;

/** A client under test: TCE's or a reference's. */
export interface Contender {
  call: () => Promise<unknown>;
  close: () => unknown;
}

/** Raw length-prefixed TCP echo, batching writes per event-loop turn like the TCE client does. */
export async function rawTcpClient(port: number): Promise<Contender> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  const message = Buffer.alloc(4 + RAW_PAYLOAD);
  message.writeUInt32BE(RAW_PAYLOAD);
  const replies = new FifoReplies();
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    let at = 0;
    while (buffered.length - at >= 4) {
      const size = 4 + buffered.readUInt32BE(at);
      if (buffered.length - at < size) break;
      at += size;
      replies.settle();
    }
    buffered = buffered.subarray(at);
  });
  let batch: Buffer[] = [];
  const flush = (): void => {
    socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    batch = [];
  };
  return {
    call: () => {
      if (batch.push(message) === 1) setImmediate(flush);
      return replies.next();
    },
    close: () => socket.destroy(),
  };
}
