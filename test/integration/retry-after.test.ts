// Issue 16: a loaded BioT or storage answers 429 / 503 with Retry-After. The
// engine used to ask again after its own backoff (a create 2 s later, part
// links 0.07 s later) when told to wait 20 s, and the other files went on
// knocking. Now the host is left alone for as long as it asked, by every file
// aimed at it. The sandbox over radosgw, storage proxied so faults reach part
// PUTs; the sandbox records when each call arrived.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import type { FileRow } from '../../app/store/types.ts';
import { writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/wait.ts';

const MiB = 1024 * 1024;
const WAIT_S = 3;

describeWithS3('Retry-After', (target) => {
  const t = worldPerTest(target, { proxyStorage: true });

  function start(): Engine {
    t.engine = createEngine(t.world.config({ transfer: { partSizeMiB: 5, parallelParts: 1, parallelFiles: 2 } }), {
      transfer: { retryBaseMs: 20, retryMaxMs: 200 },
    });
    t.engine.start({ watch: false });
    return t.engine;
  }
  const enqueue = async (engine: Engine, name: string, size: number): Promise<FileRow> => {
    const path = join(t.world.inbox, name);
    writeRandomFile(path, size);
    return (await engine.enqueue(path))!;
  };
  const allDone = (engine: Engine, rows: FileRow[]) => rows.every((r) => engine.store.fileById(r.id)!.state === 'done');

  it('leaves BioT alone for as long as a 429 asked, for every file', async () => {
    t.world.sandbox.faults.add({ op: 'file.createSingle', status: 429, retryAfterSeconds: WAIT_S });
    const engine = start();
    const a = await enqueue(engine, 'a.pdf', 100 * 1024);
    await until('a.pdf to be told to wait', () => engine.store.fileById(a.id)!.state === 'failed', { everyMs: 20 });
    // Another file, queued while BioT's wait runs: it must keep that wait too.
    const b = await enqueue(engine, 'b.pdf', 100 * 1024);
    await until('both to be done', () => allDone(engine, [a, b]), { seen: () => engine.store.listFiles().files.map((f) => f.state) });
    const [refused, ...later] = t.world.sandbox.callTimes('file.createSingle');
    expect(later).toHaveLength(2);
    for (const at of later) expect(at - refused!).toBeGreaterThanOrEqual(WAIT_S * 1000);
  }, 60_000);

  it('leaves storage alone for as long as a 503 on a part PUT asked, for every file', async () => {
    t.world.sandbox.faults.add({ op: 'storage.putPart', status: 503, retryAfterSeconds: WAIT_S });
    const engine = start();
    const a = await enqueue(engine, 'a.edf', 12 * MiB);
    const refusal = () => t.world.sandbox.storageLog().find((e) => e.op === 'storage.putPart' && e.status === 503);
    await until('a part to be refused', () => refusal() !== undefined, { everyMs: 20 });
    const b = await enqueue(engine, 'b.edf', 12 * MiB);
    await until('both to be done', () => allDone(engine, [a, b]), { seen: () => engine.store.listFiles().files.map((f) => f.state) });
    const puts = t.world.sandbox.storageLog().filter((e) => e.op === 'storage.putPart');
    const at = refusal()!.at;
    const after = puts.slice(puts.findIndex((e) => e.status === 503) + 1);
    // Every part PUT after the refusal, of either file, ended after the wait it asked for.
    expect(after.length).toBeGreaterThanOrEqual(6);
    for (const put of after) expect(put.at - at).toBeGreaterThanOrEqual(WAIT_S * 1000);
  }, 60_000);
});
