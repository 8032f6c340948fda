import { create } from 'zustand';
import { messageOf } from '../../shared/message-of.js';

export interface Layout {
  projectWidth: number;
  previewWidth: number;
  invokeWidth: number;
  feedHeight: number;
  detailsWidth: number;
}

const DEFAULT_LAYOUT: Layout = {
  projectWidth: 250,
  previewWidth: 380,
  invokeWidth: 440,
  feedHeight: 330,
  detailsWidth: 460,
};
const LAYOUT_KEY = 'tce-console.layout';

function loadLayout(): Layout {
  try {
    return { ...DEFAULT_LAYOUT, ...(JSON.parse(localStorage.getItem(LAYOUT_KEY) ?? '{}') as Partial<Layout>) };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

export type Dialog =
  | { kind: 'open-project' }
  | { kind: 'prompt'; title: string; label: string; initial: string; submit: (value: string) => void | Promise<void> }
  | { kind: 'text'; title: string; text: string }
  | { kind: 'attach' };

interface UiState {
  layout: Layout;
  paletteOpen: boolean;
  dialog: Dialog | null;
  /** A short message over the status bar ("copied", errors of actions). */
  toast: { text: string; level: 'info' | 'error'; seq: number } | null;
}

export const useUi = create<UiState>()(() => ({ layout: loadLayout(), paletteOpen: false, dialog: null, toast: null }));

export function setLayout(patch: Partial<Layout>): void {
  const layout = { ...useUi.getState().layout, ...patch };
  useUi.setState({ layout });
  localStorage.setItem(LAYOUT_KEY, JSON.stringify(layout));
}

export const resetLayout = (): void => setLayout(DEFAULT_LAYOUT);

/** Runs an action started by the user; its failure becomes an error toast (`prefix` names the part that failed). */
export function toastFailure(action: () => Promise<unknown>, prefix = ''): void {
  action().catch((e: unknown) => toast(`${prefix}${messageOf(e)}`, 'error'));
}

let toastSeq = 0;
export function toast(text: string, level: 'info' | 'error' = 'info'): void {
  const seq = ++toastSeq;
  useUi.setState({ toast: { text, level, seq } });
  setTimeout(
    () => {
      if (useUi.getState().toast?.seq === seq) useUi.setState({ toast: null });
    },
    level === 'error' ? 6000 : 2500,
  );
}

export const openDialog = (dialog: Dialog): void => useUi.setState({ dialog, paletteOpen: false });
export const closeDialog = (): void => useUi.setState({ dialog: null });
