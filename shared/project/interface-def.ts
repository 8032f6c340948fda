import type { InterfaceDefEntry } from '../idl/compile.js';
import type { ServicesModel } from './model.js';

export type { InterfaceDefEntry };

/**
 * Every `<if>` with a valid id, in document order, for `compile(files, { interfaceDef: { entries,
 * mode } })`; `range` is the id value, what fixing a mismatch edits.
 */
export function interfaceDefEntries(services: ServicesModel): InterfaceDefEntry[] {
  return services.interfaces.flatMap((i) =>
    i.id === undefined ? [] : [{ id: i.id, name: i.name, range: i.ranges.id ?? i.range }],
  );
}
