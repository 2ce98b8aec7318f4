// The window's own origin: the renderer is served from the app bundle through
// the custom scheme below (protocol.handle), never file://, so it has a real
// origin for its CSP and for the IPC sender check.
export const APP_SCHEME = 'app';
export const APP_HOST = 'uploader';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Whether a URL belongs to the app's own origin (scheme and host; WHATWG gives custom schemes an opaque origin, so compare parts). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}
