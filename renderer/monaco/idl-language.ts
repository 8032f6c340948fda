import type * as Monaco from 'monaco-editor/editor';
import { BUILTIN_NAMES } from '../../shared/idl/model.js';

export const IDL_LANGUAGE = 'tce-idl';

/** Keywords as the lexer knows them, plus `void` and `exception` (reserved). */
export const IDL_KEYWORDS = [
  'module',
  'import',
  'interface',
  'extends',
  'struct',
  'sequence',
  'dictionary',
  'exception',
];
/** Annotation keys the checker reads. */
export const ANNOTATION_KEYS = [
  'index',
  'comment',
  ...['java', 'js', 'cpp', 'csharp', 'objc', 'as'].map((l) => `skeleton_${l}`),
];

/** The TCE IDL for Monaco: a Monarch tokenizer and bracket/comment rules. */
export function registerIdlLanguage(monaco: typeof Monaco): void {
  monaco.languages.register({ id: IDL_LANGUAGE, extensions: ['.idl'], aliases: ['TCE IDL'] });
  monaco.languages.setLanguageConfiguration(IDL_LANGUAGE, {
    comments: { lineComment: '//', blockComment: ['/*', '*/'] },
    brackets: [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
      ['<', '>'],
    ],
    autoClosingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"', notIn: ['string', 'comment'] },
    ],
    surroundingPairs: [
      { open: '{', close: '}' },
      { open: '(', close: ')' },
      { open: '<', close: '>' },
      { open: '"', close: '"' },
    ],
    indentationRules: { increaseIndentPattern: /\{[^}"']*$/, decreaseIndentPattern: /^\s*\}/ },
  });
  monaco.languages.setMonarchTokensProvider(IDL_LANGUAGE, {
    defaultToken: '',
    keywords: IDL_KEYWORDS,
    builtins: [...BUILTIN_NAMES, 'void'],
    tokenizer: {
      root: [
        [/\[/, { token: 'delimiter.square', next: '@annotation' }],
        [/[a-zA-Z_]\w*/, { cases: { '@keywords': 'keyword', '@builtins': 'type.builtin', '@default': 'identifier' } }],
        { include: '@whitespace' },
        [/::/, 'delimiter'],
        [/[{}()<>]/, '@brackets'],
        [/[;,=]/, 'delimiter'],
        [/\d+[uUlL]*/, 'number'],
        [/"/, { token: 'string.quote', next: '@string' }],
        [/#.*$/, 'invalid'],
      ],
      annotation: [
        [/\]/, { token: 'delimiter.square', next: '@pop' }],
        [/[a-zA-Z_]\w*(?=\s*=)/, 'annotation'],
        [/[a-zA-Z_]\w*/, 'identifier'],
        [/\d+/, 'number'],
        [/"/, { token: 'string.quote', next: '@string' }],
        [/[=,]/, 'delimiter'],
        { include: '@whitespace' },
      ],
      string: [
        [/[^\\"]+/, 'string'],
        [/\\./, 'string.escape'],
        [/"/, { token: 'string.quote', next: '@pop' }],
      ],
      whitespace: [
        [/[ \t\r\n]+/, ''],
        [/\/\*/, 'comment', '@comment'],
        [/\/\/.*$/, 'comment'],
      ],
      comment: [
        [/[^/*]+/, 'comment'],
        [/\*\//, 'comment', '@pop'],
        [/[/*]/, 'comment'],
      ],
    },
  });
}
