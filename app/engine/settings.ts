// Settings as the UI sees and saves them. The view never carries a secret
// (only whether one is set); a save is merged into the config file's own JSON
// (keys the UI does not edit, such as attach rules or poll options, are kept,
// and a secret the UI did not send stays as it was), then checked by the same
// parser the file is loaded with, so the field named in an error is the
// file's key.
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FieldError, FolderSettings, SettingsInput, SettingsView } from '../api.ts';
import { ConfigError, configKey, parseConfig, parseJsonText } from '../config/load.ts';
import { plainIssue } from '../config/plain-issues.ts';
import { writeConfigFile } from '../config/save.ts';
import { withManaged, type Managed } from '../config/managed.ts';
import { configSchema, type Config } from '../config/schema.ts';
import { keepOwnValues, lockedChanges } from './managed-settings.ts';

type Raw = Record<string, unknown>;

/** The folder options Settings shows and saves (app/api.ts FolderSettings), listed once. */
const FOLDER_KEYS = [
  'id',
  'path',
  'include',
  'exclude',
  'recursive',
  'quietSeconds',
  'afterUpload',
  'archiveDir',
  'ignoreTemporary',
  'duplicates',
  'growing',
] as const satisfies readonly (keyof FolderSettings)[];
// A key added to FolderSettings and not listed above fails to compile here.
const _everyKeyListed: Exclude<keyof FolderSettings, (typeof FOLDER_KEYS)[number]> extends never ? true : never = true;

/** What Settings shows for a config: no password, no secret key. */
export function settingsView(config: Config): SettingsView {
  const a = config.server.auth;
  return {
    server: {
      baseUrl: config.server.baseUrl,
      auth:
        a.type === 'user' ? { type: 'user', username: a.username, hasSecret: !!a.password } : { type: 'service', id: a.id, hasSecret: !!a.secretKey },
    },
    folders: config.folders.map((f) => ({ ...pick(f, FOLDER_KEYS), id: f.id ?? '', duplicates: f.duplicates ?? config.duplicates })),
    // The limits Settings edits, no more: the timetable is the config file's (a window echoing it back would be refused).
    transfer: (({ schedule: _timetable, ...limits }) => limits)(config.transfer),
    network: {
      proxy: config.network.proxy ?? '',
      noProxy: config.network.noProxy,
      proxyUsername: config.network.proxyUsername ?? '',
      caFile: config.network.caFile ?? '',
      hasProxyPassword: !!config.network.proxyPassword,
    },
    ...(config.managed && { locked: config.managed.locked }),
  };
}

/** The config file's JSON with the Settings input merged in. `current` is the loaded form of `rawFile` (same folder order). */
export function mergeSettings(rawFile: Raw, current: Config, input: SettingsInput): Raw {
  const oldServer = (rawFile.server ?? {}) as Raw;
  const oldAuth = (oldServer.auth ?? {}) as Raw;
  const a = input.server.auth;
  // A saved secret is kept only for the same server and the same identity:
  // otherwise whoever holds the window could send it to a host of their own.
  const sameServer = oldServer.baseUrl === input.server.baseUrl;
  const auth: Raw =
    a.type === 'user'
      ? {
          type: 'user',
          username: a.username,
          password: a.password || (sameServer && oldAuth.type === 'user' && oldAuth.username === a.username ? oldAuth.password : undefined),
        }
      : {
          type: 'service',
          id: a.id,
          secretKey: a.secretKey || (sameServer && oldAuth.type === 'service' && oldAuth.id === a.id ? oldAuth.secretKey : undefined),
        };
  const oldFolders = Array.isArray(rawFile.folders) ? (rawFile.folders as Raw[]) : [];
  const byId = new Map(current.folders.map((f, i) => [f.id, oldFolders[i] ?? {}]));
  const folders = input.folders.map((f) => folderRaw(byId.get(f.id) ?? {}, f));
  return {
    ...rawFile,
    server: { ...oldServer, baseUrl: input.server.baseUrl, auth: dropUndefined(auth) },
    folders,
    transfer: { ...((rawFile.transfer ?? {}) as Raw), ...input.transfer },
    ...(input.network && { network: networkRaw((rawFile.network ?? {}) as Raw, input.network) }),
  };
}

/** The network section: a saved proxy password is kept only for the same proxy and user (as the BioT secret is). */
function networkRaw(old: Raw, n: NonNullable<SettingsInput['network']>): Raw {
  const same = (old.proxy ?? '') === n.proxy && (old.proxyUsername ?? '') === n.proxyUsername;
  return dropUndefined({
    ...old,
    proxy: n.proxy || undefined,
    noProxy: n.noProxy,
    proxyUsername: n.proxyUsername || undefined,
    proxyPassword: n.proxyPassword || (same ? old.proxyPassword : undefined),
    caFile: n.caFile || undefined,
  });
}

function folderRaw(old: Raw, f: FolderSettings): Raw {
  return dropUndefined({ ...old, ...pick(f, FOLDER_KEYS), id: f.id || undefined, archiveDir: f.archiveDir || undefined });
}

/** `keys` of `o`, and nothing else. */
function pick<T, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

function dropUndefined(o: Raw): Raw {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Parses merged settings; answers the config or every field in error. */
export async function checkSettings(
  raw: Raw,
  options: { baseDir: string; env: NodeJS.ProcessEnv; managed?: Managed | undefined },
): Promise<{ config: Config } | { errors: FieldError[] }> {
  const shape = configSchema.safeParse(withManaged(raw, options.managed), { error: plainIssue });
  if (!shape.success) {
    return {
      errors: shape.error.issues.map((issue) => ({
        field: configKey(issue.path) || '(top level)',
        message: issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message,
      })),
    };
  }
  let config: Config;
  try {
    config = parseConfig(raw, { ...options, source: 'settings' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // "settings: folders[1].id "x" is used twice" -> field folders[1].id
    const text = error.message.replace(/^settings: /, '');
    const field = /^[\w.[\]]+/.exec(text)?.[0] ?? '(top level)';
    return { errors: [{ field, message: text.slice(field.length).replace(/^:/, '').trim() }] };
  }
  const errors: FieldError[] = [];
  const kinds = await Promise.all(config.folders.map((f) => folderKind(f.path)));
  kinds.forEach((kind, i) => {
    if (kind !== 'ok') errors.push({ field: `folders[${i}].path`, message: FOLDER_WORDS[kind] });
  });
  return errors.length ? { errors } : { config };
}

const FOLDER_WORDS = {
  missing: 'no such folder on this PC',
  'not-a-folder': 'this is a file, not a folder',
  'no-answer': 'the folder did not answer in time (a network share that is down?)',
} as const;

/** How long Settings waits for a folder to answer before calling it unreachable. */
const FOLDER_CHECK_MS = 5_000;

/**
 * Whether a watched folder is there to watch. Asynchronous and bounded: a
 * dead network share can block a stat for minutes, and a synchronous one
 * would freeze the engine's thread (every transfer and the window) meanwhile.
 */
export async function folderKind(path: string, withinMs = FOLDER_CHECK_MS): Promise<'ok' | 'missing' | 'not-a-folder' | 'no-answer'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'no-answer'>((resolve) => {
    timer = setTimeout(() => resolve('no-answer'), withinMs);
  });
  const kind = stat(path).then(
    (s) => (s.isDirectory() ? ('ok' as const) : ('not-a-folder' as const)),
    () => 'missing' as const,
  );
  try {
    return await Promise.race([kind, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Config keys whose change needs a restart to apply (the pools are built once; the BioT client is replaced at once: server-switch.ts). */
export function restartNeeded(before: Config, after: Config): string[] {
  const keys: string[] = [];
  // Trust and proxy are read when the pools are built (app/net).
  if (JSON.stringify(before.network) !== JSON.stringify(after.network)) keys.push('network');
  for (const k of ['partSizeMiB', 'parallelParts', 'parallelFiles', 'stallSeconds'] as const) {
    if (before.transfer[k] !== after.transfer[k]) keys.push(`transfer.${k}`);
  }
  return keys;
}

/** Reads the config file, merges the input, checks it and, when it is good, writes it atomically. */
export async function saveSettingsFile(
  file: string,
  current: Config,
  input: SettingsInput,
  env: NodeJS.ProcessEnv,
): Promise<{ config: Config } | { errors: FieldError[] }> {
  // Keys the machine's managed settings lock are refused here too, not only greyed in the window.
  const refused = lockedChanges(current.managed?.locked ?? [], settingsView(current), input);
  if (refused.length > 0) return { errors: refused };
  const rawFile = parseJsonText(readFileSync(file, 'utf8'), file) as Raw;
  const raw = keepOwnValues(mergeSettings(rawFile, current, input), rawFile, current, input);
  const checked = await checkSettings(raw, { baseDir: dirname(resolve(file)), env, managed: current.managed });
  if ('config' in checked) writeConfigFile(file, raw);
  return checked;
}
