// The BioT password or service secret in the desktop app: kept with
// Electron's safeStorage (the async API), never in config.json. A secret found
// in the config file (an IT person's prepared file) is used, moved into the
// vault and removed from the file. Where Linux offers only the `basic_text`
// backend the secret is merely obfuscated: protection() says so, and Settings
// shows it, rather than pretending.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SecretStorage } from '../app/api.ts';
import { parseJsonText } from '../app/config/load.ts';
import { writeConfigFile } from '../app/config/save.ts';

export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export interface Secrets {
  password?: string;
  secretKey?: string;
  /** network.proxyPassword (a proxy asking for Basic sign-in). */
  proxyPassword?: string;
}

export class SecretVault {
  readonly #storage: SafeStorageLike;
  readonly #file: string;
  readonly #platform: NodeJS.Platform;

  /** `file` holds the encrypted secrets (in the data folder, beside config.json). */
  constructor(storage: SafeStorageLike, file: string, platform: NodeJS.Platform = process.platform) {
    this.#storage = storage;
    this.#file = file;
    this.#platform = platform;
  }

  /** How well a stored secret is protected, for Settings. */
  async protection(): Promise<SecretStorage> {
    if (!(await this.#storage.isAsyncEncryptionAvailable())) return 'config-file';
    if (this.#platform === 'linux' && this.#storage.getSelectedStorageBackend?.() === 'basic_text') return 'obfuscated';
    return 'os-protected';
  }

  async read(): Promise<Secrets> {
    if (!existsSync(this.#file)) return {};
    const { result, shouldReEncrypt } = await this.#storage.decryptStringAsync(readFileSync(this.#file));
    const secrets = JSON.parse(result) as Secrets;
    // The OS rotated its key: store again under the new one.
    if (shouldReEncrypt) await this.write(secrets);
    return secrets;
  }

  async write(secrets: Secrets): Promise<void> {
    const encrypted = await this.#storage.encryptStringAsync(JSON.stringify(secrets));
    writeRaw(this.#file, encrypted);
  }
}

/** Like writeConfigFile (temp file, fsync, one rename, owner-only) for bytes rather than JSON. */
function writeRaw(file: string, bytes: Buffer): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

type RawSecrets = { server?: { auth?: Record<string, unknown> }; network?: Record<string, unknown> };

/**
 * The secrets to start the engine with: those in the vault, and any found in
 * the config file, which are moved into the vault and removed from the file
 * (left there only when the OS offers no encryption at all).
 */
export async function takeSecrets(configFile: string, vault: SecretVault): Promise<{ secrets: Secrets; moved: boolean }> {
  const stored = await vault.read().catch(() => ({}) as Secrets);
  if (!existsSync(configFile)) return { secrets: stored, moved: false };
  const raw = parseJsonText(readFileSync(configFile, 'utf8'), configFile) as RawSecrets;
  const auth = raw.server?.auth;
  const found: Secrets = {};
  if (typeof auth?.password === 'string' && auth.password) found.password = auth.password;
  if (typeof auth?.secretKey === 'string' && auth.secretKey) found.secretKey = auth.secretKey;
  if (typeof raw.network?.proxyPassword === 'string' && raw.network.proxyPassword) found.proxyPassword = raw.network.proxyPassword;
  if (!found.password && !found.secretKey && !found.proxyPassword) return { secrets: stored, moved: false };
  const secrets = { ...stored, ...found };
  if ((await vault.protection()) === 'config-file') return { secrets, moved: false };
  await vault.write(secrets);
  delete auth?.password;
  delete auth?.secretKey;
  delete raw.network?.proxyPassword;
  writeConfigFile(configFile, raw);
  return { secrets, moved: true };
}

/** Stores a new BioT secret and/or proxy password; what is not given stays as stored (a new BioT secret replaces the other kind). */
export async function updateSecrets(vault: Pick<SecretVault, 'read' | 'write'>, update: Secrets): Promise<void> {
  const stored = await vault.read().catch(() => ({}) as Secrets);
  const biot =
    update.password || update.secretKey
      ? { password: update.password, secretKey: update.secretKey }
      : { password: stored.password, secretKey: stored.secretKey };
  // JSON drops the keys left undefined.
  await vault.write({ ...biot, proxyPassword: update.proxyPassword || stored.proxyPassword });
}

/**
 * Removes any secret from the config file without storing it: after the
 * engine saved Settings, the file may hold the secret the engine runs with
 * (it writes back the one it was started with), while the vault already holds
 * the current one.
 */
export function scrubSecrets(configFile: string): void {
  const raw = parseJsonText(readFileSync(configFile, 'utf8'), configFile) as RawSecrets;
  const auth = raw.server?.auth;
  if (auth?.password === undefined && auth?.secretKey === undefined && raw.network?.proxyPassword === undefined) return;
  delete auth?.password;
  delete auth?.secretKey;
  delete raw.network?.proxyPassword;
  writeConfigFile(configFile, raw);
}
