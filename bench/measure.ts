// Runs one tool as a child process and measures it from outside: wall time
// (spawn to exit), peak RSS and CPU seconds via GNU time's rusage, so every
// tool, Node or not, is measured the same way and the bench's own process
// (which hosts the sandbox) is never counted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childOf } from './proc-memory.ts';

export interface Measured {
  wallMs: number;
  /** Peak resident set size, KiB (undefined without /usr/bin/time). */
  peakRssKiB?: number;
  /** User + system CPU seconds. */
  cpuSec?: number;
  stdout: string;
  stderr: string;
  code: number;
}

const gnuTime = '/usr/bin/time';
export const haveGnuTime = existsSync(gnuTime);

export interface RunSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill after this long (ms). */
  timeoutMs?: number;
  /** Told the spawned process's id (GNU time's when it is used; the tool is its child, see toolPid). */
  started?: (pid: number) => void;
}

export async function measure(spec: RunSpec): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'du-bench-time-'));
  const out = join(dir, 'rusage');
  const [command, args] = haveGnuTime ? [gnuTime, ['-f', '%M %U %S', '-o', out, spec.command, ...spec.args]] : [spec.command, spec.args];
  const started = performance.now();
  const child = spawn(command, args, { env: spec.env ?? process.env, cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (child.pid !== undefined) spec.started?.(child.pid);
  const timer = spec.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs) : undefined;
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  const result: Measured = { wallMs, stdout, stderr, code };
  if (haveGnuTime && existsSync(out)) {
    // The file may start with "Command exited with non-zero status N".
    const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
    const [rss, user, sys] = last.split(/\s+/).map(Number);
    if (Number.isFinite(rss)) result.peakRssKiB = rss;
    if (Number.isFinite(user) && Number.isFinite(sys)) result.cpuSec = (user as number) + (sys as number);
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** The tool's own process id under `pid` (GNU time's child, or pid itself without GNU time); undefined until it started. */
export function toolPid(pid: number): number | undefined {
  return haveGnuTime ? childOf(pid) : pid;
}

/** Throws with the tool's own words when it failed. */
export function mustSucceed(name: string, m: Measured): Measured {
  if (m.code !== 0) throw new Error(`${name} exited ${m.code}: ${(m.stderr || m.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  return m;
}

/** The last line of stdout that parses as JSON (the child runners' report). */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not the report line
    }
  }
  throw new Error(`no JSON report in output: ${stdout.slice(-300)}`);
}
