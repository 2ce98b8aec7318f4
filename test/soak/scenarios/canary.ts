// Patient data must never leave the queue's name columns: a canary string in
// the folder names, the file names and the password goes through failures of
// every kind (a refused login, BioT 5xx, network resets, a vanished file, a
// missing folder, a rewritten file, a crash), then everything the engine wrote
// or printed is searched for it: logs, stdout/stderr of non-terminal runs,
// `status` output, and a dump of the database without its name columns.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEngine, type EngineProcess } from '../child-engine.ts';
import { writeExport } from '../export-files.ts';
import { queueFiles } from '../queue-reader.ts';
import { createSoakWorld } from '../soak-world.ts';
import { until } from '../../support/wait.ts';
import { exactly, type SoakScenario } from '../types.ts';

const CANARY = 'Qz7Canary';
const MiB = 1024 * 1024;
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'device-uploader.js');
/** The columns that hold names and paths by design (shown to staff, never logged). */
const NAME_COLUMNS = new Set(['source_path', 'rel_path']);

export const canary: SoakScenario = {
  name: 'canary',
  describe: 'a canary in folder names, file names and the password, through failures of every kind',
  async run(ctx) {
    const password = `pw-${CANARY}-secret`;
    const world = await createSoakWorld(
      ctx,
      { storage: { seed: 5, resetRate: 0.1 }, api: { seed: 6, resetRate: 0.05 } },
      { credentials: { user: { password } } },
    );
    const transcript = join(world.root, 'transcript.txt');
    writeFileSync(transcript, '');
    try {
      const ward = world.folder(`ward-${CANARY}`);
      const files = [0, 3, 200_000, 6 * MiB, 12 * MiB].map((size, i) => writeExport(ward, `${CANARY}-patient-${i}.edf`, size));
      const missingFolder = join(world.root, `gone-${CANARY}`);
      const folders = { ward: { path: ward }, gone: { path: missingFolder } };

      // 1. A wrong password (with the canary in it): the login is refused.
      const wrongConfig = world.writeConfig(folders, {}, { password: `wrong-${CANARY}` });
      await runToEnd(startEngine(wrongConfig, { once: true, transcript }), 30_000);

      // 2. The right password, with BioT failing now and then and the network resetting.
      for (const op of ['file.createSingle', 'file.createMultipart', 'file.complete'] as const) world.sandbox.faults.add({ op, nth: 1, status: 503 });
      const config = world.writeConfig(folders);
      const engine = startEngine(config, { transcript });
      // A file that vanishes and one rewritten while queued.
      rmSync(files[1]!.path);
      writeExport(ward, `${CANARY}-patient-4.edf`, 12 * MiB + 1);
      await until(
        'four exports to be done',
        () => queueFiles(world.dataDir).filter((f) => f.state === 'done').length >= 4 || engine.child.exitCode !== null,
        { timeoutMs: 120_000, seen: () => `states ${JSON.stringify(queueFiles(world.dataDir).map((f) => f.state))}` },
      ).catch((error: Error) => ctx.say(error.message));
      // 3. A crash: kill -9, then a --once run to finish.
      engine.child.kill('SIGKILL');
      await engine.exited;
      await runToEnd(startEngine(config, { once: true, transcript }), 60_000);
      // 4. What an IT person pipes into a ticket.
      for (const args of [['status'], ['status', '--json']]) {
        const out = spawnSync(process.execPath, [bin, ...args, '--config', config], { encoding: 'utf8' });
        writeFileSync(transcript, `${out.stdout}${out.stderr}`, { flag: 'a' });
      }

      const hits = {
        logs: hitsInTree(join(world.dataDir), (name) => !name.startsWith('queue.db')),
        output: countIn(readFileSync(transcript, 'utf8')),
        database: hitsInDatabase(join(world.dataDir, 'queue.db')),
      };
      ctx.say(`canary hits: ${JSON.stringify(hits)}`);
      // The scan proves something only if the canary reached the engine: the name columns must hold it.
      if (hitsInDatabase(join(world.dataDir, 'queue.db'), true) === 0) throw new Error('the canary never reached the queue');
      const name = 'canary in names and password';
      return [
        exactly(name, 'hits in logs and other data-folder files', hits.logs, 0),
        exactly(name, 'hits in stdout/stderr of non-terminal runs (incl. status)', hits.output, 0),
        exactly(name, 'hits in a database dump without the name columns', hits.database, 0),
      ];
    } finally {
      await world.dispose();
    }
  },
};

async function runToEnd(engine: EngineProcess, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => engine.child.kill('SIGKILL'), timeoutMs);
  await engine.exited;
  clearTimeout(timer);
}

function countIn(text: string): number {
  return text.split(CANARY).length - 1;
}

/** Canary hits in every file under `dir` that `include` admits. */
function hitsInTree(dir: string, include: (name: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let hits = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) hits += hitsInTree(path, include);
    else if (include(entry)) hits += countIn(readFileSync(path, 'latin1'));
  }
  return hits;
}

/** Canary hits in every table's rows, the name columns left out (or, with onlyNames, only those). */
function hitsInDatabase(file: string, onlyNames = false): number {
  const db = new Database(file, { readonly: true });
  try {
    let hits = 0;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    for (const { name } of tables) {
      const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => NAME_COLUMNS.has(c) === onlyNames);
      if (!columns.length) continue;
      for (const row of db.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${name}"`).all()) hits += countIn(JSON.stringify(row));
    }
    return hits;
  } finally {
    db.close();
  }
}
