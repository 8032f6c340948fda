// Fault (a) of docs/delivery.md on real RabbitMQ and real processes: the gateway's broker link is
// cut for 5 s under 100 calls in flight (a TCP proxy of the test's own resets it), then restored.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/rpc/errors.js';
import { gatewayLinkCut } from '../../support/faults.js';

describe('fault (a): the gateway loses its broker link for 5 s under 100 calls in flight', () => {
  it('answers or error-returns every call (errcode 1 at once), none silent, none twice, none to another client; the same process recovers', async () => {
    const counts = await gatewayLinkCut({ inFlight: 100, cutMs: 5_000 });
    console.log(JSON.stringify(counts));
    expect(counts).toMatchObject({ inFlight: 100, silent: 0, duplicated: 0, wrongClient: 0, connectionLost: 0 });
    expect(counts.answered + counts.errorReturned).toBe(counts.calls);
    // Calls made while the link was down cannot have been answered: the gateway said so at once.
    expect(counts.errorReturned).toBeGreaterThan(0);
    expect(Object.keys(counts.errorCodes).map(Number)).toEqual([ErrorCode.SENDFAILED]);
    // The calls in flight at the cut were answered before the link came back, not left to wait for it.
    expect(counts.facts).toMatchObject({ waitingAtRestore: 0, gatewayRunning: 1 });
    expect(counts.facts['answeredAfterRecovery']).toBeGreaterThanOrEqual(500);
  }, 180_000);
});
