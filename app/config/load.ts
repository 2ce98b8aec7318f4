// Reads and checks the config file. Every problem is one ConfigError whose
// message names the file and the key, so a clinic's IT person can fix it
// without reading code. Relative paths are resolved against the file's folder.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { plainIssue } from './plain-issues.ts';
import { CaFileError, readCaFile } from '../net/trust.ts';
import { ConfigError, configKey, parseJsonText } from './config-text.ts';
import { loadManaged, managedConfigFile, setsSecret, withManaged, type Managed } from './managed.ts';
import { configSchema, type Config } from './schema.ts';

export { ConfigError, configKey, parseJsonText };

/**
 * Loads, validates and normalises a config file, with the machine's managed
 * settings (app/config/managed.ts) laid over it; throws ConfigError. With
 * `requireSecret: false` a missing password or secret key is let through: for
 * what reads only the file's folders (`status`, `service install`), whose
 * secret may live elsewhere (the environment of the service, the key store).
 * `managed: null` reads no managed settings.
 */
export function loadConfigFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { requireSecret?: boolean; managed?: Managed | null } = {},
): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read config file ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
  const managed = options.managed === undefined ? loadManaged(managedConfigFile(env)) : (options.managed ?? undefined);
  return parseConfig(parseJsonText(text, file), { baseDir: dirname(resolve(file)), env, source: file, ...options, managed });
}

/** Validates an already-parsed config object (from a file, the UI or a test). */
export function parseConfig(
  raw: unknown,
  options: { baseDir: string; env?: NodeJS.ProcessEnv; source?: string; requireSecret?: boolean; managed?: Managed | null | undefined },
): Config {
  const source = options.source ?? 'config';
  const managed = options.managed ?? undefined;
  const parsed = configSchema.safeParse(managed ? withManaged(raw as Record<string, unknown>, managed) : raw, { error: plainIssue });
  if (!parsed.success) throw new ConfigError(`${source}: ${describeIssues(parsed.error)}`);
  const config: Config = managed ? { ...parsed.data, managed } : parsed.data;
  // A secret IT put in managed.json wins over the environment's (the desktop app hands its key store's there: maybe another login's).
  const env = setsSecret(managed) ? { ...options.env, DEVICE_UPLOADER_PASSWORD: '', DEVICE_UPLOADER_SECRET_KEY: '' } : (options.env ?? {});
  const auth = config.server.auth;
  if (auth.type === 'user') {
    auth.password = env.DEVICE_UPLOADER_PASSWORD || auth.password;
    if (!auth.password && options.requireSecret !== false) {
      throw new ConfigError(`${source}: server.auth.password is missing (or set DEVICE_UPLOADER_PASSWORD)`);
    }
  } else {
    auth.secretKey = env.DEVICE_UPLOADER_SECRET_KEY || auth.secretKey;
    if (!auth.secretKey && options.requireSecret !== false) {
      throw new ConfigError(`${source}: server.auth.secretKey is missing (or set DEVICE_UPLOADER_SECRET_KEY)`);
    }
  }
  const at = (p: string) => (isAbsolute(p) ? p : resolve(options.baseDir, p));
  config.dataDir = at(config.dataDir);
  checkNetwork(config, env, source);
  if (config.network.caFile) {
    config.network.caFile = at(config.network.caFile);
    // Checked now, so a wrong path is a config mistake named by its key, not a failure at the first upload.
    try {
      readCaFile(config.network.caFile);
    } catch (error) {
      if (error instanceof CaFileError) throw new ConfigError(`${source}: ${error.message}`);
      throw error;
    }
  }
  const seen = new Set<string>();
  config.folders.forEach((folder, index) => {
    folder.path = at(folder.path);
    if (folder.archiveDir) folder.archiveDir = at(folder.archiveDir);
    folder.id ??= folderIdFor(folder.path);
    // A folder without its own duplicate policy follows the global one.
    folder.duplicates ??= config.duplicates;
    if (seen.has(folder.id)) throw new ConfigError(`${source}: folders[${index}].id "${folder.id}" is used twice`);
    seen.add(folder.id);
  });
  refuseArchiveInsideWatched(config, source);
  return config;
}

/** The proxy password comes from the environment (or the file); a proxy URL never carries one. */
function checkNetwork(config: Config, env: NodeJS.ProcessEnv, source: string): void {
  const network = config.network;
  network.proxyPassword = env.DEVICE_UPLOADER_PROXY_PASSWORD || network.proxyPassword;
  const proxy = network.proxy;
  if (proxy && proxy !== 'system' && proxy !== 'env' && proxy !== 'none') {
    const url = new URL(proxy);
    if (url.password) {
      throw new ConfigError(
        `${source}: network.proxy must not hold a password: set network.proxyUsername and DEVICE_UPLOADER_PROXY_PASSWORD instead`,
      );
    }
    if (url.username && !network.proxyUsername) network.proxyUsername = decodeURIComponent(url.username);
  }
}

/**
 * An archive folder that is, or lies inside, a watched folder would hand every
 * moved export back to the watcher: refused, naming both keys.
 */
function refuseArchiveInsideWatched(config: Config, source: string): void {
  config.folders.forEach((folder, index) => {
    if (!folder.archiveDir) return;
    const watched = config.folders.findIndex((w) => isSameOrInside(w.path, folder.archiveDir as string));
    if (watched < 0) return;
    const where = watched === index ? 'its own watched folder' : `the watched folder folders[${watched}].path`;
    throw new ConfigError(`${source}: folders[${index}].archiveDir must be outside ${where}: moved files would be picked up and uploaded again`);
  });
}

function isSameOrInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A stable id for a folder path, so the database and logs never carry the path. */
export function folderIdFor(path: string): string {
  return `f-${createHash('sha256').update(path).digest('hex').slice(0, 12)}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = configKey(issue.path);
      if (issue.code === 'unrecognized_keys') {
        const prefix = key ? `${key}.` : '';
        return `unknown key ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
      }
      return `${key || '(top level)'}: ${issue.message}`;
    })
    .join('; ');
}
