// BiotHttp failure mapping against scripted loopback servers: timeouts,
// dropped connections, malformed answers, BioT error bodies, caller aborts.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
import { BiotHttp } from '../../app/biot/http.ts';
import { biotError, startScriptedServer, type Script, type ScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let http: BiotHttp | undefined;

afterEach(async () => {
  await http?.close();
  await server?.close();
  http = undefined;
  server = undefined;
});

async function start(script: Script, timeoutMs = 2_000, baseSuffix = ''): Promise<BiotHttp> {
  server = await startScriptedServer(script);
  http = new BiotHttp({ baseUrl: server.url + baseSuffix, timeoutMs, maxResponseBytes: 64 * 1024 });
  return http;
}

async function failure(promise: Promise<unknown>): Promise<BiotError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BiotError);
  return error as BiotError;
}

const get = (h: BiotHttp, operation = 'file.downloadLink') => h.call({ method: 'GET', path: '/file/v1/files/f1/download', operation });

describe('wire format', () => {
  it('sends JSON with the bearer token and keeps a base path prefix', async () => {
    const h = await start(() => ({ status: 200, json: { ok: true } }), 2_000, '/api/');
    const answer = await h.call({
      method: 'POST',
      path: '/file/v1/files/upload',
      operation: 'file.createSingle',
      body: { name: 'a', mimeType: 'b' },
      auth: { token: async () => 'tok-1', invalidate: () => {} },
    });
    expect(answer).toMatchObject({ body: { ok: true }, ctx: { operation: 'file.createSingle', status: 200 } });
    expect(Math.abs(answer.serverTime! - Date.now())).toBeLessThan(5_000); // from the Date header
    const req = server!.requests[0]!;
    expect(req.url).toBe('/api/file/v1/files/upload');
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.json).toEqual({ name: 'a', mimeType: 'b' });
  });

  it('answers undefined for an empty 204', async () => {
    const h = await start(() => ({ status: 204 }));
    expect((await get(h)).body).toBeUndefined();
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new BiotHttp({ baseUrl: 'ftp://127.0.0.1/' })).toThrow(TypeError);
  });
});

describe('timeouts and network failures', () => {
  it('no answer -> TIMEOUT naming the operation, retryable', async () => {
    const h = await start(() => ({ hang: true }), 200);
    const started = Date.now();
    const error = await failure(get(h, 'file.complete'));
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT', operation: 'file.complete', retryable: true, locked: false });
    expect(error.message).toContain('file.complete');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('headers then a stalled body -> TIMEOUT', async () => {
    const h = await start(() => ({ stallBody: true, status: 200 }), 200);
    expect(await failure(get(h))).toMatchObject({ status: 0, code: 'TIMEOUT', retryable: true });
  });

  it('connection dropped -> NETWORK, retryable', async () => {
    const h = await start(() => ({ drop: true }));
    expect(await failure(get(h))).toMatchObject({ status: 0, code: 'NETWORK', retryable: true });
  });

  it('connection refused -> NETWORK, retryable', async () => {
    // A port that was just free and is closed again.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    http = new BiotHttp({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    expect(await failure(get(http))).toMatchObject({ status: 0, code: 'NETWORK', retryable: true });
  });

  it("the caller's abort -> ABORTED, not retryable, its reason kept as cause", async () => {
    const h = await start(() => ({ hang: true }));
    const controller = new AbortController();
    const pause = new Error('pause sentinel');
    setTimeout(() => controller.abort(pause), 50);
    const error = await failure(h.call({ method: 'GET', path: '/x', operation: 'file.partLinks', signal: controller.signal }));
    expect(error).toMatchObject({ status: 0, code: 'ABORTED', retryable: false });
    expect(error.cause).toBe(pause);
  });

  it('an already aborted signal sends nothing', async () => {
    const h = await start(() => ({ status: 200, json: {} }));
    const error = await failure(h.call({ method: 'GET', path: '/x', operation: 'op', signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(server!.requests).toHaveLength(0);
  });
});

describe('answers', () => {
  const phi = 'Jane Doe 1970-01-01';

  it('a BioT error body -> status, code and traceId carried; its message not echoed', async () => {
    const h = await start(() => ({
      status: 404,
      json: { code: 'FILE_ID_NOT_FOUND', message: phi, traceId: 'abc123', serviceName: 'file', details: { name: phi } },
    }));
    const error = await failure(get(h, 'file.complete'));
    expect(error).toMatchObject({ status: 404, code: 'FILE_ID_NOT_FOUND', traceId: 'abc123', operation: 'file.complete', retryable: false });
    expect(error.message).toContain('abc123');
    expect(error.message).not.toContain('Jane');
  });

  it('504 GATEWAY_TIMEOUT is retryable', async () => {
    const h = await start(() => biotError(504, 'GATEWAY_TIMEOUT', 't504'));
    expect(await failure(get(h))).toMatchObject({ status: 504, code: 'GATEWAY_TIMEOUT', traceId: 't504', retryable: true });
  });

  it('an HTML error page -> HTTP_ERROR with the status, body not echoed', async () => {
    const h = await start(() => ({ status: 502, text: `<html>${phi}</html>`, headers: { 'content-type': 'text/html' } }));
    const error = await failure(get(h));
    expect(error).toMatchObject({ status: 502, code: 'HTTP_ERROR', retryable: true, traceId: undefined });
    expect(error.message).not.toContain('Jane');
  });

  it('429 is retryable', async () => {
    const h = await start(() => ({ status: 429, text: '' }));
    expect(await failure(get(h))).toMatchObject({ status: 429, retryable: true });
  });

  it('a 200 that is not JSON (cut short) -> MALFORMED_RESPONSE, retryable, body not echoed', async () => {
    const h = await start(() => ({ status: 200, text: `{"id": "${phi}"` }));
    const error = await failure(get(h));
    expect(error).toMatchObject({ status: 200, code: 'MALFORMED_RESPONSE', retryable: true });
    expect(error.message).toMatch(/garbled|cut short/);
    expect(error.message).not.toContain('Jane');
  });

  it("a captive portal's HTML page with 200 -> retryable, worded as a portal, body not echoed", async () => {
    const h = await start(() => ({ status: 200, text: `<!DOCTYPE html><html>${phi}</html>`, headers: { 'content-type': 'text/html' } }));
    const error = await failure(get(h));
    expect(error).toMatchObject({ status: 200, code: 'MALFORMED_RESPONSE', retryable: true });
    expect(error.message).toMatch(/captive portal/);
    expect(error.message).not.toContain('Jane');
  });

  it('an answer past the size limit -> MALFORMED_RESPONSE', async () => {
    const h = await start(() => ({ status: 200, json: { blob: 'x'.repeat(100 * 1024) } }));
    expect(await failure(get(h))).toMatchObject({ status: 200, code: 'MALFORMED_RESPONSE' });
  });
});
