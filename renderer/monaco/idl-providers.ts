import { BUILTIN_NAMES } from '../../shared/idl/model.js';
import { modelFor, pathOfUri } from '../editor/documents.js';
import { useProject } from '../stores/project.js';
import type { Occurrence, Span } from '../worker/protocol.js';
import { ANNOTATION_KEYS, IDL_KEYWORDS, IDL_LANGUAGE } from './idl-language.js';
import { monaco } from './setup.js';

/**
 * Completion, hover and go-to-definition for the TCE IDL, from the worker's latest compile
 * (symbols carry what the checker made of each declaration: ifidx, opidx, base).
 */

const toRange = (s: Span): monaco.IRange => ({
  startLineNumber: s.startLine,
  startColumn: s.startColumn,
  endLineNumber: s.endLine,
  endColumn: s.endColumn,
});

function occurrenceAt(model: monaco.editor.ITextModel, position: monaco.Position): Occurrence | undefined {
  const path = pathOfUri(model.uri);
  const list = path ? useProject.getState().compiled?.occurrences[path] : undefined;
  return list?.find(
    (o) =>
      (o.span.startLine < position.lineNumber ||
        (o.span.startLine === position.lineNumber && o.span.startColumn <= position.column)) &&
      (o.span.endLine > position.lineNumber ||
        (o.span.endLine === position.lineNumber && o.span.endColumn >= position.column)),
  );
}

const SNIPPETS: { label: string; detail: string; body: string }[] = [
  { label: 'module', detail: 'module block', body: 'module ${1:name} {\n\t$0\n};' },
  {
    label: 'interface',
    detail: 'interface declaration',
    body: 'interface ${1:Name} {\n\t${2:void} ${3:op}(${4});\n};',
  },
  { label: 'struct', detail: 'struct declaration', body: 'struct ${1:Name} {\n\t${2:string} ${3:field};\n};' },
  { label: 'sequence', detail: 'sequence declaration', body: 'sequence<${1:string}> ${2:Name};' },
  { label: 'dictionary', detail: 'dictionary declaration', body: 'dictionary<${1:string}, ${2:string}> ${3:Name};' },
];

function completions(model: monaco.editor.ITextModel, position: monaco.Position): monaco.languages.CompletionList {
  const word = model.getWordUntilPosition(position);
  const range = {
    startLineNumber: position.lineNumber,
    endLineNumber: position.lineNumber,
    startColumn: word.startColumn,
    endColumn: word.endColumn,
  };
  const before = model.getValueInRange({
    startLineNumber: position.lineNumber,
    startColumn: 1,
    endLineNumber: position.lineNumber,
    endColumn: position.column,
  });
  const { Keyword, TypeParameter, Struct, Interface, Snippet, Property } = monaco.languages.CompletionItemKind;
  if (/\[[^\]]*$/.test(before)) {
    return {
      suggestions: ANNOTATION_KEYS.map((key) => ({
        label: key,
        kind: Property,
        insertText: `${key}=`,
        range,
        detail: 'annotation',
      })),
    };
  }
  const suggestions: monaco.languages.CompletionItem[] = [
    ...IDL_KEYWORDS.map((k) => ({ label: k, kind: Keyword, insertText: k, range })),
    ...[...BUILTIN_NAMES, 'void'].map((b) => ({
      label: b,
      kind: TypeParameter,
      insertText: b,
      range,
      detail: 'builtin type',
    })),
    ...SNIPPETS.map((s) => ({
      label: `${s.label}…`,
      kind: Snippet,
      insertText: s.body,
      insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
      range,
      detail: s.detail,
      sortText: `~${s.label}`,
    })),
  ];
  const path = pathOfUri(model.uri);
  const idl = useProject.getState().compiled?.model ?? useProject.getState().snapshot?.model;
  if (idl) {
    const local = new Set(idl.modules.filter((m) => path && m.files.includes(path)).map((m) => m.name));
    const add = (qname: string, kind: monaco.languages.CompletionItemKind, detail: string): void => {
      const dot = qname.lastIndexOf('.');
      const mod = qname.slice(0, dot);
      const label = local.has(mod) ? qname.slice(dot + 1) : `${mod}::${qname.slice(dot + 1)}`;
      suggestions.push({ label, kind, insertText: label, range, detail });
    };
    for (const decl of Object.values(idl.types)) add(decl.qname, Struct, `${decl.kind} ${decl.qname}`);
    for (const decl of Object.values(idl.interfaces))
      add(decl.qname, Interface, `interface ${decl.qname} (ifidx ${decl.index})`);
  }
  return { suggestions };
}

export function registerIdlProviders(openFile: (path: string, line: number, column: number) => void): void {
  monaco.languages.registerCompletionItemProvider(IDL_LANGUAGE, {
    triggerCharacters: ['[', ':', ' '],
    provideCompletionItems: (model, position) => completions(model, position),
  });
  monaco.languages.registerHoverProvider(IDL_LANGUAGE, {
    provideHover: (model, position) => {
      const occ = occurrenceAt(model, position);
      const symbol = occ && useProject.getState().compiled?.symbols[occ.key];
      if (!occ || !symbol) return null;
      return { range: toRange(occ.span), contents: [{ value: symbol.hover }] };
    },
  });
  monaco.languages.registerDefinitionProvider(IDL_LANGUAGE, {
    provideDefinition: (model, position) => {
      const occ = occurrenceAt(model, position);
      const symbol = occ && useProject.getState().compiled?.symbols[occ.key];
      if (!symbol || !modelFor(symbol.span.file)) return null;
      return { uri: monaco.Uri.file(symbol.span.file), range: toRange(symbol.span) };
    },
  });
  // Definitions in another file: switch the editor to it (the standalone editor cannot on its own).
  monaco.editor.registerEditorOpener({
    openCodeEditor: (_source, resource, selection) => {
      const path = pathOfUri(resource);
      if (!path) return false;
      const pos =
        selection && 'startLineNumber' in selection
          ? { line: selection.startLineNumber, column: selection.startColumn }
          : selection
            ? { line: selection.lineNumber, column: selection.column }
            : { line: 1, column: 1 };
      openFile(path, pos.line, pos.column);
      return true;
    },
  });
}
