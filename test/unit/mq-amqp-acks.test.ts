// ChannelAcks (electron/transports/amqp-acks.ts): the frames a consuming channel sends for the
// acks of one event-loop turn. A `multiple` ack settles every unacknowledged delivery up to its
// tag on RabbitMQ's side, so it must never cover one the listener still holds: that one would
// be lost if its back end died (docs/delivery.md, "at least once to a back end").
import { EventEmitter } from 'node:events';
import type { Channel, ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { ChannelAcks, HeldDelivery } from '../../electron/transports/amqp-acks.js';

/** A channel that records ack/nack frames as `ack 3`, `ack ≤5`, `nack 2 requeue`. */
function recordingChannel() {
  const frames: string[] = [];
  const channel = Object.assign(new EventEmitter(), {
    ack: (m: ConsumeMessage, allUpTo?: boolean) => frames.push(`ack ${allUpTo ? '≤' : ''}${m.fields.deliveryTag}`),
    nack: (m: ConsumeMessage, _allUpTo?: boolean, requeue?: boolean) =>
      frames.push(`nack ${m.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  });
  return { frames, channel: channel as unknown as Channel & EventEmitter };
}

const delivery = (tag: number): ConsumeMessage => ({ fields: { deliveryTag: tag } }) as ConsumeMessage;

/** Acks whose turn ends when `endTurn()` is called. */
function turnAcks() {
  const { frames, channel } = recordingChannel();
  const tasks: (() => void)[] = [];
  const errors: unknown[] = [];
  const acks = new ChannelAcks(
    channel,
    (task) => tasks.push(task),
    (err) => errors.push(err),
  );
  const endTurn = (): void => {
    for (const task of tasks.splice(0)) task();
  };
  const hold = (tag: number): HeldDelivery => {
    const held = new HeldDelivery(delivery(tag));
    acks.hold(held);
    return held;
  };
  return { acks, frames, channel, endTurn, hold, errors };
}

describe('ChannelAcks', () => {
  it('sends nothing during the turn, then one multiple ack for acks received in order', () => {
    const { acks, frames, endTurn } = turnAcks();
    for (let tag = 1; tag <= 5; tag++) acks.ack(delivery(tag));
    expect(frames).toEqual([]);
    endTurn();
    expect(frames).toEqual(['ack ≤5']);
    acks.ack(delivery(6));
    endTurn();
    expect(frames).toEqual(['ack ≤5', 'ack ≤6']);
  });

  it('never lets a multiple ack cover a held delivery: those behind it go one by one', () => {
    const { acks, frames, endTurn, hold } = turnAcks();
    const held = [1, 2, 3, 4, 5].map(hold);
    acks.ack(held[0]!.message, held[0]);
    acks.ack(held[3]!.message, held[3]);
    acks.ack(held[1]!.message, held[1]);
    endTurn();
    // 3 is still held: ≤2 settles 1 and 2, 4 goes alone, 3 and 5 stay unacknowledged.
    expect(frames).toEqual(['ack 4', 'ack ≤2']);
    acks.ack(held[4]!.message, held[4]);
    acks.ack(held[2]!.message, held[2]);
    endTurn();
    expect(frames).toEqual(['ack 4', 'ack ≤2', 'ack ≤5']);
  });

  it('rejects at once, alone, and a rejected delivery no longer holds back the acks after it', () => {
    const { acks, frames, endTurn, hold } = turnAcks();
    const [first, second] = [hold(1), hold(2)];
    acks.reject(first, true);
    expect(frames).toEqual(['nack 1 requeue']);
    acks.ack(second.message, second);
    endTurn();
    expect(frames).toEqual(['nack 1 requeue', 'ack ≤2']);
  });

  it('flush() sends what the turn gathered so far (before a channel close), and the turn end then sends nothing', () => {
    const { acks, frames, endTurn } = turnAcks();
    acks.ack(delivery(1));
    acks.flush();
    endTurn();
    expect(frames).toEqual(['ack ≤1']);
  });

  it('once its channel closed sends nothing: RabbitMQ has requeued what was unacknowledged', () => {
    const { acks, frames, channel, endTurn, hold } = turnAcks();
    const held = hold(2);
    acks.ack(delivery(1));
    channel.emit('close');
    acks.ack(held.message, held);
    acks.reject(hold(3), true);
    endTurn();
    acks.flush();
    expect(frames).toEqual([]);
  });

  it('reports what amqplib throws at the turn end instead of throwing into the event loop', () => {
    const { acks, channel, endTurn, errors } = turnAcks();
    channel.ack = () => {
      throw new Error('Channel closing');
    };
    acks.ack(delivery(1));
    endTurn();
    expect(errors.map(String)).toEqual(['Error: Channel closing']);
  });
});
