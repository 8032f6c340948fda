// The byte vectors of spec §10, exactly as the spec prints them.
import { fromHex } from './hex.js';

/** CALL test.Server.echo("hello"), extra {name: "scott.bo"}, sequence 1: a full stream frame. */
export const V1 = fromHex(`
0000: ef d2 bb 99 00 00 00 3c 00 00 00 00 01 00 01 00
0010: 00 00 01 01 00 02 00 00 00 00 00 00 01 00 00 00
0020: 00 00 01 00 00 00 04 6e 61 6d 65 00 00 00 08 73
0030: 63 6f 74 74 2e 62 6f 00 00 00 05 68 65 6c 6c 6f`);
/** Java-style RETURN of V1 with the value "hello". */
export const V2 = fromHex(`
0000: ef d2 bb 99 00 00 00 28 00 00 00 00 01 00 01 00
0010: 00 00 01 02 00 02 00 00 00 00 00 00 01 00 00 00
0020: 00 00 00 00 00 00 05 68 65 6c 6c 6f`);
/** one-way Server.heartbeat("hi"), sequence 2. */
export const V3 = fromHex(`
0000: ef d2 bb 99 00 00 00 25 00 00 00 00 01 00 01 00
0010: 00 00 02 21 00 02 00 02 00 00 00 00 01 00 00 00
0020: 00 00 00 00 00 00 02 68 69`);
/** error RETURN: sequence 7, errcode 4. */
export const V4 = fromHex(`
0000: ef d2 bb 99 00 00 00 1f 00 00 00 00 01 00 01 00
0010: 00 00 07 02 00 00 00 00 00 00 00 04 00 00 00 00
0020: 00 00 00`);
/** V1 as a gateway forwards it to the back-end queue (MQ body, no meta header). */
export const V5 = fromHex(`
0000: 01 00 00 00 01 01 00 02 00 00 00 00 00 00 01 80
0010: 00 00 00 00 03 00 00 00 04 6e 61 6d 65 00 00 00
0020: 08 73 63 6f 74 74 2e 62 6f 00 00 00 0b 5f 5f 75
0030: 73 65 72 5f 69 64 5f 5f 00 00 00 01 31 00 00 00
0040: 0d 5f 5f 6d 71 5f 72 65 74 75 72 6e 5f 5f 00 00
0050: 00 0a 6d 71 5f 67 61 74 65 77 61 79 00 00 00 05
0060: 68 65 6c 6c 6f`);
/** push sns.ITerminal.onMessage(Message_t) to user A1002 (MQ body). */
export const V6 = fromHex(`
0000: 01 00 00 00 03 21 00 03 00 00 00 00 00 00 01 00
0010: 00 00 00 00 01 00 00 00 0b 5f 5f 75 73 65 72 5f
0020: 69 64 5f 5f 00 00 00 05 41 31 30 30 32 00 00 00
0030: 05 00 00 00 05 41 31 30 30 31 00 00 00 04 31 30
0040: 30 30 00 00 00 02 68 69`);
/** async CALL of the annotated test.BaseServer.datetime(), ifidx 11, opidx 10, sequence 5. */
export const V8 = fromHex(`
0000: ef d2 bb 99 00 00 00 1f 00 00 00 00 01 00 01 00
0010: 00 00 05 41 00 0b 00 0a 00 00 00 00 00 00 00 00
0020: 00 00 00`);
