// Names shown on one line of terminal output (progress, `heirloom list`, per-input problems).

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * Escapes control characters JSON-style (\n, \t, \u001b…) so a file name with a newline or an
 * escape sequence cannot break a line or drive the terminal; everything else is shown as it is.
 */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
