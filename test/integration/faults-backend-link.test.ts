// Fault (b) of docs/delivery.md on real RabbitMQ and real processes: the back end's broker link is
// cut for 5 s under 100 calls in flight, then restored. Its unacknowledged calls go back to the
// queue and are served once it is back.
import { describe, expect, it } from 'vitest';
import { backEndLinkCut } from '../../support/faults.js';

describe('fault (b): the back end loses its broker link for 5 s under 100 calls in flight', () => {
  it('loses no call: every one is answered, once, to the client that made it', async () => {
    const counts = await backEndLinkCut({ inFlight: 100, cutMs: 5_000 });
    console.log(JSON.stringify(counts));
    expect(counts).toMatchObject({
      inFlight: 100,
      answered: counts.calls,
      errorReturned: 0,
      silent: 0,
      duplicated: 0,
      wrongClient: 0,
      connectionLost: 0,
    });
    expect(counts.facts['answeredAfterRecovery']).toBeGreaterThanOrEqual(500);
  }, 180_000);
});
