import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  allOperations,
  typeRefToString,
  type IdlModel,
  type InterfaceDecl,
  type Operation,
} from '../../shared/idl/model.js';
import { selectMethod } from '../actions/invoke.js';
import { methodKey, useInvoke, type MethodRef } from '../stores/invoke.js';
import { useProject } from '../stores/project.js';

interface Row {
  ref: MethodRef;
  op: Operation;
  inherited: boolean;
}

const signature = (op: Operation): string =>
  `${typeRefToString(op.returns)} ${op.name}(${op.params.map((p) => `${typeRefToString(p.type)} ${p.name}`).join(', ')})`;

/** Interfaces → operations of the working model (the editor's latest good compile), with indices. */
export function MethodTree({ model }: { model: IdlModel | null }) {
  const selected = useInvoke((s) => s.selected);
  const collapsed = useInvoke((s) => s.collapsed);
  const clientInterfaces = useProject((s) => s.snapshot?.clientInterfaces);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    if (!model) return [];
    const q = query.trim().toLowerCase();
    return Object.values(model.interfaces)
      .sort((a, b) => a.module.localeCompare(b.module) || a.index - b.index)
      .map((iface) => ({
        iface,
        rows: allOperations(model, iface)
          .map((op): Row => ({
            ref: { interface: iface.qname, method: op.name },
            op,
            inherited: op.owner !== iface.qname,
          }))
          .filter((r) => !q || `${iface.qname}.${r.op.name}`.toLowerCase().includes(q)),
      }))
      .filter((g) => g.rows.length > 0 || !q);
  }, [model, query]);

  const visible = groups.flatMap((g) => (collapsed[g.iface.qname] && !query ? [] : g.rows));
  const selectedKey = selected ? methodKey(selected) : null;
  // The chosen method stays in sight in the tree's own scroller (a restored tab, a saved call, a short panel).
  const tree = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = tree.current;
    const row = selectedKey ? document.getElementById(`method-${selectedKey}`) : null;
    if (!box || !row || !box.contains(row)) return;
    const top = row.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    if (top < box.scrollTop || top + row.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTop = Math.max(0, top - (box.clientHeight - row.offsetHeight) / 2);
  }, [selectedKey]);
  const toggle = (iface: InterfaceDecl): void =>
    useInvoke.setState((s) => ({ collapsed: { ...s.collapsed, [iface.qname]: !s.collapsed[iface.qname] } }));

  const onKeyDown = (e: KeyboardEvent): void => {
    const at = visible.findIndex((r) => methodKey(r.ref) === selectedKey);
    const next =
      e.key === 'ArrowDown'
        ? (visible[at + 1] ?? visible[0])
        : e.key === 'ArrowUp'
          ? (visible[at - 1] ?? visible[visible.length - 1])
          : undefined;
    if (!next) return;
    e.preventDefault();
    selectMethod(next.ref);
    document.getElementById(`method-${methodKey(next.ref)}`)?.focus();
  };

  return (
    <div className="method-tree-wrap">
      <input
        className="input input-small"
        type="search"
        placeholder="Find a method…"
        aria-label="Find a method"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div role="tree" aria-label="Methods" id="methods-tree" className="method-tree" onKeyDown={onKeyDown} ref={tree}>
        {groups.length === 0 && (
          <div className="muted small pad">
            {model ? 'No interfaces match.' : 'Open a project to list its methods.'}
          </div>
        )}
        {groups.map(({ iface, rows }) => {
          const open = !collapsed[iface.qname] || !!query;
          const byClients = clientInterfaces?.includes(iface.qname) ?? false;
          return (
            <div
              key={iface.qname}
              role="treeitem"
              aria-expanded={open}
              aria-selected={false}
              aria-level={1}
              aria-label={`${iface.qname}, ifidx ${iface.index}${byClients ? ', implemented by clients' : ''}`}
            >
              <div className="tree-row tree-iface" onClick={() => toggle(iface)}>
                <span className="twisty" aria-hidden="true">
                  {open ? '▾' : '▸'}
                </span>
                <span className="iface-name">{iface.qname}</span>
                {iface.base && (
                  <span className="muted small">extends {iface.base.slice(iface.base.lastIndexOf('.') + 1)}</span>
                )}
                {byClients && (
                  <span className="client-badge" title="implemented by clients: select an operation to push it">
                    client
                  </span>
                )}
                <span className="badge" title="ifidx">
                  if {iface.index}
                </span>
              </div>
              {open && (
                <div role="group">
                  {rows.map((r) => {
                    const key = methodKey(r.ref);
                    const isSelected = key === selectedKey;
                    return (
                      <div
                        key={key}
                        id={`method-${key}`}
                        role="treeitem"
                        aria-level={2}
                        aria-selected={isSelected}
                        aria-label={`${r.op.name}, opidx ${r.op.index}`}
                        tabIndex={isSelected || (!selectedKey && r === visible[0]) ? 0 : -1}
                        className={`tree-row tree-op ${isSelected ? 'selected' : ''}`}
                        onClick={() => selectMethod(r.ref)}
                        title={`${signature(r.op)}${r.inherited ? ` — inherited from ${r.op.owner}` : ''}`}
                      >
                        <span className="badge badge-op" title="opidx">
                          {r.op.index}
                        </span>
                        <span className="op-name">{r.op.name}</span>
                        <span className="op-sig muted">
                          ({r.op.params.map((p) => typeRefToString(p.type)).join(', ')}) →{' '}
                          {typeRefToString(r.op.returns)}
                        </span>
                        {r.inherited && (
                          <span className="muted small">· {r.op.owner.slice(r.op.owner.lastIndexOf('.') + 1)}</span>
                        )}
                      </div>
                    );
                  })}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
