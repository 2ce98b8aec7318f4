// Token source against a scripted loopback UMS with a fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { BiotError, createBiotClient, type BiotClient } from '../../app/biot/index.ts';
import type { TokenEvent } from '../../app/biot/token-source.ts';
import {
  biotError,
  startScriptedServer,
  type RecordedRequest,
  type Script,
  type ScriptedReply,
  type ScriptedServer,
} from '../support/scripted-server.ts';

const START = Date.parse('2030-01-01T00:00:00Z');
const ACCESS_TTL = 60_000;
const REFRESH_TTL = 600_000;
const MARGIN = 5_000;

let clock = START;
const now = (): number => clock;
let server: ScriptedServer | undefined;
let client: BiotClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  clock = START;
  serverOffset = 0;
});

const iso = (ms: number): string => new Date(ms).toISOString();
/** The server's Date header: by default its clock agrees with the fake local clock. */
let serverOffset = 0;
const dateHeader = (): Record<string, string> => ({ date: new Date(clock + serverOffset).toUTCString() });
let issued = 0;
/** A login/refresh answer whose tokens expire relative to the fake clock. */
function loginReply(accessTtl = ACCESS_TTL, refreshTtl = REFRESH_TTL): ScriptedReply {
  issued += 1;
  const serverNow = clock + serverOffset;
  return {
    status: 200,
    headers: dateHeader(),
    json: {
      accessJwt: { token: `access-${issued}`, expiration: iso(serverNow + accessTtl) },
      refreshJwt: { token: `refresh-${issued}`, expiration: iso(serverNow + refreshTtl) },
      userId: 'user-1',
      ownerOrganizationId: 'org-1',
    },
  };
}
function serviceReply(ttl = ACCESS_TTL): ScriptedReply {
  issued += 1;
  return {
    status: 200,
    headers: dateHeader(),
    json: { accessToken: `service-${issued}`, accessTokenExpiration: iso(clock + serverOffset + ttl) },
  };
}
const download = (id: string): ScriptedReply => ({
  status: 200,
  json: { id, name: 'x', mimeType: 'application/octet-stream', signedUrl: 'http://127.0.0.1:1/get' },
});

const paths = (requests: RecordedRequest[]): string[] => requests.map((r) => `${r.method} ${r.url}`);

async function start(script: Script, auth: 'user' | 'service' = 'user', events?: TokenEvent[]): Promise<BiotClient> {
  server = await startScriptedServer(script);
  client = createBiotClient({
    baseUrl: server.url,
    auth: auth === 'user' ? { type: 'user', username: 'clinic', password: 'pw-1' } : { type: 'service', id: 'svc-1', secretKey: 'sk-1' },
    refreshMarginMs: MARGIN,
    timeoutMs: 2_000,
    now,
    ...(events && { onTokenEvent: (e: TokenEvent) => events.push(e) }),
  });
  return client;
}

describe('user login and refresh', () => {
  it('logs in with username and password and reuses the token while it is fresh', async () => {
    const c = await start(() => loginReply());
    const first = await c.tokens.token();
    clock += ACCESS_TTL - MARGIN - 1;
    const second = await c.tokens.token();
    expect(second).toBe(first);
    expect(paths(server!.requests)).toEqual(['POST /ums/v2/users/login']);
    expect(server!.requests[0]!.json).toEqual({ username: 'clinic', password: 'pw-1' });
    expect(server!.requests[0]!.headers.authorization).toBeUndefined();
    expect(c.tokens.identity).toEqual({ userId: 'user-1', ownerOrganizationId: 'org-1' });
  });

  it('refreshes with the refresh token before expiry, with no 401 needed', async () => {
    const c = await start((req) => (req.url.endsWith('/refresh') || req.url.endsWith('/login') ? loginReply() : download('f1')));
    const first = await c.tokens.token();
    clock += ACCESS_TTL - MARGIN; // inside the margin: still valid on the server, but due
    await c.files.downloadLink('f1');
    expect(paths(server!.requests)).toEqual(['POST /ums/v2/users/login', 'POST /ums/v2/users/token/refresh', 'GET /file/v1/files/f1/download']);
    expect(server!.requests[1]!.json).toEqual({ refreshToken: first.replace('access', 'refresh') });
    const renewed = await c.tokens.token();
    expect(renewed).not.toBe(first);
    expect(server!.requests[2]!.headers.authorization).toBe(`Bearer ${renewed}`);
    expect(server!.requests).toHaveLength(3);
  });

  it('logs in again with the password when the refresh is refused', async () => {
    const events: TokenEvent[] = [];
    const c = await start((req) => (req.url.endsWith('/refresh') ? biotError(403, 'REFRESH_TOKEN_NOT_VALID') : loginReply()), 'user', events);
    await c.tokens.token();
    clock += ACCESS_TTL;
    const token = await c.tokens.token();
    expect(token).toBe(`access-${issued}`);
    expect(paths(server!.requests)).toEqual(['POST /ums/v2/users/login', 'POST /ums/v2/users/token/refresh', 'POST /ums/v2/users/login']);
    expect(server!.requests[2]!.json).toEqual({ username: 'clinic', password: 'pw-1' });
    expect(events.map((e) => e.kind)).toEqual(['login', 'refresh-refused', 'login']);
  });

  it('logs in directly when the refresh token itself has expired', async () => {
    const c = await start(() => loginReply(ACCESS_TTL, ACCESS_TTL * 2));
    await c.tokens.token();
    clock += ACCESS_TTL * 3;
    await c.tokens.token();
    expect(paths(server!.requests)).toEqual(['POST /ums/v2/users/login', 'POST /ums/v2/users/login']);
  });

  it('does not swallow a refresh that failed for another reason (5xx stays retryable)', async () => {
    const c = await start((req) => (req.url.endsWith('/refresh') ? biotError(503, 'SERVICE_UNAVAILABLE') : loginReply()));
    await c.tokens.token();
    clock += ACCESS_TTL;
    const error = await c.tokens.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BiotError);
    expect(error).toMatchObject({ status: 503, retryable: true, operation: 'ums.refresh' });
  });

  it('refuses an MFA challenge with a clear non-retryable error', async () => {
    const c = await start(() => ({ status: 200, json: { mfaRequired: true, userId: 'u', ownerOrganizationId: 'o' } }));
    await expect(c.tokens.token()).rejects.toMatchObject({ code: 'MFA_REQUIRED', retryable: false });
  });
});

describe('service user', () => {
  it('asks again with the secret before expiry (no refresh token)', async () => {
    const c = await start(() => serviceReply(), 'service');
    const first = await c.tokens.token();
    clock += ACCESS_TTL - MARGIN - 1;
    expect(await c.tokens.token()).toBe(first);
    clock += 1;
    const second = await c.tokens.token();
    expect(second).not.toBe(first);
    expect(paths(server!.requests)).toEqual(['POST /ums/v2/services/accessToken', 'POST /ums/v2/services/accessToken']);
    for (const req of server!.requests) expect(req.json).toEqual({ id: 'svc-1', secretKey: 'sk-1' });
  });

  it('never renews more than half a short lifetime early', async () => {
    const c = await start(() => serviceReply(4_000), 'service'); // shorter than twice the margin
    const first = await c.tokens.token();
    clock += 1_999;
    expect(await c.tokens.token()).toBe(first);
    clock += 1;
    expect(await c.tokens.token()).not.toBe(first);
    expect(server!.requests).toHaveLength(2);
  });
});

describe('clock skew', () => {
  it.each([
    ['an hour ahead', -3_600_000],
    ['an hour behind', 3_600_000],
  ])('a local clock %s of the server still renews by the token lifetime', async (_name, offset) => {
    serverOffset = offset;
    const c = await start(() => serviceReply(), 'service');
    const first = await c.tokens.token();
    clock += ACCESS_TTL - MARGIN - 1_000;
    expect(await c.tokens.token()).toBe(first);
    expect(server!.requests).toHaveLength(1);
    clock += 1_000;
    expect(await c.tokens.token()).not.toBe(first);
    expect(server!.requests).toHaveLength(2);
  });
});

describe('single flight', () => {
  it('shares one login among 10 concurrent callers', async () => {
    const c = await start(() => ({ ...(loginReply() as { status: number; json: unknown }), delayMs: 100 }));
    const tokens = await Promise.all(Array.from({ length: 10 }, () => c.tokens.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(server!.requests).toHaveLength(1);
  });

  it('shares one refresh among 10 concurrent API calls, and one caller aborting does not fail the rest', async () => {
    const c = await start((req) => {
      if (req.url.endsWith('/refresh')) return { ...(loginReply() as { status: number; json: unknown }), delayMs: 150 };
      if (req.url.endsWith('/login')) return loginReply();
      return download('f1');
    });
    await c.tokens.token();
    clock += ACCESS_TTL;
    const quitter = new AbortController();
    const quitting = c.files.downloadLink('f1', { signal: quitter.signal });
    const calls = Array.from({ length: 10 }, () => c.files.downloadLink('f1'));
    setTimeout(() => quitter.abort(new Error('paused')), 20);
    await expect(quitting).rejects.toMatchObject({ code: 'ABORTED' });
    await Promise.all(calls);
    expect(server!.requests.filter((r) => r.url.endsWith('/refresh'))).toHaveLength(1);
    expect(server!.requests.filter((r) => r.url.endsWith('/download'))).toHaveLength(10);
  });
});

describe('401 TOKEN_NOT_VALID on an API call', () => {
  it('invalidates the token and retries the call once with a fresh one', async () => {
    let rejected = false;
    const c = await start((req) => {
      if (req.url.startsWith('/ums/')) return loginReply();
      if (!rejected) {
        rejected = true;
        return biotError(401, 'TOKEN_NOT_VALID');
      }
      return download('f1');
    });
    const link = await c.files.downloadLink('f1');
    expect(link.id).toBe('f1');
    const calls = server!.requests.filter((r) => r.url.includes('/download'));
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers.authorization).toBe('Bearer access-' + String(issued - 1));
    expect(calls[1]!.headers.authorization).toBe(`Bearer access-${issued}`);
  });

  it('gives up after the one retry', async () => {
    const c = await start((req) => (req.url.startsWith('/ums/') ? loginReply() : biotError(401, 'TOKEN_NOT_VALID', 't-401')));
    await expect(c.files.downloadLink('f1')).rejects.toMatchObject({ status: 401, code: 'TOKEN_NOT_VALID', traceId: 't-401' });
    expect(server!.requests.filter((r) => r.url.includes('/download'))).toHaveLength(2);
  });

  it('does not retry other 401s or 403s', async () => {
    const c = await start((req) => (req.url.startsWith('/ums/') ? loginReply() : biotError(403, 'ACCESS_DENIED')));
    await expect(c.files.downloadLink('f1')).rejects.toMatchObject({ status: 403, code: 'ACCESS_DENIED', retryable: false });
    expect(server!.requests.filter((r) => r.url.includes('/download'))).toHaveLength(1);
  });
});

describe('lock-out', () => {
  it.each([
    ['user', 'USER_LOCKED'],
    ['user', 'USER_LOCKED_WITH_TIME'],
    ['service', 'SERVICE_LOCKED'],
  ] as const)('%s %s stops, fails fast without calling the server, until reset()', async (kind, code) => {
    let locked = true;
    const c = await start(() => (locked ? biotError(401, code, 'trace-lock') : kind === 'user' ? loginReply() : serviceReply()), kind);
    const error = (await c.tokens.token().catch((e: unknown) => e)) as BiotError;
    expect(error).toBeInstanceOf(BiotError);
    expect(error).toMatchObject({ status: 401, code, locked: true, retryable: false, traceId: 'trace-lock' });
    expect(error.message).toContain('ask your BioT admin');

    await expect(c.files.downloadLink('f1')).rejects.toBe(error);
    await expect(c.tokens.token()).rejects.toBe(error);
    expect(server!.requests).toHaveLength(1);
    expect(c.tokens.lockedBy).toBe(error);

    locked = false;
    c.tokens.reset();
    await expect(c.tokens.token()).resolves.toMatch(/^(access|service)-/);
    expect(server!.requests).toHaveLength(2);
  });

  it('a lock-out during refresh is not taken for a refused refresh', async () => {
    const c = await start((req) => (req.url.endsWith('/refresh') ? biotError(401, 'USER_LOCKED') : loginReply()));
    await c.tokens.token();
    clock += ACCESS_TTL;
    await expect(c.tokens.token()).rejects.toMatchObject({ locked: true });
    expect(paths(server!.requests)).toEqual(['POST /ums/v2/users/login', 'POST /ums/v2/users/token/refresh']);
  });
});

describe('rejected credentials', () => {
  it.each([
    ['user', 403, 'LOGIN_FAILED'],
    ['service', 403, 'LOGIN_FAILED'],
    ['user', 401, 'HTTP_ERROR'],
  ] as const)('%s %i %s stops sign-in (a repeated wrong password locks accounts) until reset()', async (kind, status, code) => {
    const events: TokenEvent[] = [];
    let reject = true;
    const c = await start(() => (reject ? biotError(status, code) : kind === 'user' ? loginReply() : serviceReply()), kind, events);
    const error = (await c.tokens.token().catch((e: unknown) => e)) as BiotError;
    expect(error).toMatchObject({ status, code, locked: false, retryable: false });
    await expect(c.files.downloadLink('f1')).rejects.toBe(error);
    expect(server!.requests).toHaveLength(1);
    expect(c.tokens.lockedBy).toBe(error);
    expect(events.map((e) => e.kind)).toEqual(['credentials-rejected']);
    reject = false;
    c.tokens.reset();
    await expect(c.tokens.token()).resolves.toEqual(expect.any(String));
  });

  it('a login that failed for a passing reason (503, timeout) is tried again on the next call', async () => {
    let fail = true;
    const c = await start(() => (fail ? biotError(503, 'HTTP_ERROR') : loginReply()));
    await expect(c.tokens.token()).rejects.toMatchObject({ status: 503, retryable: true });
    fail = false;
    await expect(c.tokens.token()).resolves.toEqual(expect.any(String));
    expect(server!.requests).toHaveLength(2);
    expect(c.tokens.lockedBy).toBeUndefined();
  });
});

describe('malformed login answers', () => {
  it.each([
    ['not JSON', { status: 200, text: '<html>portal</html>' }],
    ['no accessJwt', { status: 200, json: { userId: 'u' } }],
    ['unparseable expiration', { status: 200, json: { accessJwt: { token: 't', expiration: 'soon' } } }],
    ['token not a string', { status: 200, json: { accessJwt: { token: 42, expiration: iso(START) } } }],
  ] as const)('%s -> MALFORMED_RESPONSE', async (_name, reply) => {
    const c = await start(() => reply as ScriptedReply);
    await expect(c.tokens.token()).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE', status: 200, operation: 'ums.login' });
  });
});
