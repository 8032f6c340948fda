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
  tabSize: 4,
  fixedOverflowWidgets: true,
  padding: { top: 6 },
};

/** A Monaco editor showing one model at a time; the owner keeps the models. */
export function CodeEditor({ model, options, onMount, className, id }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    const editor = monaco.editor.create(hostRef.current!, { ...BASE_OPTIONS, ...options, model: null });
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
  }, [model]);

  useEffect(() => {
    if (options) editorRef.current?.updateOptions(options);
  }, [options]);

  return <div ref={hostRef} id={id} className={`code-editor ${className ?? ''}`} />;
}
