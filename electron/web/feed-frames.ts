import type WebSocket from 'ws';
import type { FeedBatch } from '../../shared/console-api/types.js';

/** Entries per WebSocket fragment: one fragment's text stays some tens of KiB. */
export const ENTRIES_PER_FRAGMENT = 100;

/**
 * Sends a `feed.batch` event as one text message — the same JSON frame the page parses — in
 * fragments of ENTRIES_PER_FRAGMENT entries. A batch of thousands of entries stringified whole
 * is a string of megabytes: large strings live outside the young generation, so every batch
 * added its size to the old generation until the next full collection (the feed's heap peak).
 * Fragments are small, sent and dead within the turn. All are sent in one synchronous run, so
 * no other frame can come between them.
 */
export function sendFeedBatch(socket: WebSocket, batch: FeedBatch): void {
  const { entries, ...rest } = batch;
  const head = JSON.stringify({ type: 'event', event: 'feed.batch', payload: rest });
  // `head` ends with the payload's and the frame's closing braces: the entries go before them.
  let text = `${head.slice(0, -2)},"entries":[`;
  for (let i = 0; i < entries.length; i += ENTRIES_PER_FRAGMENT) {
    const part = JSON.stringify(entries.slice(i, i + ENTRIES_PER_FRAGMENT));
    text += i === 0 ? part.slice(1, -1) : `,${part.slice(1, -1)}`;
    socket.send(text, { fin: false });
    text = '';
  }
  socket.send(`${text}]}}`, { fin: true });
}
