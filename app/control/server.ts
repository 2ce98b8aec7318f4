// The control server: app/api.ts over loopback HTTP for the web UI and
// scripts. POST /api/<method> with the argument as JSON runs one command;
// GET /api/events is the event stream; anything else is the built UI.
// Every request passes auth.ts first (host, origin, token).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UploaderApi } from '../api.ts';
import { admit, newCookieName, newToken, tokenCookie } from './auth.ts';
import { streamEvents } from './events.ts';
import { securityHeaders, sendJson } from './headers.ts';
import { dispatch, PayloadError } from './rpc.ts';
import { defaultDistDir, serveStatic } from './static.ts';
import { errorCode } from '../host/errors.ts';

export interface ControlOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  distDir?: string;
  /** The token to ask for (kept across restarts by start and serve); a fresh random one otherwise. */
  token?: string;
  /** The session cookie's name, kept with the token (an open tab still holds the old cookie); a fresh one otherwise. */
  cookie?: string;
  /** Told about refused requests (reasons only: never the token or a path). */
  onRefused?: (status: number, reason: string) => void;
  /** Told about every request that failed inside (a 500): the operation and the error, for the log. */
  onError?: (operation: string, error: unknown) => void;
}

export interface ControlServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  cookie: string;
  /** The URL the person opens: origin with the token. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/** Starts serving `api` on 127.0.0.1 only. */
export async function startControlServer(api: UploaderApi, options: ControlOptions = {}): Promise<ControlServer> {
  const token = options.token ?? newToken();
  const cookie = options.cookie ?? newCookieName();
  const distDir = options.distDir ?? defaultDistDir;
  const streams = new Set<() => void>();
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const url = new URL(req.url ?? '/', origin);
    const verdict = admit(req, url, { token, cookie }, origin);
    if (!verdict.ok) {
      options.onRefused?.(verdict.status, verdict.reason);
      return sendJson(res, verdict.status, { error: verdict.status === 401 ? 'a valid access token is required' : 'forbidden' });
    }
    if (verdict.fromQuery) {
      // Trade the token in the URL for the cookie, and drop it from the address bar and history.
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' });
      res.writeHead(303, { 'Set-Cookie': tokenCookie(cookie, token), Location: url.pathname });
      return void res.end();
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' });
      const end = streamEvents(api, req, res);
      streams.add(end);
      req.on('close', () => streams.delete(end));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' });
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, { error: 'send JSON' });
      return command(url.pathname.slice('/api/'.length), req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    // A malformed escape ("%E0%A4%A") is the request's fault, not ours.
    if (!decodes(url.pathname)) return sendJson(res, 400, { error: 'the address has a malformed % escape' });
    return serveStatic(distDir, url.pathname, res);
  };

  const command = async (method: string, req: IncomingMessage, res: ServerResponse) => {
    let arg: unknown;
    try {
      const text = await readBody(req);
      arg = text ? JSON.parse(text) : undefined;
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON (or is too large)' });
    }
    try {
      const result = await dispatch(api, method, arg);
      sendJson(res, 200, { result: result ?? null });
    } catch (error) {
      if (error instanceof PayloadError) return sendJson(res, 400, { error: error.message });
      // A row that moved on meanwhile (cancel on a file that just finished): the person's view was stale.
      if (errorCode(error) === 'stale') {
        return sendJson(res, 409, { error: 'that file has moved on; the list is being refreshed' });
      }
      options.onError?.(`api.${method}`, error);
      sendJson(res, 500, { error: 'the engine could not do that' });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.('control.request', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    token,
    cookie,
    url: `${origin}/?token=${token}`,
    async close() {
      for (const end of streams) end();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
