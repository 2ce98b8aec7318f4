// Machine-wide managed settings laid over the person's config.json: what wins,
// what is locked, where the secret comes from when IT leaves it out, and a
// broken managed file refused with its own name and key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../app/config/load.ts';
import { isLocked, loadManaged, managedConfigFile } from '../../app/config/managed.ts';
import { zoneOffset } from '../../app/common/local-time.ts';
import { bandwidthAt } from '../../app/transfer/bandwidth-schedule.ts';

let dir: string;
let configFile: string;
let managedFile: string;
const env = () => ({ DEVICE_UPLOADER_MANAGED_CONFIG: managedFile });
const own = {
  dataDir: 'data',
  server: { baseUrl: 'https://own.example.org', auth: { type: 'service', id: 'svc-1', secretKey: 'own-secret' } },
  folders: [{ path: '/home/clinic/inbox' }],
  transfer: { parallelFiles: 3, maxBytesPerSecond: 0 },
};
const itServer = { baseUrl: 'https://clinic.biot-med.com', auth: { type: 'service', id: 'svc-1' } };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-managed-'));
  configFile = join(dir, 'config.json');
  managedFile = join(dir, 'managed.json');
  writeFileSync(configFile, JSON.stringify(own));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('managed settings', () => {
  it('win over the config and are locked: server and folders whole, transfer key by key', () => {
    writeFileSync(
      managedFile,
      JSON.stringify({
        server: itServer,
        folders: [{ path: 'D:\\Holter\\Export', afterUpload: 'leave' }],
        transfer: { maxBytesPerSecond: 1_000_000 },
      }),
    );
    const config = loadConfigFile(configFile, env());
    expect(config.server.baseUrl).toBe('https://clinic.biot-med.com');
    expect(config.folders.map((f) => f.path)).toEqual([expect.stringContaining('D:\\Holter\\Export')]);
    expect(config.transfer).toMatchObject({ maxBytesPerSecond: 1_000_000, parallelFiles: 3 });
    expect(config.managed?.locked).toEqual(['server', 'folders', 'transfer.maxBytesPerSecond']);
    expect(config.managed?.file).toBe(managedFile);
  });

  it("IT's locked speed limit is not beaten by the person's own timetable: its windows are capped at it", () => {
    const day = { days: 'mon-sun', from: '07:30', to: '18:00' };
    const night = { days: 'mon-sun', from: '18:00', to: '23:00' };
    writeFileSync(
      configFile,
      JSON.stringify({
        ...own,
        transfer: {
          schedule: [
            { ...day, maxBytesPerSecond: 5_000_000 },
            { ...night, maxBytesPerSecond: 0 },
            { days: 'sat', from: '00:00', to: '07:00', maxBytesPerSecond: 500_000 },
          ],
        },
      }),
    );
    writeFileSync(managedFile, JSON.stringify({ transfer: { maxBytesPerSecond: 1_000_000 } }));
    const config = loadConfigFile(configFile, env());
    const at = (iso: string) =>
      bandwidthAt(config.transfer.schedule, config.transfer.maxBytesPerSecond, Date.parse(iso), zoneOffset('UTC')).maxBytesPerSecond;
    expect(at('2026-06-10T12:00:00Z')).toBe(1_000_000); // the person's 5 MB/s daytime window
    expect(at('2026-06-10T20:00:00Z')).toBe(1_000_000); // the person's "no limit" evening
    expect(at('2026-06-13T03:00:00Z')).toBe(500_000); // lower than IT's: the clinic may go slower
    expect(at('2026-06-10T02:00:00Z')).toBe(1_000_000); // outside every window
  });

  it("a secret IT put in managed.json wins over one from the environment (the desktop app's key store: maybe another login's)", () => {
    writeFileSync(managedFile, JSON.stringify({ server: { ...itServer, auth: { ...itServer.auth, id: 'svc-it', secretKey: 'it-secret' } } }));
    const stale = { ...env(), DEVICE_UPLOADER_SECRET_KEY: 'key-of-an-earlier-login' };
    expect(loadConfigFile(configFile, stale).server.auth).toMatchObject({ id: 'svc-it', secretKey: 'it-secret' });
    // Without a secret from IT, the environment's is the person's own, as before.
    writeFileSync(managedFile, JSON.stringify({ server: itServer }));
    expect(loadConfigFile(configFile, stale).server.auth).toMatchObject({ id: 'svc-1', secretKey: 'key-of-an-earlier-login' });
  });

  it("a managed login without its secret takes the person's own for the same login, and no other's", () => {
    writeFileSync(managedFile, JSON.stringify({ server: itServer }));
    expect(loadConfigFile(configFile, env()).server.auth).toMatchObject({ id: 'svc-1', secretKey: 'own-secret' });
    writeFileSync(managedFile, JSON.stringify({ server: { ...itServer, auth: { type: 'service', id: 'svc-2' } } }));
    expect(() => loadConfigFile(configFile, env())).toThrow(/server\.auth\.secretKey is missing/);
    expect(loadConfigFile(configFile, { ...env(), DEVICE_UPLOADER_SECRET_KEY: 'from-env' }).server.auth).toMatchObject({
      id: 'svc-2',
      secretKey: 'from-env',
    });
  });

  it('no managed file: the config as it is; a broken one: refused naming the managed file and the key', () => {
    const plain = loadConfigFile(configFile, env());
    expect(plain.managed).toBeUndefined();
    expect(plain.server.baseUrl).toBe('https://own.example.org');
    const refusals: [unknown, RegExp][] = [
      [{ transfer: { maxBytesPerSecnd: 1 } }, /managed config .*managed\.json: unknown key "maxBytesPerSecnd"/],
      [{ server: { baseUrl: 'not a url', auth: itServer.auth } }, /managed config .*: server\.baseUrl: /],
      [{ folders: [{ path: 'relative/inbox' }] }, /managed config .*: folders\[0\]\.path must be a full path/],
      [['server'], /must be a JSON object/],
    ];
    for (const [content, why] of refusals) {
      writeFileSync(managedFile, JSON.stringify(content));
      expect(() => loadConfigFile(configFile, env()), String(why)).toThrow(why);
    }
    writeFileSync(managedFile, '{ "server": ');
    expect(() => loadManaged(managedFile)).toThrow(/config file .*managed\.json is not valid JSON/);
  });

  it('lives where only administrators write, per OS; locks cover the keys under them', () => {
    expect(managedConfigFile({}, 'linux')).toBe('/etc/device-uploader/managed.json');
    expect(managedConfigFile({}, 'darwin')).toBe('/Library/Application Support/Device Uploader/managed.json');
    expect(managedConfigFile({ ProgramData: 'C:\\ProgramData' }, 'win32')).toBe('C:\\ProgramData\\Device Uploader\\managed.json');
    expect(isLocked(['server', 'folders', 'transfer.maxBytesPerSecond'], 'folders[1].path')).toBe(true);
    expect(isLocked(['server'], 'server.auth.id')).toBe(true);
    expect(isLocked(['transfer.maxBytesPerSecond'], 'transfer.parallelFiles')).toBe(false);
    expect(isLocked(['folders'], 'foldersX')).toBe(false);
  });
});
