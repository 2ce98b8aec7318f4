// Settings saved from the UI: merged into the file's own JSON (untouched keys
// kept, secrets kept when not sent), checked with the field named, and written
// atomically; the view never carries a secret.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../app/api.ts';
import { loadConfigFile } from '../../app/config/load.ts';
import { restartNeeded, saveSettingsFile, settingsView } from '../../app/engine/settings.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'du-settings-'));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: 'data',
      server: { baseUrl: 'https://biot.example', auth: { type: 'user', username: 'nurse', password: 'hunter2' } },
      folders: [{ id: 'a', path: 'a', poll: true, attach: { entity: 'patient', idPattern: '^(?<id>\\w+)_', attribute: 'ecg' } }],
    }),
  );
  return { dir, file, config: loadConfigFile(file, {}) };
}

function input(view: ReturnType<typeof settingsView>, change: (i: SettingsInput) => void): SettingsInput {
  const a = view.server.auth;
  const i: SettingsInput = {
    server: { baseUrl: view.server.baseUrl, auth: a.type === 'user' ? { type: 'user', username: a.username } : { type: 'service', id: a.id } },
    folders: view.folders.map((f) => ({ ...f })),
    transfer: { ...view.transfer },
  };
  change(i);
  return i;
}

describe('settings', () => {
  it('shows no secret, only that one is set', () => {
    const { config } = setup();
    const view = settingsView(config);
    expect(JSON.stringify(view)).not.toContain('hunter2');
    expect(view.server.auth).toEqual({ type: 'user', username: 'nurse', hasSecret: true });
  });

  it('keeps the password and untouched folder keys, writes atomically, and the result loads', async () => {
    const { dir, file, config } = setup();
    const result = await saveSettingsFile(
      file,
      config,
      input(settingsView(config), (i) => {
        i.folders[0]!.path = join(dir, 'b');
        i.transfer.maxBytesPerSecond = 1_000_000;
      }),
      {},
    );
    expect('config' in result).toBe(true);
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    expect(raw.server.auth.password).toBe('hunter2');
    expect(raw.folders[0]).toMatchObject({ id: 'a', poll: true, attach: { entity: 'patient' } });
    expect(raw.dataDir).toBe('data');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const again = loadConfigFile(file, {});
    expect(again.folders[0]!.path).toBe(join(dir, 'b'));
    expect(again.transfer.maxBytesPerSecond).toBe(1_000_000);
  });

  it('names each field in error and writes nothing', async () => {
    const { dir, file, config } = setup();
    const before = readFileSync(file, 'utf8');
    const bad = await saveSettingsFile(
      file,
      config,
      input(settingsView(config), (i) => {
        i.transfer.partSizeMiB = 1;
        i.folders[0]!.quietSeconds = -1;
      }),
      {},
    );
    expect('errors' in bad && bad.errors.map((e) => e.field).sort()).toEqual(['folders[0].quietSeconds', 'transfer.partSizeMiB']);
    // Plain words for staff, not zod's ("Too small: expected number to be >=5").
    expect('errors' in bad && bad.errors.map((e) => e.message).sort()).toEqual(['must be at least 0', 'must be at least 5']);
    const missing = await saveSettingsFile(
      file,
      config,
      input(settingsView(config), (i) => (i.folders[0]!.path = join(dir, 'gone'))),
      {},
    );
    expect('errors' in missing && missing.errors).toEqual([{ field: 'folders[0].path', message: 'no such folder on this PC' }]);
    const noSecret = await saveSettingsFile(
      file,
      config,
      input(settingsView(config), (i) => (i.server.auth = { type: 'service', id: 'svc' })),
      {},
    );
    expect('errors' in noSecret && noSecret.errors[0]!.field).toBe('server.auth.secretKey');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('needs a restart only for the pools: a new server, login or request timeout applies at once', () => {
    const { config } = setup();
    const login = { ...config, server: { ...config.server, auth: { type: 'user' as const, username: 'nurse', password: 'fixed' } } };
    expect(restartNeeded(config, login)).toEqual([]);
    expect(restartNeeded(config, { ...config, server: { ...config.server, baseUrl: 'https://other.example' } })).toEqual([]);
    expect(restartNeeded(config, { ...config, transfer: { ...config.transfer, requestTimeoutSeconds: 90 } })).toEqual([]);
    expect(restartNeeded(config, { ...config, transfer: { ...config.transfer, partSizeMiB: 16, parallelFiles: 4 } })).toEqual([
      'transfer.partSizeMiB',
      'transfer.parallelFiles',
    ]);
  });

  it('asks for the password again when the server or the user changes', async () => {
    const { file, config } = setup();
    for (const change of [
      (i: SettingsInput) => void (i.server.baseUrl = 'https://attacker.example'),
      (i: SettingsInput) => void (i.server.auth = { type: 'user', username: 'someone-else' }),
    ]) {
      const result = await saveSettingsFile(file, config, input(settingsView(config), change), {});
      expect('errors' in result && result.errors.map((e) => e.field)).toContain('server.auth.password');
      expect(readFileSync(file, 'utf8')).toContain('https://biot.example');
    }
  });

  it('turns growing mode on for a folder', async () => {
    const { file, config } = setup();
    expect(settingsView(config).folders[0]!.growing).toBe(false);
    const result = await saveSettingsFile(
      file,
      config,
      input(settingsView(config), (i) => void (i.folders[0]!.growing = true)),
      {},
    );
    expect('config' in result && result.config.folders[0]!.growing).toBe(true);
    expect(loadConfigFile(file, {}).folders[0]!.growing).toBe(true);
  });
  it('network: a proxy and its password; the password is kept only for the same proxy and user, and a change needs a restart', async () => {
    const { dir, file, config } = setup();
    const proxied = (i: SettingsInput) =>
      void (i.network = { proxy: 'http://proxy.local:3128', noProxy: ['intranet'], proxyUsername: 'svc', proxyPassword: 'pp', caFile: '' });
    const first = await saveSettingsFile(file, config, input(settingsView(config), proxied), {});
    expect('config' in first && first.config.network).toMatchObject({ proxy: 'http://proxy.local:3128', proxyUsername: 'svc', proxyPassword: 'pp' });
    const saved = loadConfigFile(file, {});
    const view = settingsView(saved);
    expect(view.network).toEqual({
      proxy: 'http://proxy.local:3128',
      noProxy: ['intranet'],
      proxyUsername: 'svc',
      caFile: '',
      hasProxyPassword: true,
    });
    expect(JSON.stringify(view)).not.toContain('"pp"');
    // Same proxy and user, no password sent: kept. Another proxy: dropped (it would go to that host).
    const same = await saveSettingsFile(
      file,
      saved,
      input(view, (i) => void (i.network = { ...view.network })),
      {},
    );
    expect('config' in same && same.config.network.proxyPassword).toBe('pp');
    const other = await saveSettingsFile(
      file,
      saved,
      input(view, (i) => void (i.network = { ...view.network, proxy: 'http://evil.example:1' })),
      {},
    );
    expect('config' in other && other.config.network.proxyPassword).toBeUndefined();
    const { restartNeeded } = await import('../../app/engine/settings.ts');
    expect('config' in first && restartNeeded(config, first.config)).toContain('network');
    // A caFile that is not there is named by its key.
    const bad = await saveSettingsFile(
      file,
      saved,
      input(view, (i) => void (i.network = { ...view.network, caFile: join(dir, 'nope.pem') })),
      {},
    );
    expect('errors' in bad && bad.errors[0]).toMatchObject({
      field: 'network.caFile',
      message: expect.stringMatching(/^cannot read .*nope\.pem \(ENOENT\)$/),
    });
  });
});
