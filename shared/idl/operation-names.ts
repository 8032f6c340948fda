import type { IdlModel, InterfaceDecl, Operation, QualifiedName } from './model.js';

/** (ifidx, opidx) → interface and operation of the open project's model, for naming feed entries and decoding them. */
export class OperationNames {
  private readonly byIndex = new Map<number, { iface: InterfaceDecl; ops: Map<number, Operation> }>();

  constructor(readonly model: IdlModel) {
    for (const qname in model.interfaces) {
      const iface = model.interfaces[qname]!;
      // The first interface with an index wins, as interfaceByIndex does; duplicates are compile errors.
      if (!this.byIndex.has(iface.index))
        this.byIndex.set(iface.index, { iface, ops: new Map(iface.operations.map((op) => [op.index, op])) });
    }
  }

  interfaceName(ifidx: number): QualifiedName | undefined {
    return this.byIndex.get(ifidx)?.iface.qname;
  }

  lookup(ifidx: number, opidx: number): { iface: InterfaceDecl; op: Operation | undefined } | undefined {
    const found = this.byIndex.get(ifidx);
    return found && { iface: found.iface, op: found.ops.get(opidx) };
  }
}
