// The control server against a scripted UploaderApi: who gets in (host,
// origin, token), how payloads are checked, the headers, and the event stream.
import { mkdtempSync, writeFileSync } from 'node:fs';
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
      return { at: 0, totals: {} as never, connection: { state: 'ok', advice: null, since: 0 }, folders: [], logs: { state: 'ok', code: null, dropped: 0, since: 0 }, rows: [], matching: 0 };
    },
    pause: record('pause'), resume: record('resume'), cancel: record('cancel'), retry: record('retry'),
    history: async () => ({ rows: [], matching: 0 }),
    settings: async () => ({ server: { baseUrl: 'http://x', auth: { type: 'user', username: 'u', hasSecret: true } }, folders: [], transfer: {} as never }),
    saveSettings: async () => ({ ok: true, restartNeeded: [] }),
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
  const dist = mkdtempSync(join(tmpdir(), 'du-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>ui</title>');

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
      const req = request(`${server.origin}/api/snapshot`, { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${server.token}` } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
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
    const escape = await fetch(`${server.origin}/..%2f..%2fetc%2fpasswd`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(escape.status).toBe(404);
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
    expect(calls).toEqual([['cancel', { fileId: 7 }], ['retry', { all: true }]]);
  });

  it('streams engine events as Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.origin}/api/events`, { headers: { authorization: `Bearer ${server.token}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); // retry: line
    api.push({ type: 'changed', at: 1, fileIds: [3] });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('data: {"type":"changed","at":1,"fileIds":[3]}\n\n');
    controller.abort();
  });
});
