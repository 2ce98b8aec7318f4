// Which config a start runs on, the desktop app and `device-uploader start`
// alike: `--config FILE`, then DEVICE_UPLOADER_CONFIG, then config.json in the
// data folder; with none of them (a first run), the demo. A data-folder config
// whose server is on loopback is the demo's own (it points at the local
// sandbox, whose address changes each run), so the demo runs again on it; one
// a person pointed at a real tenant in Settings is theirs, and kept.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type ConfigSource = { kind: 'file'; file: string; from: 'flag' | 'env' | 'data-folder' } | { kind: 'demo'; file: string };

export function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

export function configSource(argv: readonly string[], env: NodeJS.ProcessEnv, dataHome: string, cwd = process.cwd()): ConfigSource {
  const flag = configFlag(argv);
  if (flag) return { kind: 'file', file: resolve(cwd, flag), from: 'flag' };
  if (env.DEVICE_UPLOADER_CONFIG) return { kind: 'file', file: resolve(cwd, env.DEVICE_UPLOADER_CONFIG), from: 'env' };
  const file = join(dataHome, 'config.json');
  if (existsSync(file) && !isDemoConfig(file)) return { kind: 'file', file, from: 'data-folder' };
  return { kind: 'demo', file };
}

function isDemoConfig(file: string): boolean {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { server?: { baseUrl?: unknown } };
    const url = typeof raw.server?.baseUrl === 'string' ? new URL(raw.server.baseUrl) : undefined;
    return url?.hostname === '127.0.0.1' || url?.hostname === 'localhost';
  } catch {
    // Unreadable or not JSON: not the demo's; the engine will say what is wrong with it.
    return false;
  }
}
