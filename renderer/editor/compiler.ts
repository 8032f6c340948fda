import { interfaceDefEntries } from '../../shared/project/interface-def.js';
import { useProject } from '../stores/project.js';
import IdlWorker from '../worker/idl.worker?worker';
import type { CompileRequest, CompileResponse } from '../worker/protocol.js';
import { applyMarkers, currentTexts, onDocumentsChanged } from './documents.js';

/**
 * Keeps the editor's compile fresh: edits are debounced, compiled in the IDL worker (shared/idl +
 * shared/codegen, no round trip to the host) and only the newest answer is applied.
 */
const DEBOUNCE_MS = 120;

let worker: Worker | undefined;
let lastId = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new IdlWorker();
  w.onmessage = (e: MessageEvent<CompileResponse>) => {
    const result = e.data;
    if (result.id !== lastId) return;
    useProject.setState((s) => ({ compiled: result, lastGood: result.errors ? s.lastGood : result }));
    applyMarkers(result.diagnostics);
  };
  // A worker that dies is restarted on the next edit.
  w.onerror = () => {
    w.terminate();
    if (worker === w) worker = undefined;
  };
  return (worker = w);
}

export function compileNow(): void {
  clearTimeout(timer);
  timer = undefined;
  const { snapshot } = useProject.getState();
  if (!snapshot) return;
  const request: CompileRequest = {
    id: ++lastId,
    files: currentTexts(snapshot.files.idl),
    interfaceDef: snapshot.services ? interfaceDefEntries(snapshot.services) : [],
  };
  ensureWorker().postMessage(request);
}

export function scheduleCompile(): void {
  clearTimeout(timer);
  timer = setTimeout(compileNow, DEBOUNCE_MS);
}

onDocumentsChanged(scheduleCompile);
