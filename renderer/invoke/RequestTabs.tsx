import { closeTab, newTab, switchTab, tabTitle } from '../actions/tabs.js';
import { useInvoke } from '../stores/invoke.js';

/** The request tabs: one call being prepared per tab, kept across reloads; New tab and Close tab. */
export function RequestTabBar() {
  const tabs = useInvoke((s) => s.tabs);
  const activeTab = useInvoke((s) => s.activeTab);
  const front = useInvoke((s) => s.selected);
  const calls = useInvoke((s) => s.calls);
  const pending = new Set(calls.filter((c) => !c.result && !c.failure).map((c) => c.tab));
  return (
    <div className="request-tabs">
      <div className="request-tab-list" role="tablist" aria-label="Requests">
        {tabs.map((t) => {
          const active = t.id === activeTab;
          const title = tabTitle(active ? { selected: front } : t.draft);
          return (
            <div key={t.id} className={`request-tab ${active ? 'active' : ''}`}>
              <button
                type="button"
                role="tab"
                aria-selected={active}
                className="request-tab-name mono"
                title={title}
                onClick={() => switchTab(t.id)}
              >
                {pending.has(t.id) && <span className="dot dot-warn" aria-label="call in flight" />}
                {title}
              </button>
              <button
                type="button"
                className="request-tab-close"
                aria-label="Close tab"
                title={`Close ${title}`}
                onClick={() => closeTab(t.id)}
              >
                ×
              </button>
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="btn btn-small btn-ghost request-tab-new"
        aria-label="New tab"
        title="New tab"
        onClick={newTab}
      >
        +
      </button>
    </div>
  );
}
