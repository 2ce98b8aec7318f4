// Serves the built renderer (renderer/dist) and nothing else: the path is
// resolved inside that folder, so "../" cannot reach the rest of the disk.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { UI_CONTENT_TYPES } from '../common/ui-content-types.ts';

/** The renderer's build output, beside this repo's app/. */
export const defaultDistDir = resolve(import.meta.dirname, '..', '..', 'renderer', 'dist');

/** Streams a file of the UI; answers 404 for anything outside it or unknown. */
export async function serveStatic(distDir: string, pathname: string, res: ServerResponse): Promise<void> {
  const root = resolve(distDir);
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = resolve(join(root, rel));
  const type = UI_CONTENT_TYPES[extname(file)];
  if (!file.startsWith(root + sep) || !type) return notFound(res);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    if (rel === 'index.html') {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The window is not built yet: run `npm run build:ui`, then reload.\n');
      return;
    }
    return notFound(res);
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size });
  createReadStream(file).pipe(res);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
}
