// The desktop window's security settings, kept free of Electron imports so a plain Node test can
// assert them (test/unit/electron-security.test.ts). main.ts uses exactly these values.

/** The renderer is served from this privileged custom scheme (never file://, never a remote site). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'heirloom';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
/** Images are fetched by catalogue id through this scheme; main asks the core host for the file. */
export const MEDIA_SCHEME = 'heirloom-media';
export const MEDIA_BASE = `${MEDIA_SCHEME}://media/`;

export const IPC_CALL = 'heirloom:call';
export const IPC_JOB = 'heirloom:job';
/** Files dropped on the window: their real paths, which only the preload can learn (webUtils). */
export const IPC_DROP = 'heirloom:drop';

export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' ${MEDIA_SCHEME}:`,
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function webPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

/** Only our own packaged pages may be shown; everything else (links, drops, redirects) is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Parses heirloom-media://media/<kind>/<id>; undefined for anything else. */
export function parseMediaUrl(url: string): { kind: 'thumb' | 'original' | 'output' | 'output-thumb' | 'preview'; id: number } | undefined {
  const m = /^heirloom-media:\/\/media\/(thumb|original|output|output-thumb|preview)\/(\d{1,15})$/.exec(url);
  return m ? { kind: m[1] as 'thumb', id: Number(m[2]) } : undefined;
}

export const WINDOW_DEFAULTS = { width: 1280, height: 820, minWidth: 760, minHeight: 520 } as const;
