// Settings under managed keys, through the engine (whatever window or script
// calls it): the view says which keys are locked, a save that changes one is
// refused with the field named and nothing written, a save of the rest goes
// through, and config.json keeps the person's own values under the locks.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../app/api.ts';
import { loadConfigFile } from '../../app/config/load.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';

let dir: string;
let engine: Engine | undefined;
const own = {
  dataDir: 'data',
  server: { baseUrl: 'https://own.example.org', auth: { type: 'user', username: 'ana', password: 'pw' } },
  folders: [] as object[],
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-settings-managed-'));
  for (const name of ['holter', 'ecg', 'mine']) mkdirSync(join(dir, name));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...own, folders: [{ path: join(dir, 'mine') }] }));
  writeFileSync(
    join(dir, 'managed.json'),
    JSON.stringify({
      server: { baseUrl: 'https://clinic.biot-med.com', auth: { type: 'user', username: 'ana' } },
      folders: [{ id: 'holter', path: join(dir, 'holter') }],
      transfer: { maxBytesPerSecond: 1_000_000 },
    }),
  );
  const env = { DEVICE_UPLOADER_MANAGED_CONFIG: join(dir, 'managed.json') };
  engine = createEngine(loadConfigFile(join(dir, 'config.json'), env), { configFile: join(dir, 'config.json'), env });
});
afterEach(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Settings with managed keys', () => {
  it('the view lists the locked keys and shows the managed values', async () => {
    const view = await engine!.settings();
    expect(view.locked).toEqual(['server', 'folders', 'transfer.maxBytesPerSecond']);
    expect(view.server.baseUrl).toBe('https://clinic.biot-med.com');
    expect(view.folders.map((f) => f.id)).toEqual(['holter']);
    expect(view.transfer.maxBytesPerSecond).toBe(1_000_000);
  });

  it('refuses a change to a locked key, naming the field, and writes nothing', async () => {
    const view = await engine!.settings();
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const input = (): SettingsInput => ({ server: view.server as SettingsInput['server'], folders: view.folders, transfer: view.transfer });
    const changes: [SettingsInput, string][] = [
      [{ ...input(), server: { ...view.server, baseUrl: 'https://elsewhere.example.org' } as SettingsInput['server'] }, 'server.baseUrl'],
      [{ ...input(), folders: [{ ...view.folders[0]!, path: join(dir, 'ecg') }] }, 'folders[0].path'],
      [{ ...input(), folders: [] }, 'folders'],
      [{ ...input(), transfer: { ...view.transfer, maxBytesPerSecond: 0 } }, 'transfer.maxBytesPerSecond'],
    ];
    for (const [change, field] of changes) {
      expect(await engine!.saveSettings(change), field).toEqual({ ok: false, errors: [{ field, message: 'set by your IT department' }] });
    }
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('saves what is not locked; config.json keeps its own folders and limit, the running config the managed ones', async () => {
    const view = await engine!.settings();
    const result = await engine!.saveSettings({
      server: view.server as SettingsInput['server'],
      folders: view.folders,
      transfer: { ...view.transfer, parallelFiles: 3 },
    });
    expect(result).toEqual({ ok: true, restartNeeded: ['transfer.parallelFiles'] });
    const written = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, { [k: string]: unknown }>;
    expect(written.folders).toEqual([{ path: join(dir, 'mine') }]);
    expect(written.transfer).toEqual({ partSizeMiB: 8, parallelParts: 4, parallelFiles: 3, stallSeconds: 60, requestTimeoutSeconds: 30 });
    const after = await engine!.settings();
    expect(after.folders.map((f) => f.id)).toEqual(['holter']);
    expect(after.transfer).toMatchObject({ maxBytesPerSecond: 1_000_000, parallelFiles: 3 });
  });
});
