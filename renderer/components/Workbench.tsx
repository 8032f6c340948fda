import { FeedPanel } from '../panels/FeedPanel.js';
import { IdlEditorPanel } from '../panels/IdlEditorPanel.js';
import { InvokePanel } from '../panels/InvokePanel.js';
import { PreviewPanel } from '../panels/PreviewPanel.js';
import { ProjectPanel } from '../panels/ProjectPanel.js';
import { useHost } from '../stores/host.js';
import { useProject } from '../stores/project.js';
import { setLayout, useUi } from '../stores/ui.js';
import { CommandPalette } from './CommandPalette.js';
import { Dialogs } from './Dialogs.js';
import { PanelBoundary } from './PanelBoundary.js';
import { Splitter } from './Splitter.js';
import { StatusBar } from './StatusBar.js';
import { modKey } from '../commands.js';
import { openRuns, useRuns } from '../runs/runs.js';
import { RunView } from '../runs/RunView.js';

/**
 * The workbench: Project | IDL editor | TypeScript preview | Invoke on top, the live feed below,
 * every boundary draggable, and the status bar.
 */
export function Workbench() {
  const layout = useUi((s) => s.layout);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const snapshot = useProject((s) => s.snapshot);
  const link = useHost((s) => s.link);
  const runsOpen = useRuns((s) => s.open);
  return (
    <div className="workbench">
      <header className="app-bar">
        <span className="app-logo" aria-hidden="true">
          ◆
        </span>
        <h1 className="app-title">TCE Console</h1>
        {snapshot && (
          <span className="app-project" title={snapshot.root}>
            {snapshot.name}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-ghost" disabled={!snapshot} onClick={() => void openRuns()}>
          Runs
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost palette-button"
          onClick={() => useUi.setState({ paletteOpen: true })}
        >
          Commands <kbd>{modKey}Shift+P</kbd>
        </button>
      </header>
      {link.state === 'closed' && (
        <div className="banner banner-error" role="alert">
          Lost the console host: {link.reason}.{link.retryMs ? ' Reconnecting…' : ''}
        </div>
      )}
      {link.state === 'refused' && (
        <div className="banner banner-error" role="alert">
          The console host refused this page: {link.reason}.
        </div>
      )}
      <main className="main-area">
        <div className="top-row">
          <div className="col" style={{ flexBasis: layout.projectWidth }}>
            <PanelBoundary name="Project">
              <ProjectPanel />
            </PanelBoundary>
          </div>
          <Splitter
            orientation="vertical"
            label="Resize Project"
            value={layout.projectWidth}
            min={180}
            max={520}
            direction={1}
            onChange={(v) => setLayout({ projectWidth: v })}
          />
          <div className="col col-flex">
            <PanelBoundary name="IDL editor">
              <IdlEditorPanel />
            </PanelBoundary>
          </div>
          <Splitter
            orientation="vertical"
            label="Resize TypeScript preview"
            value={layout.previewWidth}
            min={200}
            max={900}
            direction={-1}
            onChange={(v) => setLayout({ previewWidth: v })}
          />
          <div className="col" style={{ flexBasis: layout.previewWidth }}>
            <PanelBoundary name="TypeScript preview">
              <PreviewPanel />
            </PanelBoundary>
          </div>
          <Splitter
            orientation="vertical"
            label="Resize Invoke"
            value={layout.invokeWidth}
            min={340}
            max={900}
            direction={-1}
            onChange={(v) => setLayout({ invokeWidth: v })}
          />
          <div className="col" style={{ flexBasis: layout.invokeWidth }}>
            <PanelBoundary name="Invoke">
              <InvokePanel />
            </PanelBoundary>
          </div>
        </div>
        <Splitter
          orientation="horizontal"
          label="Resize Live feed"
          value={layout.feedHeight}
          min={120}
          max={1200}
          direction={-1}
          onChange={(v) => setLayout({ feedHeight: v })}
        />
        <div className="bottom-row" style={{ height: `min(${layout.feedHeight}px, 55vh)` }}>
          <PanelBoundary name="Live feed">
            <FeedPanel />
          </PanelBoundary>
        </div>
      </main>
      <StatusBar />
      {paletteOpen && <CommandPalette />}
      <Dialogs />
      {runsOpen && <RunView />}
    </div>
  );
}
