// The real BioT client against the sandbox (a local BioT-compatible service):
// login, refresh, service token, a token that expires mid-sequence, lock-out,
// a multipart upload whose parts undici PUTs to the signed links, attach and
// read back. Runs over the sandbox's disk store, and over real S3 when the
// run has one.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createBiotClient, type BiotClient, type TokenEvent } from '../../app/biot/index.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../app/sandbox/index.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/wait.ts';

const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

let sandbox: Sandbox | undefined;
let client: BiotClient | undefined;

afterEach(async () => {
  await client?.close();
  await sandbox?.close();
  client = undefined;
  sandbox = undefined;
});

async function setUp(
  kind: 'user' | 'service',
  options: SandboxOptions = {},
  extra: { now?: () => number; events?: TokenEvent[]; refreshMarginMs?: number } = {},
): Promise<{ sandbox: Sandbox; client: BiotClient }> {
  sandbox = await startSandbox({ port: 0, ...options });
  const { user, service } = sandbox.credentials;
  client = createBiotClient({
    baseUrl: sandbox.url,
    auth: kind === 'user' ? { type: 'user', ...user } : { type: 'service', ...service },
    timeoutMs: 10_000,
    ...(extra.refreshMarginMs !== undefined && { refreshMarginMs: extra.refreshMarginMs }),
    ...(extra.now && { now: extra.now }),
    ...(extra.events && { onTokenEvent: (e: TokenEvent) => extra.events!.push(e) }),
  });
  return { sandbox, client };
}

/** PUTs each part to its signed link with undici and returns the ETags. */
async function putParts(links: { signedUrl: string; partNumber: number }[], parts: Buffer[]) {
  const etags: { partNumber: number; etag: string }[] = [];
  for (const link of links) {
    const res = await request(link.signedUrl, { method: 'PUT', body: parts[link.partNumber - 1]! });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    const etag = res.headers.etag;
    expect(typeof etag).toBe('string');
    etags.push({ partNumber: link.partNumber, etag: etag as string });
  }
  return etags;
}

/** A two-part multipart upload through the client, attached to a device and read back. */
async function uploadAttachAndReadBack(c: BiotClient): Promise<void> {
  const parts = [randomBytes(5 * MiB), randomBytes(64 * 1024)];
  const whole = Buffer.concat(parts);
  const created = await c.files.createMultipart({ name: 'export.edf', mimeType: 'application/octet-stream', parts: 1 });
  expect(created.signedUrls.map((l) => l.partNumber)).toEqual([1]);
  // Ask for more links than the first count, as for a file whose size grows.
  const more = await c.files.partLinks(created.id, 2, 2);
  const etags = await putParts([...created.signedUrls, ...more.signedUrls], parts);
  for (const etag of etags) await c.files.saveEtags(created.id, [etag]);
  const done = await c.files.complete(created.id, etags);
  expect(done.id).toBe(created.id);

  const link = await c.files.downloadLink(created.id);
  const res = await request(link.signedUrl);
  const back = Buffer.from(await res.body.arrayBuffer());
  expect(res.statusCode).toBe(200);
  expect(sha256(back)).toBe(sha256(whole));

  const deviceId = `holter-${randomUUID()}`;
  const attached = await c.entities.attachFile({ entity: 'device', entityId: deviceId, attribute: 'holter_export', fileId: created.id });
  expect(attached._id).toBe(deviceId);
  const read = (await c.entities.getEntity('device', deviceId)) as Record<string, unknown>;
  expect((read.holter_export as { id: string }).id).toBe(created.id);
}

describe('client against the sandbox (disk store)', () => {
  it('user: login, multipart upload, attach and read back', async () => {
    const events: TokenEvent[] = [];
    const { client: c, sandbox: s } = await setUp('user', {}, { events });
    await uploadAttachAndReadBack(c);
    expect(s.calls('ums.login')).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['login']);
    expect(c.tokens.identity.userId).toEqual(expect.any(String));
  });

  it('service user: token from the secret, then the same upload', async () => {
    const { client: c, sandbox: s } = await setUp('service');
    await uploadAttachAndReadBack(c);
    expect(s.calls('ums.serviceToken')).toBe(1);
    expect(s.calls('ums.login')).toBe(0);
  });

  it('refreshes before expiry: short-lived tokens, no 401 along the way', async () => {
    // The client's clock is moved on instead of sleeping (a fake only for the
    // timing): 700 ms puts it past renewAt (1 s - 400 ms) while the sandbox,
    // on the real clock, still takes the token, so a 401 here would be a bug.
    let ahead = 0;
    const { client: c, sandbox: s } = await setUp('user', { tokenTtlSeconds: 1 }, { refreshMarginMs: 400, now: () => Date.now() + ahead });
    const created = await c.files.createMultipart({ name: 'a.bin', mimeType: 'application/octet-stream', parts: 1 });
    ahead = 700;
    await c.files.partLinks(created.id, 1, 1);
    expect(s.calls('ums.login')).toBe(1);
    expect(s.calls('ums.refresh')).toBe(1);
    await c.files.cancel(created.id);
  });

  it('a token that expires mid-sequence (client clock behind) is renewed and the call retried once', async () => {
    // 5 s behind: within the clock tolerance, so not corrected; the client
    // thinks the 1-second token is still fresh when the server has expired it.
    const behind = 5_000;
    const events: TokenEvent[] = [];
    const { client: c, sandbox: s } = await setUp('user', { tokenTtlSeconds: 1 }, { now: () => Date.now() - behind, events });
    const created = await c.files.createMultipart({ name: 'b.bin', mimeType: 'application/octet-stream', parts: 1 });
    // Wait for the sandbox's own expiry of the token the client holds (its
    // `expMs` claim, on the real clock); the client, 5 s behind, still trusts it.
    const held = await c.tokens.token();
    const expMs = (JSON.parse(Buffer.from(held.split('.')[1] ?? '', 'base64url').toString('utf8')) as { expMs: number }).expMs;
    expect(expMs - Date.now()).toBeLessThanOrEqual(1_000);
    await until('the sandbox to expire the 1-second token', () => Date.now() > expMs, { timeoutMs: 5_000, everyMs: 20 });
    const links = await c.files.partLinks(created.id, 1, 1);
    expect(links.id).toBe(created.id);
    expect(s.calls('file.partLinks')).toBe(2); // one 401 TOKEN_NOT_VALID, one retry
    expect(events.map((e) => e.kind)).toEqual(['login', 'refresh']);
    await c.files.cancel(created.id);
  });

  it('lock-out stops, fails fast, and reset() recovers after unlock', async () => {
    const { client: c, sandbox: s } = await setUp('user');
    s.lock('user');
    await expect(c.files.createSingle({ name: 'a', mimeType: 'b' })).rejects.toMatchObject({ code: 'USER_LOCKED', locked: true, retryable: false });
    await expect(c.files.createSingle({ name: 'a', mimeType: 'b' })).rejects.toMatchObject({ code: 'USER_LOCKED' });
    expect(s.calls('ums.login')).toBe(1);
    s.unlock('user');
    c.tokens.reset();
    await expect(c.files.createSingle({ name: 'a', mimeType: 'b' })).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('server faults arrive as typed errors with their traceId', async () => {
    const { client: c, sandbox: s } = await setUp('user');
    s.faults.add({ op: 'file.createMultipart', status: 504, code: 'GATEWAY_TIMEOUT' });
    const error = await c.files.createMultipart({ name: 'c', mimeType: 'd', parts: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 504, code: 'GATEWAY_TIMEOUT', retryable: true, operation: 'file.createMultipart' });
    expect((error as { traceId?: string }).traceId).toEqual(expect.any(String));
    await expect(c.files.complete(randomUUID())).rejects.toMatchObject({ status: 404, retryable: false });
  });
});

describeWithS3('client against the sandbox over S3', (target) => {
  it('multipart upload through real S3 links, attach and read back', async () => {
    const { client: c } = await setUp('user', { s3: { ...target, bucket: `biot-client-${Date.now()}` } });
    await uploadAttachAndReadBack(c);
  });
});
