import type { QualifiedName } from '../idl/model.js';
import type { SourceRange } from '../idl/source.js';
import type { ServicesModel } from './model.js';

/**
 * What the IDL compiler needs to check (or take) interface numbers from `<InterfaceDef>`:
 * the same shape as `InterfaceDefEntry` in shared/idl/compile.ts, declared here until that exists.
 */
export interface InterfaceDefEntry {
  id: number;
  name: QualifiedName;
  range?: SourceRange;
}

/** Every `<if>` with a valid id, in document order; `range` is the id value, what a mismatch fix edits. */
export function interfaceDefEntries(services: ServicesModel): InterfaceDefEntry[] {
  return services.interfaces.flatMap((i) => (i.id === undefined ? [] : [{ id: i.id, name: i.name, range: i.ranges.id ?? i.range }]));
}
