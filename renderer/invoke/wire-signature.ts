import { resolveOperation, type IdlModel, type TypeRef } from '../../shared/idl/model.js';

/**
 * What the wire depends on for one operation: ifidx, opidx, the parameter and result types and
 * every type they reach. Two models that agree on it encode and decode the call identically, so
 * the host may encode with its model what the user edited in the worker's.
 */
export function wireSignature(model: IdlModel, iface: string, method: string): string | undefined {
  const resolved = resolveOperation(model, iface, method);
  if (!resolved) return undefined;
  const { op, ifidx } = resolved;
  const seen = new Set<string>();
  const parts: string[] = [`${ifidx}/${op.index}`];
  const visit = (t: TypeRef): string => {
    if (t.kind !== 'ref') return t.kind === 'void' ? 'void' : t.name;
    if (!seen.has(t.name)) {
      seen.add(t.name);
      const d = model.types[t.name];
      if (!d) parts.push(`${t.name}=?`);
      else if (d.kind === 'struct')
        parts.push(`${t.name}={${d.fields.map((f) => `${f.name}:${visit(f.type)}`).join(',')}}`);
      else if (d.kind === 'sequence') parts.push(`${t.name}=[${visit(d.element)}]`);
      else parts.push(`${t.name}=<${visit(d.key)},${visit(d.value)}>`);
    }
    return t.name;
  };
  parts.push(`(${op.params.map((p) => `${p.name}:${visit(p.type)}`).join(',')})->${visit(op.returns)}`);
  return parts.join(';');
}
