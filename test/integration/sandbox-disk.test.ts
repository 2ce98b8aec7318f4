// The sandbox with its embedded disk store (no S3 server needed): the shared
// core scenarios (test/support/sandbox-scenarios.ts), plus the disk store's
// own link signing, storage faults, the storage log and restart persistence.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../app/sandbox/index.ts';
import {
  api,
  download,
  expectBiotError,
  login,
  md5Etag,
  MiB,
  putPart,
  registerCoreScenarios,
  registerStorageLogScenario,
  sha256,
  useSandbox,
} from '../support/sandbox-scenarios.ts';

describe('sandbox with the embedded disk store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'du-sandbox-disk-'));
  const session = useSandbox(
    () => startSandbox({ dataDir }),
    () => rmSync(dataDir, { recursive: true, force: true }),
  );
  registerCoreScenarios(session, { name: 'the disk store', linkPrefix: (sandbox) => `${sandbox.url}/_storage/` });

  it('refuses a tampered link with 403 and an S3-style XML body', async () => {
    const { sandbox, token } = session;
    const single = await api(sandbox, 'POST', '/file/v1/files/upload', { token, body: { name: 't.bin', mimeType: 'application/octet-stream' } });
    const tampered = single.body.signedUrl.replace(/X-Sandbox-Expires=(\d+)/, (_: string, n: string) => `X-Sandbox-Expires=${Number(n) + 1000}`);
    const res = await putPart(tampered, randomBytes(16));
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/<Error><Code>SignatureDoesNotMatch<\/Code>/);
    const wrongMethod = await fetch(single.body.signedUrl);
    expect(wrongMethod.status).toBe(403);
  });

  it('applies storage faults to part PUTs: a 503, a dropped connection, a corrupt ETag, a stall; counters see each', async () => {
    const { sandbox, token } = session;
    const data = randomBytes(256 * 1024);
    const md5 = md5Etag(data);
    const create = await api(sandbox, 'POST', '/file/v1/files/upload/parts', {
      token,
      body: { name: 'sf.bin', mimeType: 'application/octet-stream', parts: 1 },
    });
    const link = create.body.signedUrls[0].signedUrl;
    const before = sandbox.calls('storage.putPart');
    sandbox.faults.add({ op: 'storage.putPart', status: 503, code: 'SlowDown' });
    const refused = await putPart(link, data);
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('SlowDown');
    sandbox.faults.add({ op: 'storage.putPart', drop: true });
    await expect(fetch(link, { method: 'PUT', body: new Uint8Array(data) })).rejects.toThrow();
    sandbox.faults.add({ op: 'storage.putPart', corruptEtag: true });
    expect((await putPart(link, data)).etag).not.toBe(md5);
    sandbox.faults.add({ op: 'storage.putPart', stallAfterBytes: 1000 });
    await expect(fetch(link, { method: 'PUT', body: new Uint8Array(data), signal: AbortSignal.timeout(800) })).rejects.toThrow();
    const good = await putPart(link, data);
    expect(good.etag).toBe(md5);
    expect(sandbox.calls('storage.putPart')).toBe(before + 5);
    sandbox.faults.add({ op: 'file.complete', delayMs: 300 });
    const started = Date.now();
    expect(
      (
        await api(sandbox, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
          token,
          body: { parts: [{ partNumber: 1, etag: good.etag }] },
        })
      ).status,
    ).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    sandbox.faults.add({ op: 'file.download', nth: 1, times: Infinity, status: 504, code: 'GATEWAY_TIMEOUT' });
    for (let i = 0; i < 3; i++)
      expectBiotError((await api(sandbox, 'GET', `/file/v1/files/${create.body.id}/download`, { token })).body, 'GATEWAY_TIMEOUT');
    sandbox.faults.clear();
    expect(sha256(await download(sandbox, token, create.body.id))).toBe(sha256(data));
  });

  it('keeps uploads in progress across a restart on the same data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'du-sandbox-restart-'));
    try {
      const first = await startSandbox({ dataDir: dir });
      const firstToken = await login(first);
      const create = await api(first, 'POST', '/file/v1/files/upload/parts', {
        token: firstToken,
        body: { name: 'r.bin', mimeType: 'application/octet-stream', parts: 2 },
      });
      const part1 = randomBytes(5 * MiB);
      const put1 = await putPart(create.body.signedUrls[0].signedUrl, part1);
      await api(first, 'PUT', `/file/v1/files/upload/parts/${create.body.id}`, {
        token: firstToken,
        body: { parts: [{ partNumber: 1, etag: put1.etag }] },
      });
      await first.close();

      const second = await startSandbox({ dataDir: dir });
      try {
        const secondToken = await login(second);
        const links = await api(second, 'POST', `/file/v1/files/upload/parts/${create.body.id}`, {
          token: secondToken,
          body: { fromPart: 2, toPart: 2 },
        });
        expect(links.status).toBe(200);
        const part2 = randomBytes(1000);
        const put2 = await putPart(links.body.signedUrls[0].signedUrl, part2);
        // Part 1's ETag was saved before the restart; only part 2's goes with complete.
        const done = await api(second, 'POST', `/file/v1/files/upload/parts/${create.body.id}/complete`, {
          token: secondToken,
          body: { parts: [{ partNumber: 2, etag: put2.etag }] },
        });
        expect(done.status).toBe(200);
        expect(sha256(await download(second, secondToken, create.body.id))).toBe(sha256(Buffer.concat([part1, part2])));
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  registerStorageLogScenario(session);
});
