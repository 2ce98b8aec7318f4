// Sandbox scenarios shared by the S3 and disk-store test files: the same
// BioT contract must hold whichever store keeps the bytes, so the scenarios
// are written once and registered per store. Every BioT answer goes through
// `api`, which checks it against BioT's OpenAPI documents.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Sandbox, StorageLogEntry } from '../../app/sandbox/index.ts';
import { validateWireResponse } from './openapi-validator.ts';
import { until } from './wait.ts';

export const MiB = 1024 * 1024;
export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
export const md5Etag = (data: Uint8Array) => `"${createHash('md5').update(data).digest('hex')}"`;

export interface Answer {
  status: number;
  body: any;
}

/** Calls the sandbox and checks the answer against the OpenAPI document (every answer, errors included). */
export async function api(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sandbox.url + path, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  validateWireResponse(method, path, res.status, body);
  if (res.status >= 400) expectBiotError(body);
  return { status: res.status, body };
}

/** Every field of BioT's ErrorResponse is there (the schema itself requires none). */
export function expectBiotError(body: any, code?: string): void {
  expect(Object.keys(body ?? {}).sort()).toEqual(['code', 'details', 'environment', 'message', 'serviceName', 'traceId']);
  if (code) expect(body.code).toBe(code);
}

export async function login(sandbox: Sandbox): Promise<string> {
  const { status, body } = await api(sandbox, 'POST', '/ums/v2/users/login', { body: sandbox.credentials.user });
  expect(status).toBe(200);
  return body.accessJwt.token;
}

export async function putPart(url: string, data: Buffer): Promise<{ status: number; etag: string | null; text: string }> {
  const res = await fetch(url, { method: 'PUT', body: new Uint8Array(data) });
  return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

export async function download(sandbox: Sandbox, token: string, id: string): Promise<Buffer> {
  const { status, body } = await api(sandbox, 'GET', `/file/v1/files/${id}/download`, { token });
  expect(status).toBe(200);
  const res = await fetch(body.signedUrl);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** A sandbox for one describe block and a logged-in user token; filled in by beforeAll. */
export interface SandboxSession {
  sandbox: Sandbox;
  token: string;
}

/** Starts a sandbox before the block's tests and closes it (then runs `cleanup`) after them. */
export function useSandbox(start: () => Promise<Sandbox>, cleanup?: () => void): SandboxSession {
  const session = {} as SandboxSession;
  beforeAll(async () => {
    session.sandbox = await start();
    session.token = await login(session.sandbox);
  });
  afterAll(async () => {
    await session.sandbox?.close();
    cleanup?.();
  });
  return session;
}

/** How a store shows up in titles and links. */
export interface StorageUnderTest {
  /** 'S3', 'the disk store': used in test titles. */
  name: string;
  /** Where part links must point. */
  linkPrefix(sandbox: Sandbox): string;
}

/** Registers the core contract scenarios (ums, the file API, entities, errors, faults) for one store. */
export function registerCoreScenarios(session: SandboxSession, storage: StorageUnderTest): void {
  it('logs in, refreshes and issues service tokens as ums.json says; refuses bad credentials and locked principals', async () => {
    const { sandbox } = session;
    const first = await api(sandbox, 'POST', '/ums/v2/users/login', { body: sandbox.credentials.user });
    expect(Date.parse(first.body.accessJwt.expiration)).toBeGreaterThan(Date.now());
    const refreshed = await api(sandbox, 'POST', '/ums/v2/users/token/refresh', { body: { refreshToken: first.body.refreshJwt.token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accessJwt.token).not.toBe(first.body.accessJwt.token);
    const bad = await api(sandbox, 'POST', '/ums/v2/users/token/refresh', { body: { refreshToken: first.body.accessJwt.token } });
    expect(bad.status).toBe(403);
    expectBiotError(bad.body, 'REFRESH_TOKEN_NOT_VALID');
    const service = await api(sandbox, 'POST', '/ums/v2/services/accessToken', { body: sandbox.credentials.service });
    expect(service.status).toBe(200);
    expect(
      (
        await api(sandbox, 'POST', '/file/v1/files/upload', {
          token: service.body.accessToken,
          body: { name: 'a.bin', mimeType: 'application/octet-stream' },
        })
      ).status,
    ).toBe(200);
    const wrong = await api(sandbox, 'POST', '/ums/v2/users/login', { body: { ...sandbox.credentials.user, password: 'nope' } });
    expect(wrong.status).toBe(403);
    expectBiotError(wrong.body, 'LOGIN_FAILED');
    sandbox.lock('user');
    sandbox.lock('service');
    try {
      expectBiotError((await api(sandbox, 'POST', '/ums/v2/users/login', { body: sandbox.credentials.user })).body, 'USER_LOCKED');
      const locked = await api(sandbox, 'POST', '/ums/v2/services/accessToken', { body: sandbox.credentials.service });
      expect(locked.status).toBe(401);
      expectBiotError(locked.body, 'SERVICE_LOCKED');
    } finally {
      sandbox.unlock('user');
      sandbox.unlock('service');
    }
  });

  it('refuses an expired access token mid-sequence with 401 TOKEN_NOT_VALID, and a refresh recovers', async () => {
    const { sandbox } = session;
    sandbox.setTokenTtl(1);
    try {
      const session = (await api(sandbox, 'POST', '/ums/v2/users/login', { body: sandbox.credentials.user })).body;
      const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
        token: session.accessJwt.token,
        body: { name: 'x.bin', mimeType: 'application/octet-stream', parts: 1 },
      });
      expect(create.status).toBe(200);
      // Asking for links is harmless while the token is still good: poll until the sandbox refuses it.
      let late: Answer | undefined;
      await until(
        'the sandbox to refuse the 1-second access token',
        async () => {
          late = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}`, {
            token: session.accessJwt.token,
            body: { fromPart: 1, toPart: 1 },
          });
          return late.status !== 200;
        },
        { timeoutMs: 15_000, everyMs: 200, seen: () => late?.status },
      );
      if (!late) throw new Error('no answer');
      expect(late.status).toBe(401);
      expectBiotError(late.body, 'TOKEN_NOT_VALID');
      const fresh = (await api(sandbox, 'POST', '/ums/v2/users/token/refresh', { body: { refreshToken: session.refreshJwt.token } })).body;
      expect(
        (
          await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}`, {
            token: fresh.accessJwt.token,
            body: { fromPart: 1, toPart: 1 },
          })
        ).status,
      ).toBe(200);
      expect((await api(sandbox, 'GET', `/file/v1/files/${create.body.id}/download`, {})).status).toBe(401);
    } finally {
      sandbox.setTokenTtl(3600);
    }
  });

  it(`uploads 5 + 5 + 1 MiB parts to ${storage.name} and downloads the same bytes`, async () => {
    const { sandbox, token } = session;
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB)];
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'holter.dat', mimeType: 'application/octet-stream', parts: 3 },
    });
    expect(create.body.signedUrls.map((l: any) => l.partNumber)).toEqual([1, 2, 3]);
    expect(create.body.signedUrls[0].signedUrl.startsWith(storage.linkPrefix(sandbox))).toBe(true);
    for (const [index, data] of parts.entries()) {
      const put = await putPart(create.body.signedUrls[index].signedUrl, data);
      expect(put.status).toBe(200);
      expect(put.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
      expect(
        (
          await api(sandbox, 'PUT', `/file/v1/files/upload/parts/${create.body.id}`, {
            token,
            body: { parts: [{ partNumber: index + 1, etag: put.etag }] },
          })
        ).status,
      ).toBe(200);
    }
    const done = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, { token });
    expect(done.status).toBe(200);
    expect(sha256(await download(sandbox, token, create.body.id))).toBe(sha256(Buffer.concat(parts)));
    const again = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, { token });
    expect(again.status).toBe(403);
    expectBiotError(again.body, 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD');
  });

  it(`an expired link is refused by ${storage.name} with 403; a fresh range of links (past the first count) works`, async () => {
    const { sandbox, token } = session;
    sandbox.setLinkTtl(1);
    let create: Answer;
    try {
      create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', { token, body: { name: 'ecg.xml', mimeType: 'application/xml', parts: 1 } });
      const expires = Date.parse(create.body.signedUrls[0].expirationTime);
      expect(expires - Date.now()).toBeLessThanOrEqual(1000);
    } finally {
      sandbox.setLinkTtl(3600);
    }
    const data = randomBytes(64 * 1024);
    // While the link is good a PUT just stores part 1 (sent again below): poll until the store refuses the link.
    let expired: Awaited<ReturnType<typeof putPart>> | undefined;
    await until(
      `${storage.name} to refuse the 1-second link`,
      async () => {
        expired = await putPart(create.body.signedUrls[0].signedUrl, data);
        return expired.status !== 200;
      },
      { timeoutMs: 15_000, everyMs: 200, seen: () => expired?.status },
    );
    if (!expired) throw new Error('no answer');
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('AccessDenied');
    const fresh = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}`, { token, body: { fromPart: 1, toPart: 2 } });
    expect(fresh.body.parts).toBe(2);
    expect(fresh.body.signedUrls.map((l: any) => l.partNumber)).toEqual([1, 2]);
    const put = await putPart(fresh.body.signedUrls[0].signedUrl, data);
    expect(put.status).toBe(200);
    expect(
      (
        await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
          token,
          body: { parts: [{ partNumber: 1, etag: put.etag }] },
        })
      ).status,
    ).toBe(200);
    expect(sha256(await download(sandbox, token, create.body.id))).toBe(sha256(data));
  });

  it('a 1 MiB part that is not the last makes complete fail with a clear BioT error naming the part', async () => {
    const { sandbox, token } = session;
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 's.bin', mimeType: 'application/octet-stream', parts: 2 },
    });
    const etags = [];
    for (const [index, size] of [MiB, MiB].entries()) etags.push((await putPart(create.body.signedUrls[index].signedUrl, randomBytes(size))).etag);
    const done = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
      token,
      body: { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) },
    });
    expect(done.status).toBe(400);
    expectBiotError(done.body, 'MULTIPLE_PART_UPLOAD_COMPLETE_FAILED');
    expect(done.body.details).toMatchObject({ s3Code: 'EntityTooSmall', partNumber: 1 });
    expect(done.body.message).toContain('part 1');
    const wrongEtag = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
      token,
      body: { parts: [{ partNumber: 2, etag: '"0123456789abcdef0123456789abcdef"' }] },
    });
    expect(wrongEtag.status).toBe(400);
    expect(wrongEtag.body.details).toMatchObject({ s3Code: 'InvalidPart', partNumber: 2 });
    await api(sandbox, 'DELETE', `/file/v1/files/upload/parts/${create.body.id}/cancel`, { token });
  });

  it('leaves parts without a saved ETag out of the assembled file', async () => {
    const { sandbox, token } = session;
    const first = randomBytes(5 * MiB);
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'p.bin', mimeType: 'application/octet-stream', parts: 2 },
    });
    const put1 = await putPart(create.body.signedUrls[0].signedUrl, first);
    expect((await putPart(create.body.signedUrls[1].signedUrl, randomBytes(MiB))).status).toBe(200);
    await api(sandbox, 'PUT', `/file/v1/files/upload/parts/${create.body.id}`, { token, body: { parts: [{ partNumber: 1, etag: put1.etag }] } });
    const done = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, { token, body: { parts: [] } });
    expect(done.status).toBe(200);
    const got = await download(sandbox, token, create.body.id);
    expect(got.length).toBe(first.length);
    expect(sha256(got)).toBe(sha256(first));
  });

  it('cancels: 204, then the upload answers 403 FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD and its links are dead', async () => {
    const { sandbox, token } = session;
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'c.bin', mimeType: 'application/octet-stream', parts: 1 },
    });
    const cancel = await api(sandbox, 'DELETE', `/file/v1/files/upload/parts/${create.body.id}/cancel`, { token });
    expect(cancel.status).toBe(204);
    expect(cancel.body).toBeUndefined();
    for (const [method, suffix, body] of [
      ['PUT', '', { parts: [{ partNumber: 1, etag: '"x"' }] }],
      ['POST', '', { fromPart: 1, toPart: 1 }],
      ['POST', '/complete', undefined],
      ['DELETE', '/cancel', undefined],
    ] as const) {
      const answer = await api(sandbox, method, `/file/v1/files/upload/parts/${create.body.id}${suffix}`, { token, body });
      expect(answer.status).toBe(403);
      expectBiotError(answer.body, 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD');
    }
    expect((await putPart(create.body.signedUrls[0].signedUrl, randomBytes(1024))).status).toBe(404);
  });

  it('validates part numbers and ranges with BioT codes; 409 without ETags; 404 for unknown ids', async () => {
    const { sandbox, token } = session;
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'v.bin', mimeType: 'application/octet-stream', parts: 2 },
    });
    const path = `/file/v1/files/upload/parts/${create.body.id}`;
    expectBiotError((await api(sandbox, 'PUT', path, { token, body: { parts: [] } })).body, 'PARTS_MUST_NOT_BE_EMPTY');
    expectBiotError(
      (await api(sandbox, 'PUT', path, { token, body: { parts: [{ partNumber: 3, etag: '"a"' }] } })).body,
      'MULTIPLE_PART_UPLOAD_INVALID_PART_NUMBER',
    );
    expectBiotError(
      (
        await api(sandbox, 'PUT', path, {
          token,
          body: {
            parts: [
              { partNumber: 1, etag: '"a"' },
              { partNumber: 1, etag: '"b"' },
            ],
          },
        })
      ).body,
      'MULTIPLE_PART_UPLOAD_REPEATING_PART_NUMBERS',
    );
    expectBiotError((await api(sandbox, 'POST', path, { token, body: { fromPart: 2, toPart: 1 } })).body, 'FROM_PART_LARGER_THAN_TO_PART');
    expect((await api(sandbox, 'POST', path, { token, body: { fromPart: 1, toPart: 10001 } })).status).toBe(400);
    const none = await api(sandbox, 'POST', `${path}/complete`, { token });
    expect(none.status).toBe(409);
    expectBiotError(none.body, 'MULTIPLE_PART_UPLOAD_HAS_NO_UPLOADED_ETAGS');
    const unknown = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${randomUUID()}/complete`, { token });
    expect(unknown.status).toBe(404);
    expectBiotError(unknown.body, 'FILE_ID_NOT_FOUND');
    expect((await api(sandbox, 'GET', `/file/v1/files/${create.body.id}/download`, { token })).status).toBe(404);
    await api(sandbox, 'DELETE', `${path}/cancel`, { token });
  });

  it('attaches a completed file to a patient, a device and a generic entity and reads it back', async () => {
    const { sandbox, token } = session;
    const data = randomBytes(4096);
    const single = await api(sandbox, 'POST', '/file/v1/files/upload', { token, body: { name: 'report.pdf', mimeType: 'application/pdf' } });
    const early = await api(sandbox, 'PATCH', `/device/v2/devices/dev-1`, { token, body: { recording: { id: single.body.id } } });
    expect(early.status).toBe(400);
    expect((await fetch(single.body.signedUrl, { method: 'PUT', body: data })).status).toBe(200);
    const patientId = randomUUID();
    const genericId = randomUUID();
    for (const path of [
      `/organization/v1/users/patients/${patientId}`,
      '/device/v2/devices/dev-1',
      `/generic-entity/v1/generic-entities/${genericId}`,
    ]) {
      const patched = await api(sandbox, 'PATCH', path, { token, body: { recording: { id: single.body.id } } });
      expect(patched.status).toBe(200);
      const read = await api(sandbox, 'GET', path, { token });
      expect(read.status).toBe(200);
      expect(read.body.recording.id).toBe(single.body.id);
      expect(read.body._id).toBe(decodeURIComponent(path.split('/').pop() as string));
    }
    expect(sha256(await download(sandbox, token, single.body.id))).toBe(sha256(data));
    const missing = await api(sandbox, 'PATCH', '/device/v2/devices/dev-1', { token, body: { recording: { id: randomUUID() } } });
    expect(missing.status).toBe(404);
    expectBiotError(missing.body, 'FILE_ID_NOT_FOUND');
    expectBiotError(
      (await api(sandbox, 'PATCH', '/device/v2/devices/dev-1', { token, body: { recording: { id: 5 } } })).body,
      'ATTRIBUTE_VALUE_TYPE_MISMATCH',
    );
    expectBiotError((await api(sandbox, 'GET', '/device/v2/devices/no-such-device', { token })).body, 'DEVICE_NOT_FOUND');
    expectBiotError((await api(sandbox, 'GET', `/organization/v1/users/patients/${randomUUID()}`, { token })).body, 'USER_NOT_FOUND');
  });

  it('answers malformed JSON, wrong types, missing fields and unknown routes with BioT errors and stays up', async () => {
    const { sandbox, token } = session;
    expectBiotError((await api(sandbox, 'POST', '/file/v1/files/upload/parts', { token, raw: '{"name": "a",' })).body, 'BAD_REQUEST');
    expect((await api(sandbox, 'POST', '/file/v1/files/upload/parts', { token, body: { name: 'a', mimeType: 'b', parts: 'three' } })).status).toBe(
      400,
    );
    expect((await api(sandbox, 'POST', '/file/v1/files/upload/parts', { token, body: { name: 'a', parts: 1 } })).status).toBe(400);
    expect((await api(sandbox, 'POST', '/file/v1/files/upload/parts', { token, body: [1, 2] })).status).toBe(400);
    expect((await api(sandbox, 'POST', '/ums/v2/users/login', { raw: 'null' })).status).toBe(400);
    const unknownRoute = await fetch(`${sandbox.url}/file/v1/nothing-here`, { headers: { authorization: `Bearer ${token}` } });
    expect(unknownRoute.status).toBe(404);
    expectBiotError(await unknownRoute.json(), 'NOT_FOUND');
    expect((await api(sandbox, 'GET', '/file/v1/files/not-a-uuid/download', { token })).status).toBe(404);
    expect((await api(sandbox, 'POST', '/file/v1/files/upload', { token: 'garbage', body: { name: 'a', mimeType: 'b' } })).status).toBe(401);
    expect((await api(sandbox, 'POST', '/file/v1/files/upload', { token, body: { name: 'a', mimeType: 'b' } })).status).toBe(200);
  });

  it('applies fault rules: a 500 on the k-th call, a dropped connection, and counts calls', async () => {
    const { sandbox, token } = session;
    const before = sandbox.calls('file.createSingle');
    sandbox.faults.add({ op: 'file.createSingle', nth: 2, status: 500 });
    const body = { name: 'f.bin', mimeType: 'application/octet-stream' };
    expect((await api(sandbox, 'POST', '/file/v1/files/upload', { token, body })).status).toBe(200);
    const failed = await api(sandbox, 'POST', '/file/v1/files/upload', { token, body });
    expect(failed.status).toBe(500);
    expectBiotError(failed.body, 'INTERNAL_SERVER_ERROR');
    expect((await api(sandbox, 'POST', '/file/v1/files/upload', { token, body })).status).toBe(200);
    expect(sandbox.calls('file.createSingle')).toBe(before + 3);
    sandbox.faults.add({ op: 'ums.login', drop: true });
    await expect(fetch(`${sandbox.url}/ums/v2/users/login`, { method: 'POST', body: JSON.stringify(sandbox.credentials.user) })).rejects.toThrow();
    expect((await api(sandbox, 'POST', '/ums/v2/users/login', { body: sandbox.credentials.user })).status).toBe(200);
    sandbox.faults.clear();
  });
}

/** The storage log entries for one file, without timestamps (checked separately). */
function logFor(sandbox: Sandbox, fileId: string): Omit<StorageLogEntry, 'at'>[] {
  return sandbox
    .storageLog()
    .filter((e) => e.fileId === fileId)
    .map(({ at: _at, ...rest }) => rest);
}

/**
 * Registers the storage log scenario, for stores whose storage requests pass
 * through the sandbox (the disk store, S3 with proxyStorage).
 */
export function registerStorageLogScenario(session: SandboxSession): void {
  it('logs every storage request with its BioT file id, part number and answered status (0 when dropped)', async () => {
    const { sandbox, token } = session;
    const started = Date.now();
    const parts = [randomBytes(5 * MiB), randomBytes(64 * 1024)] as const;
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'log.bin', mimeType: 'application/octet-stream', parts: 2 },
    });
    const links = create.body.signedUrls.map((l: any) => l.signedUrl as string);
    const put1 = await putPart(links[0], parts[0]);
    sandbox.faults.add({ op: 'storage.putPart', status: 503, code: 'SlowDown' });
    expect((await putPart(links[1], parts[1])).status).toBe(503);
    sandbox.faults.add({ op: 'storage.putPart', drop: true });
    await expect(fetch(links[1], { method: 'PUT', body: new Uint8Array(parts[1]) })).rejects.toThrow();
    const put2 = await putPart(links[1], parts[1]);
    const done = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
      token,
      body: {
        parts: [
          { partNumber: 1, etag: put1.etag },
          { partNumber: 2, etag: put2.etag },
        ],
      },
    });
    expect(done.status).toBe(200);
    expect(sha256(await download(sandbox, token, create.body.id))).toBe(sha256(Buffer.concat(parts)));
    // Entries are written when each exchange closes, which can trail the client's view by a tick.
    await until('five storage log entries for the upload', () => logFor(sandbox, create.body.id).length >= 5, {
      timeoutMs: 10_000,
      seen: () => logFor(sandbox, create.body.id),
    });
    expect(logFor(sandbox, create.body.id)).toEqual([
      { op: 'storage.putPart', fileId: create.body.id, partNumber: 1, status: 200 },
      { op: 'storage.putPart', fileId: create.body.id, partNumber: 2, status: 503 },
      { op: 'storage.putPart', fileId: create.body.id, partNumber: 2, status: 0 },
      { op: 'storage.putPart', fileId: create.body.id, partNumber: 2, status: 200 },
      { op: 'storage.get', fileId: create.body.id, status: 200 },
    ]);
    const times = sandbox
      .storageLog()
      .filter((e) => e.fileId === create.body.id)
      .map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(started);

    const single = await api(sandbox, 'POST', '/file/v1/files/upload', {
      token,
      body: { name: 'log-single.bin', mimeType: 'application/octet-stream' },
    });
    expect((await fetch(single.body.signedUrl, { method: 'PUT', body: new Uint8Array(randomBytes(1024)) })).status).toBe(200);
    await until('the single PUT in the storage log', () => logFor(sandbox, single.body.id).length > 0, { timeoutMs: 10_000 });
    expect(logFor(sandbox, single.body.id)).toEqual([{ op: 'storage.putObject', fileId: single.body.id, status: 200 }]);
    // A snapshot: later requests do not change an array already handed out.
    const snapshot = sandbox.storageLog();
    const length = snapshot.length;
    await putPart(links[0], parts[1]);
    expect(snapshot).toHaveLength(length);
    await until('one more storage log entry', () => sandbox.storageLog().length >= length + 1, {
      timeoutMs: 10_000,
      seen: () => sandbox.storageLog().length,
    });
    expect(sandbox.storageLog()).toHaveLength(length + 1);
    expect(sandbox.storageLog().at(-1)).toMatchObject({ op: 'storage.putPart', fileId: create.body.id, partNumber: 1, status: 404 });
    // Nothing in the log names the file: ids only (the names above never reach storage).
    expect(JSON.stringify(sandbox.storageLog())).not.toContain('log');
  });
}
