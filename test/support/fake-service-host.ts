// A machine for the service command's logic: it records every command run and
// every file written or removed, and answers queries from a script, so each
// OS's install, uninstall and status is tested here without touching systemd,
// launchd or the Windows service manager.
import type { CommandResult, ServiceHost } from '../../app/service/host.ts';

export interface FakeMachine extends ServiceHost {
  /** What was done, in order: `run: cmd args`, `write: path`, `mkdir: path`, `copy: a -> b`, `remove: path`. */
  actions: string[];
  files: Map<string, { text: string; mode: number }>;
  said: string[];
}

export interface FakeScript {
  platform: NodeJS.Platform;
  admin?: boolean;
  /** Paths that exist before the command runs. */
  existing?: string[];
  /** Answers by command line prefix (`getent passwd device-uploader`); anything else answers code 0, no output. */
  answers?: Record<string, Partial<CommandResult>>;
  env?: NodeJS.ProcessEnv;
}

export function fakeMachine(script: FakeScript): FakeMachine {
  const existing = new Set(script.existing ?? []);
  const actions: string[] = [];
  const files = new Map<string, { text: string; mode: number }>();
  const said: string[] = [];
  const answer = (command: string, args: string[]): CommandResult => {
    const line = [command, ...args].join(' ');
    const key = Object.keys(script.answers ?? {})
      .filter((k) => line.startsWith(k))
      .sort((a, b) => b.length - a.length)[0];
    return { code: 0, stdout: '', stderr: '', ...(key !== undefined && script.answers![key]) };
  };
  return {
    platform: script.platform,
    env: script.env ?? {},
    actions,
    files,
    said,
    isAdmin: async () => script.admin ?? true,
    async run(command, args) {
      actions.push(`run: ${[command, ...args].join(' ')}`);
      return answer(command, args);
    },
    query: async (command, args) => answer(command, args),
    exists: (path) => existing.has(path) || files.has(path),
    mkdir(path) {
      actions.push(`mkdir: ${path}`);
    },
    writeFile(path, text, mode) {
      actions.push(`write: ${path}`);
      files.set(path, { text, mode });
    },
    copyFile(from, to) {
      actions.push(`copy: ${from} -> ${to}`);
      files.set(to, { text: `(copy of ${from})`, mode: 0o755 });
    },
    remove(path) {
      actions.push(`remove: ${path}`);
      files.delete(path);
      existing.delete(path);
    },
    say: (line) => void said.push(line),
  };
}
