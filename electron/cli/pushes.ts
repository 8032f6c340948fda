// How tce-call takes calls a server makes back to it (pushes, spec §6.4): it answers every
// operation of the IDL and prints each incoming CALL as one JSON line.
import { allOperations, interfaceByIndex, operationByIndex, type IdlModel } from '../../shared/idl/model.js';
import { OperationTable } from '../../shared/rpc/servant.js';
import type { ModelCodec } from '../../shared/wire/codec.js';
import { toJsonValue, type JsonValue } from '../../shared/wire/json-value.js';
import type { RpcMessage } from '../../shared/wire/message.js';
import { messageOf } from '../../shared/message-of.js';

/**
 * A servant for every operation the IDL declares: void ones succeed (a two-way push gets its
 * RETURN), others fail with error 6 — tce-call has no result to give. Calls outside the IDL
 * get error 4 from the adapter. Printing is done from the traffic, so every CALL is shown.
 */
export function acceptEveryOperation(model: IdlModel): OperationTable {
  const table = new OperationTable();
  for (const iface of Object.values(model.interfaces)) {
    for (const op of allOperations(model, iface)) {
      if (op.owner !== iface.qname) continue; // each operation once, under its declaring interface
      const name = `${iface.qname}.${op.name}`;
      const returnsValue = op.returns.kind !== 'void';
      table.add(
        iface.index,
        op.index,
        name,
        () => {
          if (returnsValue) throw new Error(`tce-call cannot answer ${name}: it returns a value`);
        },
        { returnsValue },
      );
    }
  }
  return table;
}

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/**
 * `{"push":"test.ITerminal.onMessage","args":{"message":"…"},"extra":{…}}`; a CALL outside the
 * IDL, or whose parameters do not decode, shows its parameter bytes in hex instead.
 */
export function pushLine(model: IdlModel, codec: ModelCodec, message: RpcMessage): string {
  const iface = interfaceByIndex(model, message.ifidx);
  const op = iface && operationByIndex(iface, message.opidx);
  const line: Record<string, JsonValue> = {};
  if (!iface || !op) {
    line['push'] = `ifidx ${message.ifidx} opidx ${message.opidx}`;
    line['params'] = hex(message.params);
  } else {
    line['push'] = `${iface.qname}.${op.name}`;
    try {
      line['args'] = toJsonValue(codec.decodeParams(op, message.params));
    } catch (error) {
      line['error'] = `the parameters do not decode: ${messageOf(error)}`;
      line['params'] = hex(message.params);
    }
  }
  line['extra'] = message.extra;
  return JSON.stringify(line);
}
