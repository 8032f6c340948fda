import type { IdlModel } from '../idl/model.js';
import { generateModule, type GeneratedFile, type GenerateOptions } from './module.js';
import { modelNaming } from './names.js';

export { generateModule, type GeneratedFile, type GenerateOptions } from './module.js';

/** Every module of the model, one `<module>.ts` each, sharing one naming so cross-module references agree. */
export function generateAll(model: IdlModel, options: Omit<GenerateOptions, 'naming'> = {}): GeneratedFile[] {
  const naming = modelNaming(model);
  return model.modules.map((m) => generateModule(model, m.name, { ...options, naming }));
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/**
 * The `ifxdef.xml` fragment: one `<if id="N" name="module.Interface"/>` per interface, in module
 * and declaration order — ready to paste into services.xml `<InterfaceDef>` (spec §1.7).
 */
export function generateIfxdef(model: IdlModel): string {
  const lines: string[] = [];
  for (const mod of model.modules) {
    for (const qname of mod.interfaces) {
      const decl = model.interfaces[qname];
      if (decl) lines.push(`<if id="${decl.index}" name="${escapeXml(decl.qname)}"/>`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
