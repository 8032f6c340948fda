import * as monaco from 'monaco-editor/editor';
// Only the editor features the console uses (the full `monaco-editor` import bundles every language).
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codelens/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoSymbol/register';
// Contributions editor.main imports beside the feature registrations (0.57's feature entry
// points leave them out): suggest widget, go-to commands, problem navigation status.
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/gotoSymbol/browser/goToCommands';
import 'monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus';
import 'monaco-editor/editor/common/standaloneStrings';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/quickCommand/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/referenceSearch/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
// Services some contributions above depend on (drop-into-editor), registered by importing them.
import 'monaco-editor/editor/common/services/treeViewsDndService';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/xml/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { useTheme, type Theme } from '../stores/theme.js';
import { registerIdlLanguage } from './idl-language.js';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

// Workers come from this bundle (CSP `worker-src 'self' blob:`), never from a CDN.
window.MonacoEnvironment = {
  getWorker: (_id, label) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

registerIdlLanguage(monaco);

monaco.editor.defineTheme('tce-light', {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'annotation', foreground: '7a3e9d' },
    { token: 'type.builtin', foreground: '0b6e99' },
  ],
  colors: { 'editor.background': '#ffffff' },
});
monaco.editor.defineTheme('tce-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'annotation', foreground: 'c586c0' },
    { token: 'type.builtin', foreground: '4ec9b0' },
  ],
  colors: { 'editor.background': '#1b1d21' },
});
// Monaco follows the console's theme (the Theme menu, or the OS for "system").
const applyTheme = ({ theme }: { theme: Theme }): void => monaco.editor.setTheme(`tce-${theme}`);
applyTheme(useTheme.getState());
useTheme.subscribe(applyTheme);

export { monaco };
