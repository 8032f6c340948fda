import { ExtraKey, isCall } from '../../shared/wire/message.js';
import { ProvisionalEntries } from '../host/connections/link.js';
import { identity } from '../host/feed/correlation.js';
import type { Feed } from '../host/feed/feed.js';
import type { ObservedFrame } from './frame-observer.js';

export interface ProxyRecorderOptions {
  feed: Feed;
  /** One proxied connection: `proxy:<attachment>:<n>`. */
  scope: string;
  /** The entries' endpoint: the project endpoint's name, or the upstream URL. */
  endpoint: string;
  /** The client's address. */
  peer: string;
  /** The services.xml gateway behind the upstream, when the proxy stands in front of one of the project's. */
  gateway: string | undefined;
}

/**
 * Feed entries of one proxied connection, hop `proxy`: `in` = from the client towards the
 * upstream, `out` = back to the client (as at a gateway's client side). A client's calls are
 * keyed like the gateway keys them (`call:<sequence>:<user id>@<gateway>`) once the user id is
 * known: the proxy learns it from the first message the gateway sends the client with
 * `__user_id__` (a RETURN or a push), and re-keys what it recorded before (FeedBatch.revised).
 */
export class ProxyRecorder {
  private userId: string | undefined;
  private who: string;
  private readonly provisional = new ProvisionalEntries();

  constructor(private readonly options: ProxyRecorderOptions) {
    this.who = identity(undefined, options.scope);
  }

  record(direction: 'in' | 'out', { message, raw }: ObservedFrame): void {
    const { feed, gateway } = this.options;
    const carried = message.extra[ExtraKey.userId];
    if (direction === 'out' && carried !== undefined && this.userId === undefined && gateway !== undefined)
      this.learn(carried, gateway);
    // A CALL to the client, or the client's RETURN of one, belongs to a back end's call: a push.
    const push = isCall(message) !== (direction === 'in');
    const who = push ? identity(carried ?? this.userId, undefined) : this.who;
    const id = feed.record(
      {
        hop: 'proxy',
        direction,
        endpoint: this.options.endpoint,
        peer: this.options.peer,
        userId: this.userId ?? carried,
        gateway: this.userId === undefined ? undefined : gateway,
        message,
        raw,
      },
      { scope: this.options.scope, user: '', who, push },
    );
    // Only a gateway names users: in front of a plain server, keys stay as they are.
    if (!push && this.userId === undefined && gateway !== undefined) this.provisional.add(id);
  }

  private learn(userId: string, gateway: string): void {
    const actual = identity(userId, gateway);
    this.provisional.settle(this.options.feed, this.who, actual, userId, gateway);
    this.who = actual;
    this.userId = userId;
  }
}
