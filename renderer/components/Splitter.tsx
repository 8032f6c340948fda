import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

interface Props {
  /** `vertical`: a bar between columns (drag left/right). */
  orientation: 'vertical' | 'horizontal';
  label: string;
  value: number;
  min: number;
  max: number;
  /** +1: dragging right/down grows the value; -1: shrinks it (a panel right of / below the bar). */
  direction: 1 | -1;
  onChange: (value: number) => void;
}

/** A draggable, keyboard-operable separator between two panels. */
export function Splitter({ orientation, label, value, min, max, direction, onChange }: Props) {
  const drag = useRef<{ start: number; value: number } | null>(null);
  const clamp = (v: number): number => Math.round(Math.min(max, Math.max(min, v)));
  const pos = (e: PointerEvent): number => (orientation === 'vertical' ? e.clientX : e.clientY);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { start: pos(e), value };
    document.body.classList.add(orientation === 'vertical' ? 'resizing-col' : 'resizing-row');
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (drag.current) onChange(clamp(drag.current.value + direction * (pos(e) - drag.current.start)));
  };
  const onPointerUp = (): void => {
    drag.current = null;
    document.body.classList.remove('resizing-col', 'resizing-row');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? 50 : 10;
    const grow =
      orientation === 'vertical' ? { ArrowRight: step, ArrowLeft: -step } : { ArrowDown: step, ArrowUp: -step };
    const delta = grow[e.key as keyof typeof grow];
    if (delta === undefined) return;
    e.preventDefault();
    onChange(clamp(value + direction * delta));
  };

  return (
    <div
      className={`splitter splitter-${orientation}`}
      role="separator"
      aria-label={label}
      aria-orientation={orientation}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
