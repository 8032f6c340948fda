// The few host globals that every runtime shared/ targets (Node, browsers, workers) provides.
// Declared here because shared/ compiles without Node or DOM typings, to keep it pure.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
/** Opaque: an object in Node, a number in browsers. */
declare type TimerHandle = object | number;
declare function setTimeout(handler: () => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;
declare function queueMicrotask(callback: () => void): void;
