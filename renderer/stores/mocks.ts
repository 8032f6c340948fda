import { create } from 'zustand';
import type { MocksState } from '../../shared/console-api/index.js';

/** The open project's mock back ends as the host reports them (mocks.state, mocks.changed). */
export const useMocks = create<{ state: MocksState | null }>()(() => ({ state: null }));
