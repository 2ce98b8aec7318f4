// Machine-wide settings IT deploys (managed.json, beside nothing a person can
// write): every key it sets wins over the person's config.json and is locked:
// the window shows it greyed, "set by your IT department", and the engine
// refuses a save that changes it. `server` and `folders` (and any list or
// single value) are taken whole; an object such as `transfer` key by key,
// so IT may lock the speed limit and leave the rest to the clinic. The secret
// of a managed server may stay out of the file: the person's own (config,
// key store, environment) is used when the login is the same one.
import { readFileSync } from 'node:fs';
import { isAbsolute, win32 } from 'node:path';
import { configKey, ConfigError, parseJsonText } from './config-text.ts';
import { configSchema } from './schema.ts';

type Raw = Record<string, unknown>;

export interface Managed {
  file: string;
  /** What it sets, as config keys: `server`, `folders`, `transfer.maxBytesPerSecond`. */
  locked: string[];
  raw: Raw;
}

/** Where IT puts it: a folder only administrators write. DEVICE_UPLOADER_MANAGED_CONFIG names another (tests, unusual sites). */
export function managedConfigFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DEVICE_UPLOADER_MANAGED_CONFIG) return env.DEVICE_UPLOADER_MANAGED_CONFIG;
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Device Uploader', 'managed.json');
  if (platform === 'darwin') return '/Library/Application Support/Device Uploader/managed.json';
  return '/etc/device-uploader/managed.json';
}

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Taken whole even though it is an object: a login is one thing. */
const WHOLE = new Set(['server']);

/** The managed settings, or undefined when the machine has none; a broken file is a ConfigError naming it. */
export function loadManaged(file: string = managedConfigFile()): Managed | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the managed config ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const raw = parseJsonText(text, file);
  if (!isObject(raw)) throw new ConfigError(`managed config ${file}: must be a JSON object of config keys`);
  const checked = configSchema.partial().safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const key = configKey(issue.path);
    throw new ConfigError(
      `managed config ${file}: ${issue.code === 'unrecognized_keys' ? `unknown key "${issue.keys.join('", "')}"` : `${key}: ${issue.message}`}`,
    );
  }
  const folders = Array.isArray(raw.folders) ? (raw.folders as Raw[]) : [];
  const relative = folders.findIndex((f) => typeof f.path === 'string' && !isAbsolute(f.path) && !win32.isAbsolute(f.path));
  if (relative >= 0) throw new ConfigError(`managed config ${file}: folders[${relative}].path must be a full path`);
  const locked = Object.entries(raw).flatMap(([key, value]) =>
    isObject(value) && !WHOLE.has(key) ? Object.keys(value).map((k) => `${key}.${k}`) : [key],
  );
  return { file, locked, raw };
}

/** The person's config JSON with the managed keys laid over it. */
export function withManaged(raw: Raw, managed: Managed | undefined): Raw {
  if (!managed) return raw;
  const merged: Raw = { ...raw };
  for (const [key, value] of Object.entries(managed.raw)) {
    if (key === 'server') merged.server = managedServer(raw.server, value as Raw);
    else if (isObject(value)) merged[key] = { ...(isObject(raw[key]) ? raw[key] : {}), ...value };
    else merged[key] = value;
  }
  if (isObject(merged.transfer)) merged.transfer = cappedTimetable(merged.transfer, managed.raw.transfer);
  return merged;
}

/**
 * A speed limit IT locks (and no timetable of IT's) is a ceiling: the
 * person's own timetable windows may go slower, never faster (a window of
 * theirs with no limit, or a higher one, runs at IT's limit).
 */
function cappedTimetable(transfer: Raw, managed: unknown): Raw {
  const cap = isObject(managed) ? managed.maxBytesPerSecond : undefined;
  if (typeof cap !== 'number' || cap <= 0 || !isObject(managed) || managed.schedule !== undefined || !Array.isArray(transfer.schedule))
    return transfer;
  const schedule = (transfer.schedule as unknown[]).map((w) => {
    if (!isObject(w) || typeof w.maxBytesPerSecond !== 'number') return w;
    return { ...w, maxBytesPerSecond: w.maxBytesPerSecond > 0 ? Math.min(w.maxBytesPerSecond, cap) : cap };
  });
  return { ...transfer, schedule };
}

/** Whether IT's managed.json holds the server's secret itself (then no other source replaces it). */
export function setsSecret(managed: Managed | undefined): boolean {
  const auth = isObject(managed?.raw.server) ? managed.raw.server.auth : undefined;
  return isObject(auth) && (auth.type === 'user' ? auth.password : auth.secretKey) !== undefined;
}

/** The managed server, with the person's secret when IT left it out and the login is the same. */
function managedServer(own: unknown, managed: Raw): Raw {
  const auth = managed.auth as Raw;
  const ownAuth = isObject(own) && isObject(own.auth) ? own.auth : {};
  const secretKey = auth.type === 'user' ? 'password' : 'secretKey';
  const sameLogin = ownAuth.type === auth.type && (auth.type === 'user' ? ownAuth.username === auth.username : ownAuth.id === auth.id);
  if (auth[secretKey] !== undefined || !sameLogin || ownAuth[secretKey] === undefined) return managed;
  return { ...managed, auth: { ...auth, [secretKey]: ownAuth[secretKey] } };
}

/** Whether a config key (`folders[1].path`, `transfer.maxBytesPerSecond`) falls under a locked one. */
export function isLocked(locked: readonly string[], key: string): boolean {
  return locked.some((l) => key === l || key.startsWith(`${l}.`) || key.startsWith(`${l}[`));
}
