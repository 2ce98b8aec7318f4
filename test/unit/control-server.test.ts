// The control server against a scripted UploaderApi: who gets in (host,
// origin, token), how payloads are checked, the headers, and the event stream.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, UploaderApi } from '../../app/api.ts';
import { startControlServer, type ControlServer } from '../../app/control/server.ts';

function fakeApi(calls: [string, unknown][]): UploaderApi & { push(e: EngineEvent): void } {
  const listeners = new Set<(e: EngineEvent) => void>();
  const record = (name: string) => async (arg: unknown) => {
    calls.push([name, arg]);
    return 1;
  };
  return {
    snapshot: async (q) => {
      calls.push(['snapshot', q]);
      return {
        at: 0,
        totals: {} as never,
        connection: { state: 'ok', advice: null, since: 0 },
        folders: [],
        logs: { state: 'ok', code: null, dropped: 0, since: 0 },
        rows: [],
        matching: 0,
      };
    },
    pause: record('pause'),
    resume: record('resume'),
    cancel: record('cancel'),
    retry: record('retry'),
    history: async () => ({ rows: [], matching: 0 }),
    settings: async () => ({
      server: { baseUrl: 'http://x', auth: { type: 'user', username: 'u', hasSecret: true } },
      folders: [],
      transfer: {} as never,
      network: { proxy: '', noProxy: [], proxyUsername: '', caFile: '', hasProxyPassword: false },
    }),
    saveSettings: async () => ({ ok: true, restartNeeded: [] }),
    testConnection: async () => ({ ok: true, steps: [] }),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push: (e) => listeners.forEach((l) => l(e)),
  };
}

describe('control server', () => {
  let server: ControlServer;
  let calls: [string, unknown][];
  let api: ReturnType<typeof fakeApi>;
  // The UI's folder, and beside it files a path escape would reach (types the server would serve).
  const root = mkdtempSync(join(tmpdir(), 'du-dist-'));
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'export {};');
  const SECRET = 'SECRET-OUTSIDE-THE-UI';
  writeFileSync(join(root, 'secret.json'), JSON.stringify({ SECRET }));
  writeFileSync(join(root, 'dist-secret.json'), JSON.stringify({ SECRET })); // shares the folder's name as a prefix

  beforeEach(async () => {
    calls = [];
    api = fakeApi(calls);
    server = await startControlServer(api, { distDir: dist });
  });
  afterEach(() => server.close());

  const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('listens on loopback with a 43-character random token in the URL', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`${server.origin}/?token=${server.token}`);
  });

  it('refuses no token (401), a wrong one (401), a foreign origin or host (403)', async () => {
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
    expect((await call('snapshot', {}, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call('snapshot', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('snapshot', {}, { origin: 'http://localhost:1' })).status).toBe(403);
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 (fetch will not let a test set Host).
    const rebound = await new Promise<number>((done, fail) => {
      const req = request(
        `${server.origin}/api/snapshot`,
        { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${server.token}` } },
        (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        },
      );
      req.on('error', fail);
      req.end('{}');
    });
    expect(rebound).toBe(403);
    expect(calls).toEqual([]);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie, then serves the UI with its CSP', async () => {
    const first = await fetch(server.url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${server.origin}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  /** GET with the path sent byte for byte (fetch would normalise dot segments away). */
  const rawGet = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(`${server.origin}/`, { path, headers: { authorization: `Bearer ${server.token}`, ...headers } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      req.end();
    });

  it('serves files of the UI and none beside it, however the "../" is encoded', async () => {
    expect((await rawGet('/assets/app.js')).status).toBe(200);
    // Each of these decodes to a path that names an existing file outside the UI's folder.
    for (const path of [
      '/..%2fsecret.json',
      '/assets/..%2f..%2fsecret.json',
      '/%2e%2e%2fsecret.json',
      '/%2E%2E%2Fsecret.json',
      '/..%2fdist-secret.json',
      '/assets%2f..%2f..%2fsecret.json',
    ]) {
      const answer = await rawGet(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.body).not.toContain(SECRET);
    }
  });

  it('refuses an absolute-form request target, which names a host of its own', async () => {
    for (const path of ['http://evil.example/', `${server.origin}/api/snapshot`, '*']) {
      expect({ path, status: (await rawGet(path)).status }).toEqual({ path, status: 403 });
    }
  });

  it('accepts Sec-Fetch-Site same-origin, none or none sent; refuses same-site (another local port) and cross-site', async () => {
    expect((await call('snapshot', {}, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await call('snapshot', {}, { 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await call('snapshot', {})).status).toBe(200);
    const refused: string[] = [];
    await server.close();
    server = await startControlServer(api, { distDir: dist, onRefused: (_, reason) => refused.push(reason) });
    expect((await call('snapshot', {}, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await call('snapshot', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call('snapshot', {}, { 'sec-fetch-site': 'SAME-ORIGIN' })).status).toBe(403);
    expect((await rawGet('/', { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect(refused).toEqual(['same-site request', 'cross-site request', 'unexpected Sec-Fetch-Site', 'same-site request']);
    expect(calls.filter(([name]) => name === 'snapshot')).toHaveLength(3);
  });

  it("names its cookie per instance and reads only its own, so a second instance's cookie neither replaces nor opens it", async () => {
    const other = await startControlServer(api, { distDir: dist });
    try {
      const cookieOf = async (s: ControlServer) => (await fetch(s.url, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      const mine = await cookieOf(server);
      const theirs = await cookieOf(other);
      expect(mine.split('=')[0]).toMatch(/^du_token_[0-9a-f]{16}$/);
      expect(mine.split('=')[0]).not.toBe(theirs.split('=')[0]);
      const page = (s: ControlServer, cookie: string) => fetch(`${s.origin}/`, { headers: { cookie } });
      // The browser sends both cookies to both ports (cookies ignore ports): each reads its own.
      expect((await page(server, `${theirs}; ${mine}`)).status).toBe(200);
      expect((await page(other, `${theirs}; ${mine}`)).status).toBe(200);
      expect((await page(server, theirs)).status).toBe(401);
      // The other instance's token under this instance's cookie name is still the wrong token.
      expect((await page(server, `${mine.split('=')[0]}=${theirs.split('=').slice(1).join('=')}`)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('checks every payload before the engine sees it', async () => {
    expect((await call('cancel', { fileId: 0 })).status).toBe(400);
    expect((await call('cancel', { fileId: 1.5 })).status).toBe(400);
    expect((await call('cancel', { fileId: '7' })).status).toBe(400);
    expect((await call('pause', { all: false })).status).toBe(400);
    expect((await call('pause', null)).status).toBe(400);
    expect((await call('snapshot', { states: ['nope'] })).status).toBe(400);
    expect((await call('snapshot', { limit: 1_000_000 })).status).toBe(400);
    expect((await call('snapshot', { extra: 1 })).status).toBe(400);
    expect((await call('constructor', {})).status).toBe(400);
    expect((await call('onEvent', {})).status).toBe(400);
    expect(calls).toEqual([]);
    const ok = await call('cancel', { fileId: 7 });
    expect(await ok.json()).toEqual({ result: 1 });
    expect(await (await call('retry', { all: true })).json()).toEqual({ result: 1 });
    expect(calls).toEqual([
      ['cancel', { fileId: 7 }],
      ['retry', { all: true }],
    ]);
  });

  it('streams engine events as Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.origin}/api/events`, { headers: { authorization: `Bearer ${server.token}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); // retry: line
    api.push({ type: 'changed', at: 1, fileIds: [3], seq: 1 });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('data: {"type":"changed","at":1,"fileIds":[3],"seq":1}\n\n');
    controller.abort();
  });
});
