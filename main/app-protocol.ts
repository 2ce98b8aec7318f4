// The renderer's files, served from the app bundle under app://uploader/
// through protocol.handle: only GET, only files inside the renderer's build
// folder (no "../", no encoded separators, no symlink tricks past the root),
// and every answer carries the same strict CSP the control server sends, as a
// header (a <meta> CSP cannot set frame-ancestors and comes too late).
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { CSP } from '../app/control/headers.ts';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';
import { UI_CONTENT_TYPES } from '../app/common/ui-content-types.ts';

export const APP_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The path inside `root` a request names, or undefined when it names nothing there. */
export function containedPath(root: string, pathname: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  // A separator or NUL smuggled in encoded form is never a file of ours.
  if (rel.includes('\\') || rel.includes('\0')) return undefined;
  rel = rel.replace(/^\/+/, '') || 'index.html';
  const file = resolve(root, rel);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

/** The handler for protocol.handle(APP_SCHEME, ...): a Request in, a Response out. */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  const answer = (status: number, body: string) =>
    new Response(body, { status, headers: { ...APP_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return answer(404, 'not found');
    if (request.method !== 'GET') return answer(405, 'method not allowed');
    const file = containedPath(root, url.pathname);
    const type = file && UI_CONTENT_TYPES[extname(file)];
    if (!file || !type) return answer(404, 'not found');
    try {
      // Resolve links too: a symlink inside the folder must not lead outside it.
      const [realRoot, real] = await Promise.all([realpath(root), realpath(file)]);
      const inside = relative(realRoot, real);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return answer(404, 'not found');
      const body = await readFile(real);
      return new Response(body, { status: 200, headers: { ...APP_HEADERS, 'Content-Type': type } });
    } catch {
      return answer(404, 'not found');
    }
  };
}
