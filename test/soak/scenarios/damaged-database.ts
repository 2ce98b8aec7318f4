// queue.db damaged while the PC was off (truncated by a failing disk, or a
// page overwritten): the engine must refuse to start with a clear line naming
// the file and what to do, and after that recovery nothing may be uploaded a
// second time.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '../child-engine.ts';
import { writeExport } from '../export-files.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { exactly, type Figure, type SoakScenario } from '../types.ts';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'device-uploader.js');
const PAGE = 4096;

const damages: Record<string, (file: string) => void> = {
  truncated: (file) => truncateSync(file, Math.floor(statSync(file).size / 2 / PAGE) * PAGE + 100),
  'page overwritten': (file) => {
    const fd = openSync(file, 'r+');
    try {
      // Page 2 onwards holds the tables; garbage there is what a bad sector looks like.
      writeSync(fd, Buffer.alloc(PAGE, 0xa5), 0, PAGE, PAGE);
    } finally {
      closeSync(fd);
    }
  },
};

async function once(config: string): Promise<{ code: number | null; out: string }> {
  const run = startEngine(config, { once: true });
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
  const { code } = await run.exited;
  clearTimeout(timer);
  return { code, out: run.output() };
}

export const damagedDatabase: SoakScenario = {
  name: 'damaged-db',
  describe: 'queue.db truncated or a page overwritten before start-up',
  async run(ctx) {
    const figures: Figure[] = [];
    for (const [kind, damage] of Object.entries(damages)) {
      const world = await createSoakWorld(ctx);
      try {
        const inbox = world.folder('inbox');
        for (let i = 0; i < 40; i++) writeExport(inbox, `study-${i}.edf`, 20_000 + i * 3_000);
        const config = world.writeConfig({ inbox: { path: inbox } });
        const first = await once(config);
        if (first.code !== 0) throw new Error(`the first run failed: ${first.out}`);
        const db = join(world.dataDir, 'queue.db');
        for (const suffix of ['-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
        damage(db);
        const refused = await once(config);
        const clear = refused.code !== 0 && refused.out.includes(db) && /repair/i.test(refused.out) && !/\n\s+at /.test(refused.out);
        ctx.say(`${kind}: exit ${refused.code}: ${refused.out.trim().split('\n').slice(-3).join(' | ')}`);
        // The recovery the message names, then a normal run.
        const repair = spawnSync(process.execPath, [bin, 'repair', '--config', config], { encoding: 'utf8' });
        ctx.say(`${kind}: repair exit ${repair.status}: ${(repair.stdout + repair.stderr).trim().split('\n').slice(-2).join(' | ')}`);
        const after = await once(config);
        const census = await takeCensus(world);
        const name = `queue.db ${kind}`;
        figures.push(
          exactly(name, 'refused with a clear line naming the file and what to do', clear ? 1 : 0, 1),
          exactly(name, 'recovered (repair, then a clean run)', repair.status === 0 && after.code === 0 ? 1 : 0, 1),
          exactly(name, 'exports uploaded twice after recovery', census.duplicateCopies, 0),
        );
      } finally {
        await world.dispose();
      }
    }
    return figures;
  },
};
