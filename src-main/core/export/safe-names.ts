// File names for exports come from album and photo names a person typed (or an old scan's odd name):
// they must be one plain path segment that every OS (Windows, macOS, Linux, FAT USB sticks) accepts.

// Windows refuses these as a file name, with or without an extension ("CON.jpg" is also reserved).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// <>:"/\|?* and control characters are forbidden on Windows; / and NUL everywhere.
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
/** Bytes, not characters: file systems limit names to 255 bytes, and suffixes like "-before.jpg" come later. */
export const MAX_NAME_BYTES = 120;

/**
 * One safe path segment (no extension handling): forbidden characters become "_", no leading/trailing
 * dots or spaces, never "." / ".." / a Windows device name, never empty, at most MAX_NAME_BYTES of UTF-8.
 */
export function safeSegment(raw: string, fallback = 'photo'): string {
  let s = raw.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, ' ');
  s = truncateUtf8(s, MAX_NAME_BYTES);
  // Trailing dots/spaces vanish on Windows (two names would collide); leading dots hide files on Unix.
  s = s.replace(/^[\s.]+|[\s.]+$/g, '');
  if (s === '') s = fallback;
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return s;
}

/** Cuts to at most `max` UTF-8 bytes without splitting a character (or a surrogate pair). */
export function truncateUtf8(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > max) break;
    out += ch;
    bytes += b;
  }
  return out;
}

/**
 * Hands out names unique ignoring case (Windows and macOS folders are case-insensitive), adding
 * " (2)", " (3)"… to later duplicates.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  claim(base: string): string {
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`;
      const candidate = truncateUtf8(base, MAX_NAME_BYTES - Buffer.byteLength(suffix)).replace(/[\s.]+$/, '') + suffix;
      const key = candidate.normalize('NFC').toLowerCase();
      if (!this.taken.has(key)) {
        this.taken.add(key);
        return candidate;
      }
    }
  }
}
