import { allOperations, declarationOf, type IdlModel, type QualifiedName } from '../../../shared/idl/model.js';
import { OperationTable } from '../../../shared/rpc/servant.js';
import type { ModelCodec } from '../../../shared/wire/codec.js';

/**
 * Interfaces a back end may call on the console (pushes, spec §6.4): those whose operations
 * are all void, like `ITerminal`. Only a guess from the shape, but a safe one: the console can
 * answer a void call without knowing what it means.
 */
export function pushInterfaces(model: IdlModel): QualifiedName[] {
  return Object.values(model.interfaces)
    .filter((iface) => {
      const ops = allOperations(model, iface);
      return ops.length > 0 && ops.every((op) => op.returns.kind === 'void');
    })
    .map((iface) => iface.qname)
    .sort();
}

/**
 * One servant for every push interface: it checks that the parameters decode against the
 * model (a two-way push that does not decode gets error 6, as from any servant) and does
 * nothing else — the feed records every CALL from the connection's traffic, decoded on demand.
 */
export function pushServant(model: IdlModel, codec: () => ModelCodec): OperationTable {
  const table = new OperationTable();
  const served = new Set<string>();
  for (const qname of pushInterfaces(model)) {
    const iface = model.interfaces[qname]!;
    for (const op of allOperations(model, iface)) {
      const { ifidx } = declarationOf(model, iface, op);
      if (served.has(`${ifidx}/${op.index}`)) continue;
      served.add(`${ifidx}/${op.index}`);
      table.add(
        ifidx,
        op.index,
        `${op.owner}.${op.name}`,
        (_params, ctx) => {
          codec().decodeParams(op, ctx.message.params);
        },
        { returnsValue: false },
      );
    }
  }
  return table;
}
