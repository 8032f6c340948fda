import type { RpcMessage } from '../wire/message.js';
import { ErrorCode, RpcError, errorCodeName, errorDescription } from './errors.js';

/** Default wait for a reply (spec §6.3: Python 30 s, Java 30 000 ms). */
export const DEFAULT_CALL_TIMEOUT = 30_000;
/** Default bound on calls awaiting a reply per table. */
export const DEFAULT_MAX_IN_FLIGHT = 10_000;
/** Sequences stay below 2^31: Java and C# peers read them as signed int32 (spec §9.1). */
export const MAX_SEQUENCE = 0x7fffffff;
/** setTimeout's own ceiling; longer waits would fire at once. */
const MAX_TIMER = 0x7fffffff;

/** Call sequence numbers: 1, 2, …, MAX_SEQUENCE, then 1 again. */
export class SequenceGenerator {
  private last = 0;

  next(): number {
    this.last = this.last >= MAX_SEQUENCE ? 1 : this.last + 1;
    return this.last;
  }
}

export interface PendingCallsOptions {
  /** Milliseconds a call waits when it names no timeout; 0 waits forever. Default 30 000. */
  timeout?: number;
  /** Calls that may await a reply at once; one more fails with SENDFAILED. Default 10 000. */
  maxInFlight?: number;
  /** Where the calls go, e.g. `tcp://127.0.0.1:9000`: starts every error message. */
  description?: string;
}

/** What a call registered in the table gets back. */
export interface PendingCall {
  readonly sequence: number;
  /** Resolves with the RETURN (errcode 0); rejects with RpcError (timeout, error RETURN, loss). */
  readonly reply: Promise<RpcMessage>;
}

interface Entry {
  resolve(reply: RpcMessage): void;
  reject(error: RpcError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  ifidx: number;
  opidx: number;
}

/**
 * Calls awaiting a RETURN, keyed by sequence: the one reply-matching table every transport
 * uses. Unlike the original (spec §6.2, §9.2 item 8) every entry leaves the table on its
 * reply, its timeout or failAll, so nothing leaks and late replies are simply unmatched.
 */
export class PendingCalls {
  readonly defaultTimeout: number;
  readonly maxInFlight: number;
  readonly description: string;
  private readonly entries = new Map<number, Entry>();
  private readonly sequences = new SequenceGenerator();

  constructor(options: PendingCallsOptions = {}) {
    this.defaultTimeout = checkTimeout(options.timeout ?? DEFAULT_CALL_TIMEOUT);
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.description = options.description ?? 'peer';
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, not ${this.maxInFlight}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A fresh sequence for a message that awaits no reply (one-way calls). */
  nextSequence(): number {
    let sequence = this.sequences.next();
    // A call waiting forever may still hold a sequence after a wrap-around; skip it.
    while (this.entries.has(sequence)) sequence = this.sequences.next();
    return sequence;
  }

  /**
   * Registers a call under a fresh sequence. Throws RpcError(SENDFAILED) when the table is
   * full and RangeError for a bad timeout; `timeout` undefined = the table's default.
   */
  open(timeout: number | undefined, ifidx: number, opidx: number): PendingCall {
    const ms = timeout === undefined ? this.defaultTimeout : checkTimeout(timeout);
    if (this.entries.size >= this.maxInFlight) {
      throw new RpcError(ErrorCode.SENDFAILED, `${this.description}: too many calls in flight (limit ${this.maxInFlight}); call ifidx ${ifidx} opidx ${opidx} was not sent`);
    }
    const sequence = this.nextSequence();
    let entry!: Entry;
    const reply = new Promise<RpcMessage>((resolve, reject) => {
      entry = { resolve, reject, timer: undefined, ifidx, opidx };
    });
    if (ms > 0) entry.timer = setTimeout(() => this.expire(sequence, ms), ms);
    this.entries.set(sequence, entry);
    return { sequence, reply };
  }

  /**
   * Settles the call a RETURN answers: errcode 0 resolves, anything else rejects with
   * RpcError(errcode). False when no call waits for this sequence (late or foreign reply).
   */
  settle(reply: RpcMessage): boolean {
    const entry = this.take(reply.sequence);
    if (!entry) return false;
    if (reply.errcode === 0) entry.resolve(reply);
    else entry.reject(new RpcError(reply.errcode, `${this.label(entry, reply.sequence)}: the peer answered ${describeCode(reply.errcode)}`));
    return true;
  }

  /** Rejects one call, e.g. when its CALL could not be written. */
  fail(sequence: number, error: RpcError): boolean {
    const entry = this.take(sequence);
    if (!entry) return false;
    entry.reject(error);
    return true;
  }

  /** Rejects every waiting call with `code` (104 CONNECTION_LOST when a connection drops). */
  failAll(code: number, reason: string): number {
    const all = [...this.entries];
    this.entries.clear();
    for (const [sequence, entry] of all) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.reject(new RpcError(code, `${this.label(entry, sequence)}: ${reason}`));
    }
    return all.length;
  }

  private take(sequence: number): Entry | undefined {
    const entry = this.entries.get(sequence);
    if (!entry) return undefined;
    this.entries.delete(sequence);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    return entry;
  }

  private expire(sequence: number, ms: number): void {
    const entry = this.entries.get(sequence);
    if (!entry) return;
    this.entries.delete(sequence);
    entry.reject(new RpcError(ErrorCode.TIMEOUT, `${this.label(entry, sequence)}: no reply within ${ms} ms`));
  }

  private label(entry: Entry, sequence: number): string {
    return `${this.description}: call ifidx ${entry.ifidx} opidx ${entry.opidx} (sequence ${sequence})`;
  }
}

function checkTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a call timeout must be a number of milliseconds ≥ 0 (0 = forever), not ${ms}`);
  return Math.min(ms, MAX_TIMER);
}

function describeCode(code: number): string {
  return `${errorCodeName(code)} (${code}): ${errorDescription(code)}`;
}
