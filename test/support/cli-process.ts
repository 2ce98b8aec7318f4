// Runs `device-uploader <command>` as its own process, the way a person does,
// reads what it prints, and stops it with Ctrl+C (SIGINT), waiting for the exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { until } from './wait.ts';

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Waits until the output matches `pattern`; returns the first capture group (or the whole match). */
  waitForOutput(pattern: RegExp, what: string, timeoutMs?: number): Promise<string>;
  /** SIGINT, then waits (bounded) for the exit; returns the exit code. Safe to call twice. */
  stop(): Promise<number | null>;
  /** Waits for the process to end by itself (a command that exits); returns the exit code. */
  exited(): Promise<number | null>;
}

/** Starts `node bin/device-uploader.js ...args` in `repo`. */
export function startCli(repo: string, args: string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(process.execPath, [join(repo, 'bin', 'device-uploader.js'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    output: () => text,
    async waitForOutput(pattern, what, timeoutMs = 30_000) {
      await until(what, () => pattern.test(text) || child.exitCode !== null, { timeoutMs, seen: () => text });
      const match = pattern.exec(text);
      if (!match) throw new Error(`the process exited (${child.exitCode}) before printing ${what}:\n${text}`);
      return match[1] ?? match[0];
    },
    exited: () => exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** GETs the window through the printed address: trades the token for the cookie, as a browser does, then loads `/`. */
export async function fetchWindow(address: string): Promise<{ status: number; type: string; body: string }> {
  const first = await fetch(address, { redirect: 'manual' });
  await first.arrayBuffer();
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await fetch(new URL('/', address), { headers: cookie ? { cookie } : {} });
  return { status: page.status, type: page.headers.get('content-type') ?? '', body: await page.text() };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr. */
  out: string;
}

/**
 * Runs `node bin/device-uploader.js ...args` to its end without blocking this
 * process (a sandbox answering it may live here); killed, and the promise
 * rejected with what it printed, after `timeoutMs`.
 */
export function runCli(args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv; root?: string; nodeArgs?: string[] } = {}): Promise<CliRun> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  // root: another copy of the repository (this checkout by default); nodeArgs: Node's own flags before the script.
  const bin = join(o.root ?? join(import.meta.dirname, '..', '..'), 'bin', 'device-uploader.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(o.nodeArgs ?? []), bin, ...args], { env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`device-uploader ${args.join(' ')} did not end within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, out: stdout + stderr });
    });
  });
}
