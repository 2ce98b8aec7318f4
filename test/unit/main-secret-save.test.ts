// Settings saved from the desktop window keep the secret out of config.json:
// a real engine (not started) saves the settings, a real SecretVault over a
// fake safeStorage (it needs Electron) keeps the secret, the file is real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SettingsInput } from '../../app/api.ts';
import { loadConfigFile } from '../../app/config/load.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { saveKeepingSecrets } from '../../main/secret-save.ts';
import { SecretVault, type SafeStorageLike } from '../../main/secrets.ts';

let dir: string;
let configFile: string;
let engine: Engine | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-secret-save-'));
  configFile = join(dir, 'config.json');
  // As the desktop app keeps it: no secret in the file, the engine started with one from the vault.
  writeFileSync(
    configFile,
    JSON.stringify({ dataDir: 'data', server: { baseUrl: 'https://biot.example', auth: { type: 'user', username: 'u' } }, folders: [] }),
  );
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function safeStorage(available: boolean): SafeStorageLike {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (text) => flip(Buffer.from(text)),
    decryptStringAsync: async (b) => ({ result: flip(b).toString(), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  };
}

/** Saves `input` through a real engine; answers what the engine was asked and the restarts. */
async function save(input: SettingsInput, options: { encryption?: boolean } = {}) {
  const env = { DEVICE_UPLOADER_PASSWORD: 'old-secret' };
  engine = createEngine(loadConfigFile(configFile, env), { configFile, env });
  const vault = new SecretVault(safeStorage(options.encryption ?? true), join(dir, 'secrets.bin'), 'linux');
  const asked: SettingsInput[] = [];
  let restarts = 0;
  const e = engine;
  const result = await saveKeepingSecrets({ save: (i) => (asked.push(i), e.saveSettings(i)), vault, configFile, restart: () => restarts++ }, input);
  return { result, asked, restarts, vault, file: readFileSync(configFile, 'utf8') };
}

const settings = (
  auth: SettingsInput['server']['auth'],
  transfer = { partSizeMiB: 8, parallelParts: 4, parallelFiles: 2, maxBytesPerSecond: 0, stallSeconds: 60, requestTimeoutSeconds: 30 },
): SettingsInput => ({
  server: { baseUrl: 'https://biot.example', auth },
  folders: [],
  transfer,
});

it('sends a new password to the vault, never to the engine or the file, and restarts the engine with it', async () => {
  const { result, asked, restarts, vault, file } = await save(settings({ type: 'user', username: 'u', password: 'new-secret' }));
  expect(result).toMatchObject({ ok: true });
  expect(asked).toHaveLength(1);
  expect(JSON.stringify(asked)).not.toContain('new-secret');
  expect(file).not.toMatch(/secret/);
  expect(await vault.read()).toEqual({ password: 'new-secret' });
  expect(restarts).toBe(1);
});

it('asks again with the secret when the engine needs it to check a new login kind, then scrubs it from the file', async () => {
  const { result, asked, restarts, vault, file } = await save(settings({ type: 'service', id: 'svc', secretKey: 'svc-secret' }));
  expect(result).toMatchObject({ ok: true });
  // First without the secret (refused: no secret key for a service login), then with it.
  expect(asked.map((i) => i.server.auth)).toEqual([
    { type: 'service', id: 'svc' },
    { type: 'service', id: 'svc', secretKey: 'svc-secret' },
  ]);
  expect(JSON.parse(file).server.auth).toEqual({ type: 'service', id: 'svc' });
  expect(await vault.read()).toEqual({ secretKey: 'svc-secret' });
  expect(restarts).toBe(1);
});

it('keeps the secret in the file when the system has no encryption at all', async () => {
  const { result, asked, restarts, file } = await save(settings({ type: 'user', username: 'u', password: 'new-secret' }), { encryption: false });
  expect(result).toMatchObject({ ok: true });
  expect(asked[0]?.server.auth).toMatchObject({ password: 'new-secret' });
  expect(JSON.parse(file).server.auth.password).toBe('new-secret');
  expect(restarts).toBe(0);
});

it('stores nothing and restarts nothing when the settings are refused', async () => {
  const bad = settings(
    { type: 'user', username: 'u', password: 'new-secret' },
    { partSizeMiB: 8, parallelParts: 0, parallelFiles: 2, maxBytesPerSecond: 0, stallSeconds: 60, requestTimeoutSeconds: 30 },
  );
  const { result, restarts, vault, file } = await save(bad);
  expect(result).toMatchObject({ ok: false, errors: [{ field: 'transfer.parallelParts' }] });
  expect(await vault.read()).toEqual({});
  expect(file).not.toMatch(/secret/);
  expect(restarts).toBe(0);
});
