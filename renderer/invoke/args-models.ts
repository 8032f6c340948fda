import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import type { IdlModel, Operation } from '../../shared/idl/model.js';
import { paramsJsonSchema } from '../../shared/wire/json-schema.js';
import { monaco } from '../monaco/setup.js';

/**
 * The parameters editor's models: one JSON model per method (the text survives switching), and
 * the method's JSON Schema (shared/wire) bound to it for completion, hover and validation.
 */
const models = new Map<string, monaco.editor.ITextModel>();

export function argsModel(key: string, text: string): monaco.editor.ITextModel {
  let model = models.get(key);
  if (!model) {
    model = monaco.editor.createModel(
      text,
      'json',
      monaco.Uri.parse(`inmemory://tce/args/${encodeURIComponent(key)}.json`),
    );
    models.set(key, model);
  } else if (model.getValue() !== text) {
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
  }
  return model;
}

/** Binds the operation's parameter schema to its model (only one method is edited at a time). */
export function bindSchema(model: monaco.editor.ITextModel, idl: IdlModel, op: Operation): void {
  let schema: Record<string, unknown>;
  try {
    schema = paramsJsonSchema(idl, op);
  } catch {
    schema = {};
  }
  jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    enableSchemaRequest: false,
    schemaValidation: 'error',
    schemas: [{ uri: `tce://schema/${encodeURIComponent(model.uri.path)}`, fileMatch: [model.uri.toString()], schema }],
  });
}
