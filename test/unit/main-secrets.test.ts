// Secrets in the desktop app: a secret found in config.json is used, moved
// into safeStorage and removed from the file; Linux basic_text is reported as
// obfuscated, not protected. safeStorage is a fake here (it needs Electron);
// the files are real.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SecretVault, takeSecrets, updateSecrets, type SafeStorageLike } from '../../main/secrets.ts';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'du-secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeSafeStorage(options: { available?: boolean; backend?: string; rotate?: boolean } = {}): SafeStorageLike & { encrypts: number } {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const storage = {
    encrypts: 0,
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    async encryptStringAsync(text: string) {
      storage.encrypts++;
      return flip(Buffer.from(`v1:${text}`));
    },
    async decryptStringAsync(b: Buffer) {
      const text = flip(b).toString();
      if (!text.startsWith('v1:')) throw new Error('cannot decrypt');
      return { result: text.slice(3), shouldReEncrypt: options.rotate ?? false };
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
  return storage;
}

function writeConfig(auth: Record<string, unknown>): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ dataDir: 'data', server: { baseUrl: 'https://biot.example', auth }, folders: [] }));
  return file;
}

it('moves a password found in the config file into the vault and removes it from the file', async () => {
  const file = writeConfig({ type: 'user', username: 'clinic', password: 'hunter2' });
  const vault = new SecretVault(fakeSafeStorage(), join(dir, 'secrets.bin'), 'linux');
  expect(await takeSecrets(file, vault)).toEqual({ secrets: { password: 'hunter2' }, moved: true });
  const after = readFileSync(file, 'utf8');
  expect(after).not.toContain('hunter2');
  expect(JSON.parse(after).server.auth).toEqual({ type: 'user', username: 'clinic' });
  expect(readFileSync(join(dir, 'secrets.bin')).toString()).not.toContain('hunter2');
  // Next start: the file has none, the vault has it.
  expect(await takeSecrets(file, vault)).toEqual({ secrets: { password: 'hunter2' }, moved: false });
});

it('moves a service secret too, and a newer one in the file replaces the stored one', async () => {
  const vault = new SecretVault(fakeSafeStorage(), join(dir, 'secrets.bin'), 'win32');
  await vault.write({ secretKey: 'old' });
  const file = writeConfig({ type: 'service', id: 'svc', secretKey: 'new' });
  expect((await takeSecrets(file, vault)).secrets).toEqual({ secretKey: 'new' });
  expect(await vault.read()).toEqual({ secretKey: 'new' });
  expect(readFileSync(file, 'utf8')).not.toContain('new"');
});

it('says honestly how the secret is kept: OS-protected, obfuscated (Linux basic_text), or left in the file', async () => {
  expect(await new SecretVault(fakeSafeStorage(), join(dir, 's'), 'linux').protection()).toBe('os-protected');
  expect(await new SecretVault(fakeSafeStorage({ backend: 'basic_text' }), join(dir, 's'), 'linux').protection()).toBe('obfuscated');
  expect(await new SecretVault(fakeSafeStorage({ backend: 'basic_text' }), join(dir, 's'), 'win32').protection()).toBe('os-protected');
  const none = new SecretVault(fakeSafeStorage({ available: false }), join(dir, 's'), 'linux');
  expect(await none.protection()).toBe('config-file');
  // With no encryption at all the secret stays where it is (still used), rather than being lost.
  const file = writeConfig({ type: 'user', username: 'u', password: 'p' });
  expect(await takeSecrets(file, none)).toEqual({ secrets: { password: 'p' }, moved: false });
  expect(readFileSync(file, 'utf8')).toContain('"p"');
  expect(existsSync(join(dir, 's'))).toBe(false);
});

it('re-encrypts when the OS asks (a rotated key)', async () => {
  const storage = fakeSafeStorage({ rotate: true });
  const vault = new SecretVault(storage, join(dir, 'secrets.bin'), 'darwin');
  await vault.write({ password: 'x' });
  expect(await vault.read()).toEqual({ password: 'x' });
  expect(storage.encrypts).toBe(2);
});

it('moves the proxy password too, and a new BioT secret saved later keeps it', async () => {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: 'data',
      server: { baseUrl: 'https://biot.example', auth: { type: 'user', username: 'u' } },
      network: { proxyUsername: 'svc', proxyPassword: 'ward7' },
    }),
  );
  const vault = new SecretVault(fakeSafeStorage(), join(dir, 'secrets.bin'), 'win32');
  expect(await takeSecrets(file, vault)).toEqual({ secrets: { proxyPassword: 'ward7' }, moved: true });
  expect(JSON.parse(readFileSync(file, 'utf8')).network).toEqual({ proxyUsername: 'svc' });
  await updateSecrets(vault, { password: 'new' });
  expect(await vault.read()).toEqual({ password: 'new', proxyPassword: 'ward7' });
  await updateSecrets(vault, { proxyPassword: 'ward8' });
  expect(await vault.read()).toEqual({ password: 'new', proxyPassword: 'ward8' });
});
