// The sandbox over a real S3 server (radosgw): the shared core scenarios
// (test/support/sandbox-scenarios.ts) with storage behaviour (ETags, expiry,
// undersized parts, assembly) that is radosgw's own, plus --proxy-storage.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { startSandbox } from '../../app/sandbox/index.ts';
import { describeWithS3 } from '../support/s3.ts';
import {
  api,
  download,
  md5Etag,
  MiB,
  putPart,
  registerCoreScenarios,
  registerStorageLogScenario,
  sha256,
  useSandbox,
} from '../support/sandbox-scenarios.ts';

describeWithS3('sandbox over S3 (radosgw)', (target) => {
  const bucket = `sandbox-s3-${randomUUID().slice(0, 8)}`;
  const session = useSandbox(() => startSandbox({ s3: { ...target, bucket } }));
  registerCoreScenarios(session, { name: 'S3', linkPrefix: () => `${new URL(target.endpoint).origin}/` });

  it('logs no storage requests without proxyStorage: links go straight to S3', () => {
    expect(session.sandbox.storageLog()).toEqual([]);
  });
});

describeWithS3('sandbox over S3 with --proxy-storage', (target) => {
  const bucket = `sandbox-proxy-${randomUUID().slice(0, 8)}`;
  const session = useSandbox(() => startSandbox({ s3: { ...target, bucket }, proxyStorage: true }));

  it('routes part PUTs through the sandbox, where faults, counters and corrupt ETags apply', async () => {
    const { sandbox, token } = session;
    const parts = [randomBytes(5 * MiB), randomBytes(512 * 1024)];
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'prox.bin', mimeType: 'application/octet-stream', parts: 2 },
    });
    const links = create.body.signedUrls.map((l: any) => l.signedUrl as string);
    expect(links[0].startsWith(`${sandbox.url}/_s3/`)).toBe(true);
    sandbox.faults.add({ op: 'storage.putPart', status: 503, code: 'SlowDown' });
    const refused = await putPart(links[0], parts[0] as Buffer);
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('SlowDown');
    sandbox.faults.add({ op: 'storage.putPart', drop: true });
    await expect(fetch(links[0], { method: 'PUT', body: parts[0] })).rejects.toThrow();
    sandbox.faults.add({ op: 'storage.putPart', corruptEtag: true });
    const corrupt = await putPart(links[1], parts[1] as Buffer);
    expect(corrupt.status).toBe(200);
    expect(corrupt.etag).not.toBe(md5Etag(parts[1] as Buffer));
    const etags = [];
    for (const [index, data] of parts.entries()) {
      const put = await putPart(links[index], data);
      expect(put.status).toBe(200);
      expect(put.etag).toBe(md5Etag(data));
      etags.push(put.etag);
    }
    expect(sandbox.calls('storage.putPart')).toBe(5);
    const done = await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
      token,
      body: { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) },
    });
    expect(done.status).toBe(200);
    expect(done.body.signedUrl.startsWith(`${sandbox.url}/_s3/`)).toBe(true);
    expect(sha256(await download(sandbox, token, create.body.id))).toBe(sha256(Buffer.concat(parts)));
    expect(sandbox.calls('storage.get')).toBe(1);
  });

  it('makes no storage call after a cancel when the client stops (counters prove it)', async () => {
    const { sandbox, token } = session;
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'n.bin', mimeType: 'application/octet-stream', parts: 1 },
    });
    const before = sandbox.calls('storage.putPart');
    await api(sandbox, 'DELETE', `/file/v1/files/upload/parts/${create.body.id}/cancel`, { token });
    expect(sandbox.calls('storage.putPart')).toBe(before);
    // A stray PUT after cancel is counted and refused by S3 (NoSuchUpload).
    expect((await putPart(create.body.signedUrls[0].signedUrl, randomBytes(10))).status).toBe(404);
    expect(sandbox.calls('storage.putPart')).toBe(before + 1);
  });

  it('slows and stalls proxied transfers', async () => {
    const { sandbox, token } = session;
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'd.bin', mimeType: 'application/octet-stream', parts: 1 },
    });
    sandbox.faults.add({ op: 'storage.putPart', delayMs: 400 });
    const started = Date.now();
    expect((await putPart(create.body.signedUrls[0].signedUrl, randomBytes(1024))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    sandbox.faults.add({ op: 'storage.putPart', stallAfterBytes: 1000 });
    await expect(
      fetch(create.body.signedUrls[0].signedUrl, { method: 'PUT', body: randomBytes(64 * 1024), signal: AbortSignal.timeout(800) }),
    ).rejects.toThrow();
    await api(sandbox, 'DELETE', `/file/v1/files/upload/parts/${create.body.id}/cancel`, { token });
  });

  registerStorageLogScenario(session);
});
