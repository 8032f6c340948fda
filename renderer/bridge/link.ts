import type { ConsoleBridge } from '../../shared/console-api/index.js';

/** Whether the renderer can reach the host (the status bar shows it). `refused`: the host refused this page for good. */
export type LinkState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'closed'; reason: string; retryMs?: number }
  | { state: 'refused'; reason: string };

/** The one Bridge object of the renderer, plus the state of its link to the host. */
export interface BridgeLink extends ConsoleBridge {
  readonly state: LinkState;
  onState(listener: (state: LinkState) => void): () => void;
}
