import { useState } from 'react';
import type { JsonValue } from '../../shared/console-api/index.js';

/** A decoded value as an expandable tree (objects and arrays fold; the first levels start open). */
export function JsonTree({ value, label }: { value: JsonValue; label?: string }) {
  return (
    <ul className="json-tree" role="tree" aria-label={label ?? 'Value'}>
      <JsonNode name={null} value={value} depth={0} />
    </ul>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: JsonValue; depth: number }) {
  const [open, setOpen] = useState(depth < 3);
  const key = name !== null ? <span className="json-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <li role="treeitem" aria-selected={false}>
        {key}
        <Scalar value={value} />
      </li>
    );
  }
  const entries: [string, JsonValue][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li role="treeitem" aria-expanded={open} aria-selected={false}>
      <button
        type="button"
        className="json-toggle"
        onClick={() => setOpen(!open)}
        aria-label={open ? 'collapse' : 'expand'}
      >
        {open ? '▾' : '▸'}
      </button>
      {key}
      <span className="json-summary">{summary}</span>
      {open && entries.length > 0 && (
        <ul role="group">
          {entries.map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

function Scalar({ value }: { value: string | number | boolean | null }) {
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>;
  return <span className="json-null">null</span>;
}
