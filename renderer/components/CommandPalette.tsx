import { useEffect, useMemo, useRef, useState } from 'react';
import { COMMANDS, runCommand } from '../commands.js';
import { useUi } from '../stores/ui.js';

/** Every action, searchable (Ctrl/Cmd+Shift+P). */
export function CommandPalette() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return COMMANDS.filter((c) => words.every((w) => c.title.toLowerCase().includes(w) || c.id.includes(w)));
  }, [query]);
  useEffect(() => {
    input.current?.focus();
  }, []);
  useEffect(() => {
    setActive(0);
  }, [query]);
  const close = (): void => useUi.setState({ paletteOpen: false });
  const run = (id: string): void => void runCommand(id);

  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        className="palette"
        role="dialog"
        aria-label="Command palette"
        aria-modal="true"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          className="input palette-input"
          placeholder="Type a command…"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={list[active] ? `cmd-${list[active].id}` : undefined}
          aria-label="Command"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') setActive((a) => Math.min(list.length - 1, a + 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
            else if (e.key === 'Enter' && list[active]) run(list[active].id);
            else return;
            e.preventDefault();
          }}
        />
        <ul id="palette-list" role="listbox" aria-label="Commands" className="palette-list">
          {list.map((c, i) => {
            const enabled = !c.enabled || c.enabled();
            return (
              <li
                key={c.id}
                id={`cmd-${c.id}`}
                role="option"
                aria-selected={i === active}
                aria-disabled={!enabled}
                className={`palette-item ${i === active ? 'active' : ''} ${enabled ? '' : 'disabled'}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => run(c.id)}
              >
                <span>{c.title}</span>
                {c.keys && <kbd>{c.keys}</kbd>}
              </li>
            );
          })}
          {list.length === 0 && <li className="palette-item disabled">No command matches.</li>}
        </ul>
      </div>
    </div>
  );
}
