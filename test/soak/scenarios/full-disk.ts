// The data folder on a tiny volume that fills up (a tmpfs mounted there; root
// only): the engine must say so, keep running, lose nothing, and go on by
// itself once space is freed. `run --once` on the full volume must exit
// non-zero with a line that says what is wrong.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '../child-engine.ts';
import { writeExport, type ExportFile } from '../export-files.ts';
import { queueFiles } from '../queue-reader.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { holdsFor, until } from '../../support/wait.ts';
import { exactly, type SoakScenario } from '../types.ts';

/** Why a tmpfs cannot be mounted here, or undefined. */
export function mountRefused(dir: string): string | undefined {
  const probe = join(dir, 'mount-probe');
  mkdirSync(probe, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { encoding: 'utf8' });
  const refused = mounted.status === 0 ? undefined : `cannot mount a tmpfs here: ${mounted.stderr.trim() || 'not root'}`;
  if (!refused) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return refused;
}

/** Fills the volume holding `dir` until the OS says it is full. */
function fill(dir: string): string {
  const filler = join(dir, 'filler.bin');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

export const fullDisk: SoakScenario = {
  name: 'full-disk',
  describe: 'the data folder on a tiny volume that fills up, then space is freed',
  async run(ctx) {
    const refused = mountRefused(ctx.work);
    if (refused) throw new Error(refused);
    const world = await createSoakWorld(ctx);
    mkdirSync(world.dataDir, { recursive: true });
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', world.dataDir]);
    try {
      const inbox = world.folder('inbox');
      const files: ExportFile[] = [0, 1, 2].map((i) => writeExport(inbox, `first-${i}.edf`, 100_000 * (i + 1)));
      const config = world.writeConfig({ inbox: { path: inbox } });
      const engine = startEngine(config);
      let alive = 0;
      let resumed = 0;
      let onceClear = 0;
      try {
        await until('the first exports to be done', () => queueFiles(world.dataDir).filter((f) => f.state === 'done').length === 3, {
          timeoutMs: 60_000,
          seen: () => queueFiles(world.dataDir).map((f) => f.state),
        });
        const filler = fill(world.dataDir);
        ctx.say('data volume full; dropping new exports');
        for (let i = 0; i < 6; i++) files.push(writeExport(inbox, `later-${i}.edf`, 200_000 + i * 1_000_000));
        // The engine must live on while the disk stays full (counted, not thrown: the census says the rest).
        alive = await holdsFor(
          'the engine alive on a full data volume',
          ctx.scale === 'full' ? 30_000 : 10_000,
          () => engine.child.exitCode === null,
          {
            everyMs: 250,
          },
        ).then(
          () => 1,
          () => 0,
        );

        // A --once run beside it would be refused by the data-folder lock; give it its own world state instead:
        // the same config on the same full volume, after the watcher has stopped.
        engine.child.kill('SIGTERM');
        await engine.exited;
        const once = startEngine(config, { once: true });
        const timer = setTimeout(() => once.child.kill('SIGKILL'), 60_000);
        const exit = await once.exited;
        clearTimeout(timer);
        const out = once.output();
        onceClear = exit.code !== 0 && exit.code !== null && /disk|space|full/i.test(out) && !/\n\s+at /.test(out) ? 1 : 0;
        ctx.say(`--once on a full volume: exit ${exit.code}; ${out.trim().split('\n').slice(-2).join(' | ')}`);

        rmSync(filler);
        const again = startEngine(config);
        try {
          await until(
            'every export to be done after space was freed',
            () => queueFiles(world.dataDir).filter((f) => f.state === 'done').length === files.length,
            { timeoutMs: 120_000, seen: () => `after freeing space: ${JSON.stringify(queueFiles(world.dataDir).map((f) => f.state))}` },
          );
          resumed = 1;
        } catch (error) {
          ctx.say((error as Error).message);
        } finally {
          again.child.kill('SIGTERM');
          await again.exited;
        }
      } finally {
        engine.child.kill('SIGKILL');
        await engine.exited;
      }
      const census = await takeCensus(world);
      const inBiot = new Set(census.contentOf.values());
      const lost = files.filter((f) => !inBiot.has(f.sha256)).length;
      const name = 'data folder on a full volume';
      return [
        exactly(name, 'engine kept running while full', alive, 1),
        exactly(name, '--once exits non-zero with a clear line', onceClear, 1),
        exactly(name, 'resumed by itself once space was freed', resumed, 1),
        exactly(name, 'exports lost', lost, 0),
        exactly(name, 'duplicate BioT copies', census.duplicateCopies, 0),
      ];
    } finally {
      spawnSync('umount', ['-l', world.dataDir]);
      await world.dispose();
    }
  },
};
