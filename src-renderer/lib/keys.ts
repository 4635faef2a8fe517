// Keyboard shortcuts by the key pressed, whatever the layout: with a Russian (or any non-Latin) layout
// the H key gives "р", so a shortcut is matched on the physical key (KeyboardEvent.code) whenever the
// character is not a Latin letter, digit or ASCII sign. A Latin layout (AZERTY, Dvorak…) keeps its own
// letters, so the shortcut is where its label says.

const CODE_CHARS: Record<string, string> = {
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  NumpadAdd: '+',
  NumpadSubtract: '-',
  Slash: '/',
};

/** The shortcut a key press means, lower case: 'h', '0', '[', '+', or a named key ('escape', 'arrowleft', 'pagedown'…). */
export function shortcutKey(e: Pick<KeyboardEvent, 'key' | 'code'>): string {
  const k = e.key.toLowerCase();
  if (k.length !== 1 || /^[\x20-\x7e]$/.test(k)) return k;
  const c = e.code ?? '';
  const letter = /^Key([A-Z])$/.exec(c);
  if (letter) return letter[1].toLowerCase();
  const digit = /^(?:Digit|Numpad)(\d)$/.exec(c);
  if (digit) return digit[1];
  return CODE_CHARS[c] ?? k;
}
