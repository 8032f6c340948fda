import type { Channel, ConsumeMessage } from 'amqplib';

/** A delivery a `by-listener` listener holds unsettled: linked in delivery-tag order until settled. */
export class HeldDelivery {
  prev: HeldDelivery | undefined = undefined;
  next: HeldDelivery | undefined = undefined;
  constructor(readonly message: ConsumeMessage) {}
}

/**
 * The acknowledgements of one consuming channel, gathered over an event-loop turn and sent at
 * its end (`atTurnEnd`). One basic.ack with `multiple` settles every delivery up to its tag, so
 * it may only name a tag below every delivery still held: held deliveries are kept in tag order,
 * the turn's acks below the oldest held one go as one frame, the few behind it (settled out of
 * order) one frame each. In order (an echo back end, a reply queue acked on receipt) that is one
 * frame per turn instead of one per message, for amqplib to encode and RabbitMQ to take.
 * Rejections go at once, one by one: they are rare.
 */
export class ChannelAcks {
  private oldest: HeldDelivery | undefined;
  private newest: HeldDelivery | undefined;
  private acked: ConsumeMessage[] = [];
  private scheduled = false;
  /** The channel closed: RabbitMQ requeued everything unacknowledged, there is nothing to send. */
  private closed = false;

  constructor(
    readonly channel: Channel,
    private readonly atTurnEnd: (task: () => void) => void,
    /** What amqplib threw when sending (the channel closing under us). */
    private readonly onError: (err: unknown) => void,
  ) {
    channel.once('close', () => {
      this.closed = true;
      this.acked = [];
      this.oldest = this.newest = undefined;
    });
  }

  /** A delivery the listener will settle: no multiple ack covers it until it is acked or rejected. */
  hold(delivery: HeldDelivery): void {
    delivery.prev = this.newest;
    if (this.newest) this.newest.next = delivery;
    else this.oldest = delivery;
    this.newest = delivery;
  }

  /** Acknowledges a delivery, held or not, with the rest of this turn's. */
  ack(message: ConsumeMessage, held?: HeldDelivery): void {
    if (this.closed) return;
    if (held) this.release(held);
    this.acked.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    this.atTurnEnd(this.sendTurn);
  }

  /** Rejects a held delivery now: back to the queue for any reader (requeue), or dropped. */
  reject(held: HeldDelivery, requeue: boolean): void {
    if (this.closed) return;
    this.release(held);
    this.channel.nack(held.message, false, requeue);
  }

  /** Sends the acks gathered so far: at the turn's end, or before the channel is closed. */
  flush(): void {
    const acked = this.acked;
    if (this.closed || acked.length === 0) return;
    this.acked = [];
    const below = this.oldest?.message.fields.deliveryTag ?? Infinity;
    let upTo: ConsumeMessage | undefined;
    for (const message of acked) {
      const tag = message.fields.deliveryTag;
      if (tag > below) this.channel.ack(message);
      else if (!upTo || tag > upTo.fields.deliveryTag) upTo = message;
    }
    if (upTo) this.channel.ack(upTo, true);
  }

  private readonly sendTurn = (): void => {
    this.scheduled = false;
    try {
      this.flush();
    } catch (err) {
      this.onError(err);
    }
  };

  private release(held: HeldDelivery): void {
    if (held.prev) held.prev.next = held.next;
    else this.oldest = held.next;
    if (held.next) held.next.prev = held.prev;
    else this.newest = held.prev;
    held.prev = held.next = undefined;
  }
}
