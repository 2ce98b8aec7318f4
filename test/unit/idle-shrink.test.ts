// The heap is given back once the process is idle after growing (issue 20):
// the decision on a scripted process (RSS and CPU as numbers), then V8's
// real last-resort collection in a real Node process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHRINK_GROWTH_BYTES, shrinkHeapWhenIdle, type IdleShrink } from '../../app/common/idle-shrink.ts';
import { holdsFor, until } from '../support/wait.ts';

const MiB = 1024 * 1024;
const EVERY_MS = 20;

/** A process whose RSS and CPU the test sets; its collection brings RSS down to `afterCollect`. */
function scripted(start: { rss: number }) {
  const p = { rss: start.rss, cpuMicros: 0, busy: false, afterCollect: start.rss, collections: 0 };
  // Busy: a whole core between two checks; idle: nothing.
  const timer = setInterval(() => p.busy && (p.cpuMicros += EVERY_MS * 1000), EVERY_MS / 2);
  const deps = {
    rss: () => p.rss,
    cpuMicros: () => p.cpuMicros,
    collect: () => {
      p.collections++;
      p.rss = p.afterCollect;
    },
    everyMs: EVERY_MS,
  };
  return { p, deps, stop: () => clearInterval(timer) };
}

let shrink: IdleShrink | undefined;
let stopScript: (() => void) | undefined;
afterEach(() => {
  shrink?.dispose();
  stopScript?.();
});

describe('shrinkHeapWhenIdle', () => {
  it('collects once when idle after growing, and not again until it grows again', async () => {
    const { p, deps, stop } = scripted({ rss: 100 * MiB });
    stopScript = stop;
    shrink = shrinkHeapWhenIdle(deps);
    p.rss = 100 * MiB + SHRINK_GROWTH_BYTES + 50 * MiB; // a burst
    p.afterCollect = 110 * MiB; // some of it stays (native memory, live objects)
    await until('the first shrink', () => shrink!.shrinks === 1, 5_000, 10);
    expect(p.rss).toBe(110 * MiB);
    await holdsFor('no second shrink without new growth', 300, () => p.collections === 1);
    p.rss = 110 * MiB + SHRINK_GROWTH_BYTES + MiB; // the next burst, measured from what the last one left
    await until('the second shrink', () => shrink!.shrinks === 2, 5_000, 10);
  });

  it('waits while the process is busy, however much it grew', async () => {
    const { p, deps, stop } = scripted({ rss: 100 * MiB });
    stopScript = stop;
    p.busy = true;
    shrink = shrinkHeapWhenIdle(deps);
    p.rss = 400 * MiB;
    await holdsFor('no collection while busy', 300, () => p.collections === 0);
    p.busy = false;
    await until('the shrink once idle', () => shrink!.shrinks === 1, 5_000, 10);
  });

  it('leaves a process that did not grow alone', async () => {
    const { p, deps, stop } = scripted({ rss: 100 * MiB });
    stopScript = stop;
    shrink = shrinkHeapWhenIdle(deps);
    p.rss = 100 * MiB + SHRINK_GROWTH_BYTES - MiB;
    await holdsFor('no collection', 300, () => p.collections === 0);
    shrink.dispose();
    p.rss = 500 * MiB;
    await holdsFor('no collection once disposed', 200, () => p.collections === 0);
  });

  it("runs V8's last-resort collection in a real Node process idle after a burst of garbage", () => {
    const module = join(import.meta.dirname, '..', '..', 'app', 'common', 'idle-shrink.ts');
    const script = `
      import { shrinkHeapWhenIdle, processDeps } from ${JSON.stringify(module)};
      const shrink = shrinkHeapWhenIdle(processDeps(100));
      let keep = [];
      for (let i = 0; i < 600_000; i++) { keep.push({ path: 'export-' + i + '.dat', n: [i, i + 1] }); if (keep.length > 200_000) keep = []; }
      keep = [];
      const before = process.memoryUsage.rss();
      const deadline = Date.now() + 10_000;
      while (shrink.shrinks === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      console.log(JSON.stringify({ shrinks: shrink.shrinks, before, after: process.memoryUsage.rss() }));
      shrink.dispose();`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    const seen = JSON.parse(child.stdout) as { shrinks: number; before: number; after: number };
    expect(seen.shrinks).toBe(1);
    // What the collection gave back, not a limit: the pages the garbage took are no longer resident.
    expect(seen.after).toBeLessThan(seen.before);
  });
});
