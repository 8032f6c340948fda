import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './monaco/setup.js';
import { subscribeFeed } from './actions/feed.js';
import { loadWorkspace } from './actions/invoke.js';
import { loadMocks } from './actions/mocks.js';
import { loadCurrentProject, openFileAt } from './actions/project.js';
import { handleGlobalKey } from './commands.js';
import { Workbench } from './components/Workbench.js';
import { registerIdlProviders } from './monaco/idl-providers.js';
import { host, logError, refreshHostState } from './stores/host.js';
import './styles/app.css';

registerIdlProviders(openFileAt);
window.addEventListener('keydown', handleGlobalKey);

/** Everything the renderer learns from the host on (re)connecting. */
async function start(): Promise<void> {
  await refreshHostState();
  await Promise.all([loadCurrentProject(), subscribeFeed(), loadWorkspace().catch(() => undefined), loadMocks()]);
}

const begin = (): void => void start().catch((e: unknown) => logError('starting', e));
if (host.state.state === 'open') begin();
host.onState((s) => {
  if (s.state === 'open') begin();
});
host.on('project.changed', () => void loadWorkspace().catch(() => undefined));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Workbench />
  </StrictMode>,
);
