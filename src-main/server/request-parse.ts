// Reading what a request says (its URL, cookies and headers) without ever throwing: every value comes
// from whoever can reach the port, so a malformed one is "not there" (the caller answers 400 or 401),
// never an exception that could take the server, and the batch it runs, down.

/** The request's path and query, parsed against a fixed base; undefined when it is not a usable URL. */
export function requestUrl(raw: string | undefined): URL | undefined {
  // Origin-form only ("/path?query"): "//host/…", "*", absolute URLs and control characters are refused.
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.length > 8192 || /[\u0000-\u001f\u007f]/.test(raw))
    return undefined;
  try {
    const url = new URL(raw, 'http://127.0.0.1');
    return url.host === '127.0.0.1' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** One header's value: a header sent twice (an array) counts as malformed. */
export function headerValue(h: string | string[] | undefined): string | undefined {
  return typeof h === 'string' ? h : undefined;
}

/** Every decodable value of a cookie in a Cookie header (none when absent, or too long to be ours). */
export function readCookies(header: string | string[] | undefined, name: string): string[] {
  const text = headerValue(header);
  if (text === undefined || text.length > 8192) return [];
  const values: string[] = [];
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = safeDecode(part.slice(eq + 1).trim());
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** decodeURIComponent that says undefined instead of throwing URIError (e.g. on "%" or "%E0%A4%A"). */
export function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
