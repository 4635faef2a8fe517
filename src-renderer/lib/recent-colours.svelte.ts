// The last colours a person gave hints, newest first, kept between sessions (this window only).
const KEY = 'heirloom.recentColours';
const KEEP = 8;
const HEX = /^#[0-9a-f]{6}$/;

function load(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string' && HEX.test(c)).slice(0, KEEP) : [];
  } catch {
    return []; // a damaged entry only loses the list
  }
}

export const recent = $state<{ colours: string[] }>({ colours: load() });

export function useColour(color: string): void {
  const c = color.toLowerCase();
  if (!HEX.test(c)) return;
  recent.colours = [c, ...recent.colours.filter((x) => x !== c)].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(recent.colours));
  } catch {
    // storage full or off: the list still works for this session
  }
}
