// Issue 9, "double start": one file never has two runs, whatever the order of
// pause, resume, cancel, retry and settings changes. A cancel waits for BioT's
// answer (best effort, up to 10 s), and a retry that came meanwhile used to
// start a second run of the same file beside it.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Target } from '../../app/api.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { trackRuns } from '../support/run-tracker.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/watch-helpers.ts';
import { seededRandom } from '../support/seeded-random.ts';

const MiB = 1024 * 1024;

describeWithS3('scheduler: one run per file', (target) => {
  const t = worldPerTest(target);

  it('a retry while BioT answers the cancel slowly runs the file once, after the cancelled run ended', async () => {
    const sha256 = writeRandomFile(join(t.world.inbox, 'scan.dat'), 12 * MiB);
    const runs = trackRuns();
    // BioT takes 3 s to answer the cancel: the cancelled run is still live meanwhile.
    t.world.sandbox.faults.add({ op: 'file.cancel', delayMs: 3_000 });
    // 2 MiB/s keeps the first run in flight long enough to cancel it mid-way.
    t.engine = createEngine(t.world.config({ transfer: { maxBytesPerSecond: 2 * MiB } }), { logger: runs.logger });
    t.engine.start({ watch: false });
    const row = (await t.engine.enqueue(join(t.world.inbox, 'scan.dat')))!;
    await until('the first run to have an open upload', () => t.engine!.store.uploadsFor(row.id).some((u) => u.state === 'open'));

    const cancelling = t.engine.cancel({ fileId: row.id });
    await until('the row to be cancelled', () => t.engine!.store.fileById(row.id)!.state === 'cancelled');
    await until('BioT to be asked to cancel', () => t.world.sandbox.calls('file.cancel') === 1);
    await t.engine.retry({ fileId: row.id });
    // The cancelled run is still waiting for BioT: the retried row must wait too.
    expect(runs.running()).toEqual([row.id]);
    expect(t.engine.store.fileById(row.id)!.state).toBe('queued');
    await cancelling;

    t.engine.reconfigure(t.world.config({ transfer: { maxBytesPerSecond: 0 } }));
    await until('the retried file to be done', () => t.engine!.store.fileById(row.id)!.state === 'done');
    expect(runs.overlaps).toEqual([]);
    expect(runs.starts.get(row.id)).toBe(2);
    const done = t.engine.store.fileById(row.id)!;
    expect(await downloadedSha256(t.world.biot, done.biotFileId!)).toEqual({ sha256, size: 12 * MiB });
    // Every run was known to the scheduler, so close() waits for all of them and closes the database last.
    await expect(t.engine.close()).resolves.toBeUndefined();
    t.engine = undefined;
  }, 60_000);

  it('random orders of pause, resume, cancel, retry and settings changes never give a file two runs', async () => {
    const runs = trackRuns();
    // Slow cancels and creates widen the windows in which commands cross a run's end.
    t.world.sandbox.faults.add({ op: 'file.cancel', delayMs: 400, times: Infinity });
    t.world.sandbox.faults.add({ op: 'file.createMultipart', delayMs: 150, times: Infinity });
    t.world.sandbox.faults.add({ op: 'file.createSingle', delayMs: 150, times: Infinity });
    const sizes = [6 * MiB, 7 * MiB, 64 * 1024, 200 * 1024, 11 * MiB];
    const names = sizes.map((size, i) => {
      writeRandomFile(join(t.world.inbox, `f${i}.dat`), size);
      return `f${i}.dat`;
    });
    const slow = { maxBytesPerSecond: 4 * MiB, parallelFiles: 3 };
    t.engine = createEngine(t.world.config({ transfer: slow }), { logger: runs.logger });
    t.engine.start({ watch: false });
    const ids: number[] = [];
    for (const name of names) ids.push((await t.engine.enqueue(join(t.world.inbox, name)))!.id);

    const seed = Number(process.env.DU_ORDER_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const engine = t.engine;
    const commands: ((target: Target) => Promise<unknown>)[] = [
      (x) => engine.pause(x),
      (x) => engine.resume(x),
      (x) => engine.cancel(x),
      (x) => engine.retry(x),
      async () => engine.reconfigure(t.world.config({ transfer: random() < 0.5 ? slow : { ...slow, maxBytesPerSecond: 8 * MiB } })),
    ];
    const inFlight: Promise<unknown>[] = [];
    for (let step = 0; step < 100; step++) {
      const target: Target = random() < 0.15 ? { all: true } : { fileId: pick(ids) };
      // Like a person clicking in the window: commands are not waited for, and some are refused (a done row cannot be paused).
      inFlight.push(pick(commands)(target).catch(() => undefined));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 120)));
    }
    await Promise.all(inFlight);
    await engine.resume({ all: true });
    await engine.retry({ all: true });
    for (const id of ids) {
      const state = engine.store.fileById(id)!.state;
      if (state === 'cancelled' || state === 'paused') await (state === 'paused' ? engine.resume({ fileId: id }) : engine.retry({ fileId: id }));
    }
    engine.reconfigure(t.world.config({ transfer: { parallelFiles: 3 } }));
    await until(`every file done (seed ${seed})`, () => ids.every((id) => engine.store.fileById(id)!.state === 'done'), 60_000);
    expect(runs.overlaps, `seed ${seed}`).toEqual([]);
    await expect(engine.close()).resolves.toBeUndefined();
    t.engine = undefined;
  }, 120_000);
});
