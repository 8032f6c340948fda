import { useState } from 'react';
import { resolveMethod } from '../actions/invoke.js';
import { CallList, HistoryList } from '../invoke/CallList.js';
import { SavedCallDialogs, SavedList } from '../invoke/SavedCalls.js';
import { EnvironmentPicker } from '../invoke/EnvironmentPicker.js';
import { InvokeForm } from '../invoke/InvokeForm.js';
import { MethodTree } from '../invoke/MethodTree.js';
import { PushForm } from '../invoke/PushForm.js';
import { RequestTabBar } from '../invoke/RequestTabs.js';
import '../styles/invoke.css';
import { TargetPicker } from '../invoke/TargetPicker.js';
import { methodKey, useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';

/**
 * Invoke: request tabs; target, methods, schema-driven parameters, mode, timeout, extra; results,
 * history, saved calls. However short the window, the action bar (mode, timeout, Invoke) and the
 * newest result stay in sight: the method tree, the form and the results scroll on their own.
 */
export function InvokePanel() {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood });
  const selected = useInvoke((s) => s.selected);
  const resolved = resolveMethod(model, selected);
  const [tab, setTab] = useState<'results' | 'history' | 'saved'>('results');
  const calls = useInvoke((s) => s.calls);
  const hasProblems = useInvoke((s) => s.problems.length > 0);
  const pending = calls.filter((c) => !c.result && !c.failure).length;

  return (
    <section className="panel invoke-panel" aria-label="Invoke">
      <header className="panel-header invoke-header">
        <h2 className="panel-title">Invoke</h2>
        <RequestTabBar />
        <EnvironmentPicker />
      </header>
      <div className={`panel-body invoke-body ${hasProblems ? 'has-problems' : ''}`}>
        <TargetPicker />
        <MethodTree model={model} />
        {resolved && selected && model ? (
          snapshot?.clientInterfaces.includes(resolved.op.owner) ||
          snapshot?.clientInterfaces.includes(resolved.iface.qname) ? (
            <PushForm key={methodKey(selected)} />
          ) : (
            <InvokeForm key={methodKey(selected)} />
          )
        ) : (
          <p className="muted small pad">{model ? 'Choose a method to call.' : ''}</p>
        )}
        <div className="results">
          <div className="tabs sub-tabs" role="tablist" aria-label="Calls">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'results'}
              className={`tab ${tab === 'results' ? 'active' : ''}`}
              onClick={() => setTab('results')}
            >
              Results {pending > 0 && <span className="count">{pending} in flight</span>}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'history'}
              className={`tab ${tab === 'history' ? 'active' : ''}`}
              onClick={() => setTab('history')}
            >
              History
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'saved'}
              className={`tab ${tab === 'saved' ? 'active' : ''}`}
              onClick={() => setTab('saved')}
            >
              Saved
            </button>
          </div>
          <div className="results-scroll">
            {tab === 'results' ? <CallList /> : tab === 'history' ? <HistoryList /> : <SavedList />}
          </div>
        </div>
      </div>
      <SavedCallDialogs />
    </section>
  );
}
