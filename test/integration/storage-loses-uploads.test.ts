// Issue 16: a misconfigured bucket lifecycle rule makes storage answer every
// part PUT with 404 NoSuchUpload. The engine used to create a new BioT upload
// about once a second for ever (26 in 45 s, each a cancelled BioT file). Now
// it waits longer before each fresh upload, and after three lost in a row the
// file stops in needs-attention with the reason; a person's Retry sends it.
// The sandbox over radosgw, storage proxied so the fault reaches part PUTs.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';

const MiB = 1024 * 1024;
/** The first wait before a fresh upload after a loss: longer than a first failure's plain backoff (1-2 s) plus a scheduler tick. */
const LOST_WAIT_MS = 4_000;

describeWithS3('storage keeps answering NoSuchUpload', (target) => {
  const t = worldPerTest(target, { proxyStorage: true });

  it('backs off between fresh uploads and stops in needs-attention after three lost in a row', async () => {
    const path = join(t.world.inbox, 'night.edf');
    const sha256 = writeRandomFile(path, 12 * MiB);
    t.world.sandbox.faults.add({ op: 'storage.putPart', status: 404, code: 'NoSuchUpload', times: Number.POSITIVE_INFINITY });
    t.engine = createEngine(t.world.config({ transfer: { partSizeMiB: 5, parallelParts: 1 } }), {
      transfer: { retryBaseMs: 20, retryMaxMs: 200, lostUploadRetryMs: LOST_WAIT_MS },
    });
    t.engine.start({ watch: false });
    const row = (await t.engine.enqueue(path))!;
    const state = () => t.engine!.store.fileById(row.id)!;
    await until('the file to need attention', () => state().state === 'needs-attention', {
      timeoutMs: 40_000,
      seen: () => [state().state, state().lastErrorCode, t.world.sandbox.calls('file.createMultipart')],
    });
    expect(state()).toMatchObject({ lastErrorCode: 'UPLOAD_LOST_REPEATEDLY' });
    expect(state().lastError).toMatch(/lost this file's upload 3 times in a row/);
    // Three BioT uploads, each cancelled at BioT once storage lost it; and no more come.
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(3);
    await holdsFor('no further BioT upload', 2_000, () => t.world.sandbox.calls('file.createMultipart') === 3);
    expect(t.world.sandbox.calls('file.cancel')).toBe(3);
    // The first lost upload is replaced at once (one loss is a rule that ran while the PC was off);
    // the next waits at least the lost-upload backoff.
    const lostAt = new Map<string, number>();
    for (const e of t.world.sandbox.storageLog()) if (e.op === 'storage.putPart' && !lostAt.has(e.fileId)) lostAt.set(e.fileId, e.at);
    const times = [...lostAt.values()];
    expect(times).toHaveLength(3);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(LOST_WAIT_MS);
    // Nothing is lost: once storage behaves, Retry sends the file whole.
    t.world.sandbox.faults.clear();
    await t.engine.retry({ fileId: row.id });
    await until('the file to be done', () => state().state === 'done', { timeoutMs: 30_000, seen: () => [state().state, state().lastErrorCode] });
    expect(await downloadedSha256(t.world.biot, state().biotFileId!)).toEqual({ sha256, size: 12 * MiB });
  }, 90_000);
});
