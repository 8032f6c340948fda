import { MockEngine, type MockEngineOptions } from '../mock/engine.js';
import type { ProjectSession } from './project-session.js';
import type { Workspace } from './workspace.js';

/** The mock engine of an open project: its model and files, overrides kept in the project's workspace. */
export function openProjectMocks(
  project: ProjectSession,
  workspace: Workspace,
  options: Pick<MockEngineOptions, 'log' | 'handlerTimeoutMs'>,
): Promise<MockEngine> {
  return MockEngine.open({
    ...options,
    root: project.root,
    model: project.model,
    services: project.services,
    config: project.config,
    overrides: {
      file: workspace.mocksFile,
      load: () => workspace.mockOverrides(),
      save: (all) => workspace.setMockOverrides(all),
    },
  });
}
