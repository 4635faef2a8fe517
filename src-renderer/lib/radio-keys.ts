// Arrow keys in a group of role="radio" buttons, as the ARIA radio group pattern asks: one Tab stop (the
// checked button), ← → ↑ ↓ check the previous / next one (wrapping), Home / End the first / last, and
// the focus follows the check. Each button carries data-value with its value.

/** The step an arrow key (or Home/End) asks for in a radio group, or null for any other key. */
function radioTarget(key: string, index: number, count: number): number | null {
  if (key === 'ArrowRight' || key === 'ArrowDown') return (index + 1) % count;
  if (key === 'ArrowLeft' || key === 'ArrowUp') return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** A keydown handler for the group's element: checks the value the key moves to (`choose`) and focuses its button. */
export function radioKeys<T extends string>(values: readonly T[], current: () => T, choose: (v: T) => void): (e: KeyboardEvent) => void {
  return (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = radioTarget(e.key, Math.max(0, values.indexOf(current())), values.length);
    if (next === null) return;
    e.preventDefault();
    const v = values[next]!;
    choose(v);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-value="${v}"]`)?.focus();
  };
}
