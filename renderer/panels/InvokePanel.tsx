import { useEffect, useState } from 'react';
import { resolveMethod } from '../actions/invoke.js';
import { CallList, HistoryList, SavedList } from '../invoke/CallList.js';
import { EnvironmentPicker } from '../invoke/EnvironmentPicker.js';
import { InvokeForm } from '../invoke/InvokeForm.js';
import { MethodTree } from '../invoke/MethodTree.js';
import { PushForm } from '../invoke/PushForm.js';
import { TargetPicker } from '../invoke/TargetPicker.js';
import { methodKey, useInvoke } from '../stores/invoke.js';
import { useProject, workingModel } from '../stores/project.js';

/** Invoke: target, methods, schema-driven parameters, mode, timeout, extra; results, history, saved calls. */
export function InvokePanel() {
  const snapshot = useProject((s) => s.snapshot);
  const lastGood = useProject((s) => s.lastGood);
  const model = workingModel({ snapshot, lastGood });
  const selected = useInvoke((s) => s.selected);
  const resolved = resolveMethod(model, selected);
  const [tab, setTab] = useState<'results' | 'history' | 'saved'>('results');
  const calls = useInvoke((s) => s.calls);
  const pending = calls.filter((c) => !c.result && !c.failure).length;

  // The first gateway endpoint is the natural default target.
  useEffect(() => {
    if (!snapshot || useInvoke.getState().target) return;
    const gw =
      snapshot.services?.endpoints.find((e) => e.type === 'socket') ??
      snapshot.services?.endpoints.find((e) => e.type === 'websocket');
    if (gw) useInvoke.setState({ target: { kind: 'endpoint', endpoint: gw.name } });
  }, [snapshot]);

  return (
    <section className="panel invoke-panel" aria-label="Invoke">
      <header className="panel-header">
        <h2 className="panel-title">Invoke</h2>
        <EnvironmentPicker />
      </header>
      <div className="panel-body scroll invoke-body">
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
          {tab === 'results' ? <CallList /> : tab === 'history' ? <HistoryList /> : <SavedList />}
        </div>
      </div>
    </section>
  );
}
