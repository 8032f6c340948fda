import { useEffect, useRef } from 'react';
import { monaco } from '../monaco/setup.js';

interface Props {
  model: monaco.editor.ITextModel | null;
  options?: monaco.editor.IStandaloneEditorConstructionOptions;
  onMount?: (editor: monaco.editor.IStandaloneCodeEditor) => void;
  className?: string;
  id?: string;
}

const BASE_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 13,
  lineHeight: 19,
  scrollBeyondLastLine: false,
  renderLineHighlight: 'line',
  fixedOverflowWidgets: true,
  padding: { top: 6 },
};

type ModelOptions = Pick<monaco.editor.ITextModelUpdateOptions, 'tabSize' | 'insertSpaces'>;

/**
 * Splits off the options that belong to a text model. Given to a standalone editor, `tabSize`
 * and `insertSpaces` are written into Monaco's one configuration service and so re-applied to
 * every model of every editor (the arguments editor's 2 became the IDL files' tab width);
 * applied to the shown model instead, they stay with that editor.
 */
function splitOptions(options: monaco.editor.IStandaloneEditorConstructionOptions | undefined): {
  editor: monaco.editor.IStandaloneEditorConstructionOptions;
  model: ModelOptions;
} {
  const { tabSize, insertSpaces, ...editor } = options ?? {};
  return {
    editor,
    model: { ...(tabSize !== undefined && { tabSize }), ...(insertSpaces !== undefined && { insertSpaces }) },
  };
}

/** A Monaco editor showing one model at a time; the owner keeps the models. */
export function CodeEditor({ model, options, onMount, className, id }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const split = splitOptions(options);

  useEffect(() => {
    const editor = monaco.editor.create(hostRef.current!, { ...BASE_OPTIONS, ...split.editor, model: null });
    editorRef.current = editor;
    onMount?.(editor);
    return () => {
      editor.setModel(null);
      editor.dispose();
      editorRef.current = null;
    };
    // Created once; option changes are applied below.
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getModel() !== model) editor.setModel(model);
    if (model && Object.keys(split.model).length > 0) model.updateOptions(split.model);
  }, [model, options]);

  useEffect(() => {
    if (options) editorRef.current?.updateOptions(split.editor);
  }, [options]);

  return <div ref={hostRef} id={id} className={`code-editor ${className ?? ''}`} />;
}
