// The transfer layer's review fixes, end to end against the sandbox over
// radosgw with storage proxied: a source that vanishes or turns unreadable
// between parts, a low bandwidth limit with a short stall timer, and BioT's
// partLinks failing while windows of links are re-fetched.
import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import type { Logger } from '../../app/common/logger.ts';
import { createWorld, downloadedSha256, writeRandomFile, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/wait.ts';
import { whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
const quickRetries = { retryBaseMs: 20, retryMaxMs: 200 };

describeWithS3('transfer layer under faults', (target) => {
  let world: World;
  let engine: Engine | undefined;
  let logged: { event: string; facts: Record<string, unknown> }[];
  const logger: Logger = { log: (_level, event, facts) => void logged.push({ event, facts: { ...facts } }) };

  beforeEach(async () => {
    logged = [];
    world = await createWorld(target, { proxyStorage: true });
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await world.dispose();
  });

  async function uploadOne(name: string, size: number, transfer: Record<string, unknown> = {}, tuning = {}) {
    const path = join(world.inbox, name);
    const sha256 = writeRandomFile(path, size);
    engine = createEngine(world.config({ transfer }), { logger, transfer: { ...quickRetries, ...tuning } });
    engine.start({ watch: false });
    const row = (await engine.enqueue(path))!;
    return { row, sha256, path };
  }

  async function untilBytesDone(fileId: number, bytes: number): Promise<void> {
    const done = () => engine!.store.fileById(fileId)?.bytesDone ?? 0;
    await until(`${bytes} bytes sent`, () => done() >= bytes, {
      everyMs: 20,
      seen: () => ({ bytesDone: done(), state: engine!.store.fileById(fileId)?.state }),
    });
  }

  it('survives a source deleted between parts: the row ends missing', async () => {
    // One part at a time, slowly: parts 3 and 4 are opened after the file is gone.
    const { row, path } = await uploadOne('vanishing.dat', 20 * MiB, { parallelParts: 1, maxBytesPerSecond: 4 * MiB });
    await untilBytesDone(row.id, 5 * MiB);
    unlinkSync(path);
    await whenSettled(engine!, { maxAttempts: 1 });
    expect(engine!.store.fileById(row.id)!.state).toBe('missing');
    expect(world.sandbox.calls('file.complete')).toBe(0);
    expect(engine!.store.uploadsFor(row.id).map((u) => u.state)).toEqual(['abandoned']);
  }, 60_000);

  it('survives a source replaced by something unreadable (a folder) between parts', async () => {
    const { row, path } = await uploadOne('turned-folder.dat', 20 * MiB, { parallelParts: 1, maxBytesPerSecond: 4 * MiB });
    await untilBytesDone(row.id, 5 * MiB);
    unlinkSync(path);
    mkdirSync(path);
    await whenSettled(engine!, { maxAttempts: 2 });
    const settled = engine!.store.fileById(row.id)!;
    // The read error (EISDIR) ends the run, the next one finds a folder: a person must look.
    expect(settled).toMatchObject({ state: 'needs-attention', lastErrorCode: 'NOT_A_FILE' });
    expect(world.sandbox.calls('file.complete')).toBe(0);
  }, 60_000);

  it('does not stall at a low bandwidth limit: 512 KiB/s, 4 parts of 5 MiB, stallSeconds 2', async () => {
    const { row, sha256 } = await uploadOne('slow.dat', 20 * MiB, {
      maxBytesPerSecond: 512 * 1024,
      stallSeconds: 2,
      partSizeMiB: 5,
      parallelParts: 4,
    });
    await whenSettled(engine!, { maxAttempts: 1 });
    const done = engine!.store.fileById(row.id)!;
    expect(done).toMatchObject({ state: 'done', attempts: 0, lastError: null });
    expect(logged.filter((l) => l.event === 'part-retry').map((l) => l.facts['code'])).toEqual([]);
    expect(world.sandbox.calls('storage.putPart')).toBe(4); // each part sent once
    expect(await downloadedSha256(world.biot, done.biotFileId!)).toEqual({ sha256, size: 20 * MiB });
  }, 90_000);

  it('completes when partLinks answers 500 twice while short-lived links are re-fetched', async () => {
    world.sandbox.setLinkTtl(3);
    world.sandbox.faults.add({ op: 'file.partLinks', status: 500, times: 2 });
    // 6 parts at 8 MiB/s: ~4 s, longer than a link lives; windows of 2 links.
    const { row, sha256 } = await uploadOne('links.dat', 30 * MiB, { maxBytesPerSecond: 8 * MiB, parallelParts: 2 }, { linkWindow: 2 });
    await whenSettled(engine!, { maxAttempts: 1 });
    const done = engine!.store.fileById(row.id)!;
    expect(done).toMatchObject({ state: 'done', attempts: 0, lastError: null });
    expect(world.sandbox.calls('file.partLinks')).toBeGreaterThanOrEqual(4); // 2 refused + at least 2 windows
    expect(logged.some((l) => l.event === 'part-retry' && String(l.facts['code']).startsWith('LINKS_'))).toBe(true);
    expect(await downloadedSha256(world.biot, done.biotFileId!)).toEqual({ sha256, size: 30 * MiB });
  }, 60_000);
});
