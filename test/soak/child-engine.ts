// The engine as a clinic runs it: `device-uploader run` in its own process,
// with stdout and stderr kept (they are checked for patient data later) and
// real signals to kill, freeze and resume it.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'device-uploader.js');

export interface EngineProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export interface RunOptions {
  once?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Every byte the process prints is appended here too (for the canary scan). */
  transcript?: string;
}

/** Starts `run --config FILE` (and --once) as a child process. */
export function startEngine(configFile: string, options: RunOptions = {}): EngineProcess {
  const args = [bin, 'run', '--config', configFile, ...(options.once ? ['--once'] : [])];
  // The engine is this child itself (no wrapper process): a signal to it reaches the engine.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString('utf8');
    if (options.transcript) appendFileSync(options.transcript, d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => done({ code, signal }));
  });
  return { child, exited, output: () => out };
}

/** Kills the process with SIGKILL (if it still runs) and waits for it to be gone. */
export async function killHard(engine: EngineProcess): Promise<void> {
  if (engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill('SIGKILL');
  await engine.exited;
}
