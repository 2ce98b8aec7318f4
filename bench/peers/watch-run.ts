// Starts watch-child.ts under GNU time and lets the caller act once the
// watcher is ready (write a growing file, for instance).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sandbox } from '../../app/sandbox/index.ts';
import type { BenchContext } from '../context.ts';
import { haveGnuTime, lastJson, type Measured } from '../measure.ts';

const child = resolve(import.meta.dirname, 'watch-child.ts');
let seq = 0;

export interface WatchReport {
  readyAt: number;
  droppedAt: number;
  reachedAt: number;
  snapshotMs: number;
  filteredMs: number;
  rows: number;
  dbBytes: number;
  counts: Record<string, number>;
}

export interface WatchRunSpec {
  sandbox: Sandbox;
  inbox: string;
  count: number;
  until: 'queued' | 'done';
  drop?: { from: string; to: string };
  folder?: Record<string, unknown>;
  transfer?: Record<string, unknown>;
  timeoutMs: number;
  /** Runs once the watcher is ready; the child keeps waiting meanwhile. */
  whenReady?: () => Promise<void>;
}

export async function runWatching(ctx: BenchContext, spec: WatchRunSpec): Promise<Measured & { report: WatchReport }> {
  const dir = join(ctx.work, `watch-run-${seq++}`);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      server: { baseUrl: spec.sandbox.url, auth: { type: 'user', ...spec.sandbox.credentials.user } },
      folders: [{ id: 'bench', path: spec.inbox, quietSeconds: 0, ...spec.folder }],
      duplicates: 'upload',
      transfer: { ...spec.transfer },
    }),
  );
  const rusage = join(dir, 'rusage');
  // DU_BENCH_NODE_FLAGS (e.g. --cpu-prof) reaches the engine as in device-uploader.ts.
  const argv = [
    ...(process.env.DU_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    child,
    JSON.stringify({ config: configFile, count: spec.count, until: spec.until, drop: spec.drop, timeoutMs: spec.timeoutMs }),
  ];
  const [command, args] = haveGnuTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rusage, process.execPath, ...argv]] : [process.execPath, argv];
  const started = performance.now();
  const proc = spawn(command as string, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let readySeen: (() => void) | undefined;
  const ready = new Promise<void>((r) => (readySeen = r));
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('"ready"')) readySeen?.();
  });
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number>((done) => proc.on('close', (c) => done(c ?? -1)));
  await Promise.race([ready, closed]);
  await spec.whenReady?.();
  const code = await closed;
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`watching engine exited ${code}: ${(stderr || stdout).trim().split('\n').slice(-4).join(' | ')}`);
  const m: Measured & { report: WatchReport } = { wallMs, stdout, stderr, code, report: lastJson<WatchReport>(stdout) };
  if (existsSync(rusage)) {
    const [rss, user, sys] = (readFileSync(rusage, 'utf8').trim().split('\n').pop() ?? '').split(/\s+/).map(Number);
    if (Number.isFinite(rss)) m.peakRssKiB = rss;
    if (Number.isFinite(user) && Number.isFinite(sys)) m.cpuSec = (user as number) + (sys as number);
  }
  return m;
}
