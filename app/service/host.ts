// What `service install | uninstall | status` does to the machine, behind one
// small interface: commands run (systemctl, launchctl, WinSW, useradd,
// icacls...), files written and removed, lines said to the person. The real
// host does it; --dry-run's host says it instead; the tests' fake records it.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServiceHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Root (Linux, macOS) or an elevated administrator (Windows). */
  isAdmin(): Promise<boolean>;
  /** Runs a program that changes the machine, without a shell; never throws for a non-zero exit (a missing program is code 127). */
  run(command: string, args: string[]): Promise<CommandResult>;
  /** Runs a program that only reads (getent, systemctl show, launchctl print...): --dry-run runs these too. */
  query(command: string, args: string[]): Promise<CommandResult>;
  exists(path: string): boolean;
  mkdir(path: string): void;
  writeFile(path: string, text: string, mode: number): void;
  copyFile(from: string, to: string): void;
  remove(path: string): void;
  say(line: string): void;
}

/** A problem the person can fix, said in one line (exit code 1). */
export class ServiceError extends Error {
  override name = 'ServiceError';
}

/** Runs (or queries) `command args`; fails with the command's own words when it exits non-zero. */
export async function must(host: ServiceHost, command: string, args: string[], how: 'run' | 'query' = 'run'): Promise<CommandResult> {
  const result = await host[how](command, args);
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    throw new ServiceError(`${command} ${args.join(' ')} failed (exit ${result.code})${said ? `: ${said}` : ''}`);
  }
  return result;
}

/** This machine. */
export function realHost(out: NodeJS.WritableStream = process.stdout): ServiceHost {
  return {
    platform: process.platform,
    env: process.env,
    async isAdmin() {
      if (process.platform !== 'win32') return process.getuid?.() === 0;
      // `net session` answers only to an elevated administrator.
      return (await this.query('net', ['session'])).code === 0;
    },
    run: execute,
    query: execute,
    exists: (path) => existsSync(path),
    mkdir: (path) => void mkdirSync(path, { recursive: true }),
    writeFile(path, text, mode) {
      writeFileSync(path, text, { mode });
      chmodSync(path, mode); // an existing file keeps its old mode otherwise
    },
    copyFile: (from, to) => copyFileSync(from, to),
    remove: (path) => rmSync(path, { force: true }),
    say: (line) => void out.write(`${line}\n`),
  };
}

function execute(command: string, args: string[]): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(command, args, { windowsHide: true, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) || (error && code === 127 ? error.message : '') });
    });
  });
}

/**
 * Says what would be done instead of doing it: files with their content,
 * commands as typed. Reads (exists, queries) are answered by `real`, so the
 * plan shown is the one an install would follow; it needs no root.
 */
export function dryRunHost(real: ServiceHost): ServiceHost {
  return {
    ...real,
    isAdmin: async () => true,
    async run(command, args) {
      real.say(`would run: ${[command, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
      return { code: 0, stdout: '', stderr: '' };
    },
    mkdir: (path) => real.say(`would create the folder ${path}`),
    writeFile: (path, text, mode) => real.say(`would write ${path} (mode ${mode.toString(8)}):\n${text}`),
    copyFile: (from, to) => real.say(`would copy ${from} to ${to}`),
    remove: (path) => real.say(`would remove ${path}`),
  };
}
