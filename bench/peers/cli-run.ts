// Device Uploader as a person starts it: `device-uploader run --config FILE
// [--once]` through bin/device-uploader.js (which runs the bundle `npm install`
// built, or the sources), its own process measured from outside: wall time,
// GNU time's peak RSS and CPU, and /proc's VmRSS / VmHWM sampled while it
// runs. No harness inside the process: what it prints and its queue database
// (read from here, read-only) are all the bench learns.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { measure, toolPid, type Measured } from '../measure.ts';
import { sampleMemory, type MemoryTrace } from '../proc-memory.ts';

export const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

export interface CliConfig {
  /** Where config.json and the data folder go. */
  dir: string;
  baseUrl: string;
  credentials: { username: string; password: string };
  folder: Record<string, unknown> & { path: string };
  /** Only what the run sets on purpose; the rest stays at the defaults a user gets. */
  transfer?: Record<string, number>;
  duplicates?: 'skip' | 'upload';
}

/** Writes the run's config.json; answers its path and the data folder. */
export function writeCliConfig(spec: CliConfig): { file: string; dataDir: string } {
  mkdirSync(spec.dir, { recursive: true });
  const dataDir = join(spec.dir, 'data');
  const file = join(spec.dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir,
      server: { baseUrl: spec.baseUrl, auth: { type: 'user', ...spec.credentials } },
      folders: [{ id: 'bench', quietSeconds: 0, ...spec.folder }],
      ...(spec.duplicates && { duplicates: spec.duplicates }),
      ...(spec.transfer && { transfer: spec.transfer }),
    }),
  );
  return { file, dataDir };
}

export interface CliRunSpec {
  config: string;
  once: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /**
   * Watch mode: runs while the engine does; once it resolves the engine is
   * stopped with Ctrl+C (SIGINT), as a person stops it. `exited()` says
   * whether it ended by itself meanwhile (a failure: stop waiting); `at()` is
   * the time on the memory trace's clock (ms since sampling began).
   */
  whileRunning?: (process: { exited(): boolean; at(): number }) => Promise<void>;
}

export interface CliRun extends Measured {
  memory: MemoryTrace;
}

/** Runs `device-uploader run` once and measures it; throws with its own words when it failed. */
export async function runCli(spec: CliRunSpec): Promise<CliRun> {
  let spawned: number | undefined;
  let exited = false;
  const pid = () => (spawned === undefined ? undefined : toolPid(spawned));
  const sampler = sampleMemory(pid);
  const flags = process.env.DU_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const measuring = measure({
    command: process.execPath,
    args: [...flags, BIN, 'run', '--config', spec.config, ...(spec.once ? ['--once'] : [])],
    env: spec.env ?? process.env,
    timeoutMs: spec.timeoutMs,
    started: (p) => (spawned = p),
  }).finally(() => (exited = true));
  if (spec.whileRunning) {
    try {
      await spec.whileRunning({ exited: () => exited, at: () => performance.now() - sampler.trace.startedAt });
    } finally {
      const p = pid();
      if (p !== undefined && !exited) process.kill(p, 'SIGINT');
    }
  }
  const m = await measuring;
  const memory = sampler.stop();
  // Ctrl+C ends a watching run with 130, as it does for a person.
  const expected = spec.once ? 0 : 130;
  if (m.code !== expected)
    throw new Error(`device-uploader run exited ${m.code}: ${(m.stderr || m.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  return { ...m, memory };
}

/** Rows per state in the run's queue, read from outside (read-only; the engine keeps writing). */
export function queueCounts(dataDir: string): Record<string, number> {
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, 'queue.db'), { readonly: true, fileMustExist: true });
  } catch {
    return {};
  }
  try {
    db.pragma('busy_timeout = 2000');
    const rows = db.prepare('SELECT state, count(*) AS n FROM files GROUP BY state').all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  } catch {
    return {}; // not created yet
  } finally {
    db.close();
  }
}

/** `done N` from the summary `run --once` prints. */
export function doneCount(stdout: string): number {
  return Number(/^done (\d+),/m.exec(stdout)?.[1] ?? NaN);
}
