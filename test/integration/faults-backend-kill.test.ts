// Faults (c) and (d) of docs/delivery.md on real RabbitMQ and real processes: a back end holding
// slow calls is killed with SIGKILL. Back ends acknowledge a CALL only once its RETURN is
// confirmed, so RabbitMQ hands the killed one's calls to the other back end, or to the same one
// started again.
import { describe, expect, it } from 'vitest';
import { backEndKill, backEndKillRestart } from '../../support/faults.js';

describe('fault (c): one of two back ends is killed with 200 slow calls in flight', () => {
  it('loses none: the other back end serves what the killed one held', async () => {
    const counts = await backEndKill({ calls: 200, secs: 3 });
    console.log(JSON.stringify(counts));
    expect(counts.calls).toBe(200);
    expect(counts.facts['heldByKilled']).toBeGreaterThan(0);
    expect(counts.facts['servedBySurvivor']).toBeGreaterThanOrEqual(counts.facts['heldByKilled']!);
    expect(counts).toMatchObject({ answered: 200, errorReturned: 0, silent: 0, duplicated: 0, wrongClient: 0 });
  }, 180_000);
});

describe('fault (d): the only back end is killed with 50 slow calls in flight and started again', () => {
  it('the restarted back end serves them all', async () => {
    const counts = await backEndKillRestart({ calls: 50, secs: 2 });
    console.log(JSON.stringify(counts));
    expect(counts.facts['servedAfterRestart']).toBeGreaterThanOrEqual(50);
    expect(counts).toMatchObject({ answered: 50, errorReturned: 0, silent: 0, duplicated: 0, wrongClient: 0 });
  }, 180_000);
});
