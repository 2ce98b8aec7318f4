import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderLabel, folderLabelById } from '../../app/config/folder-label.ts';
import { ConfigError, loadConfigFile, parseConfig } from '../../app/config/load.ts';

const base = {
  dataDir: 'data',
  server: { baseUrl: 'https://tenant.example', auth: { type: 'user', username: 'u', password: 'p' } },
  folders: [{ path: 'inbox' }],
};

function parse(raw: unknown, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(raw, { baseDir: '/etc/du', env });
}

describe('config', () => {
  it('fills defaults and resolves paths against the config folder', () => {
    const c = parse(base);
    expect(c.dataDir).toBe('/etc/du/data');
    expect(c.folders[0]?.path).toBe('/etc/du/inbox');
    expect(c.folders[0]?.quietSeconds).toBe(5);
    expect(c.folders[0]?.id).toMatch(/^f-[0-9a-f]{12}$/);
    expect(c.transfer).toMatchObject({ partSizeMiB: 8, parallelParts: 4, parallelFiles: 2, maxBytesPerSecond: 0 });
  });

  it('fills the watcher defaults; a folder follows the global duplicate policy unless it sets its own', () => {
    const c = parse({ ...base, duplicates: 'upload', folders: [{ path: 'a' }, { path: 'b', duplicates: 'skip', poll: true, pollSeconds: 2 }] });
    expect(c.folders[0]).toMatchObject({ ignoreTemporary: true, poll: 'auto', pollSeconds: 5, duplicates: 'upload' });
    expect(c.folders[1]).toMatchObject({ poll: true, pollSeconds: 2, duplicates: 'skip' });
    expect(parse(base).folders[0]?.duplicates).toBe('skip');
    expect(() => parse({ ...base, folders: [{ path: 'x', poll: 'sometimes' }] })).toThrow(/folders\[0\]\.poll/);
  });

  it('turns auto-update on by default; a managed site turns it off or points it at its own server', () => {
    expect(parse(base).updates).toEqual({ enabled: true });
    expect(parse({ ...base, updates: { enabled: false } }).updates.enabled).toBe(false);
    expect(parse({ ...base, updates: { url: 'https://updates.clinic.example/du' } }).updates.url).toBe('https://updates.clinic.example/du');
    expect(() => parse({ ...base, updates: { url: 'file:///srv/updates' } })).toThrow(/updates\.url/);
    expect(() => parse({ ...base, updates: { enable: false } })).toThrow(/unknown key "updates\.enable"/);
  });

  it('says what is wrong with a value in plain words, after its key', () => {
    const problems = (raw: unknown) => {
      try {
        parse(raw);
      } catch (error) {
        return (error as Error).message.replace(/^config: /, '').split('; ');
      }
      return [];
    };
    expect(problems({ ...base, transfer: { parallelParts: 0, parallelFiles: 1.5, partSizeMiB: '8', stallSeconds: 99_999 } })).toEqual([
      'transfer.partSizeMiB: must be a number',
      'transfer.parallelParts: must be at least 1',
      'transfer.parallelFiles: must be a whole number',
      'transfer.stallSeconds: must be at most 3600',
    ]);
    expect(
      problems({
        ...base,
        dataDir: '',
        server: { baseUrl: 'ftp://x', auth: { type: 'usr' } },
        folders: [{ id: 'a b', path: 'x', afterUpload: 'later' }, {}],
      }),
    ).toEqual([
      'dataDir: must not be empty',
      'server.baseUrl: must be a web address starting with https:// (or http://)',
      'server.auth.type: must be one of: "user", "service"',
      'folders[0].id: may use only letters, digits, "-" and "_" (at most 64)',
      'folders[0].afterUpload: must be one of: "leave", "move", "delete"',
      'folders[1].path: is required',
    ]);
  });

  it('names a folder for people as the config does: its own id when an IT person gave one, else its path', () => {
    const c = parse({ ...base, folders: [{ path: 'holter' }, { path: 'ecg', id: 'ecg-room-2' }] });
    expect(c.folders[0]!.id).toMatch(/^f-[0-9a-f]{12}$/);
    expect(folderLabel(c.folders[0]!)).toBe('/etc/du/holter');
    expect(folderLabel(c.folders[1]!)).toBe('ecg-room-2');
    expect(folderLabelById(c.folders, c.folders[0]!.id!)).toBe('/etc/du/holter');
    expect(folderLabelById(c.folders, 'f-000000000000')).toBe('f-000000000000'); // no longer in the config
  });

  it('refuses unknown keys, naming them', () => {
    expect(() => parse({ ...base, tranfser: {} })).toThrow(/unknown key "tranfser"/);
    expect(() => parse({ ...base, folders: [{ path: 'x', quiet: 3 }] })).toThrow(/unknown key "folders\[0\]\.quiet"/);
  });

  it('refuses bad values, naming the key', () => {
    expect(() => parse({ ...base, transfer: { partSizeMiB: 2 } })).toThrow(/transfer\.partSizeMiB/);
    expect(() => parse({ ...base, server: { ...base.server, baseUrl: 'ftp://x' } })).toThrow(/server\.baseUrl/);
    expect(() => parse({ ...base, folders: [{ path: 'x', afterUpload: 'move' }] })).toThrow(/folders\[0\]\.archiveDir/);
    expect(() => parse({ ...base, folders: [{ path: 'x', attach: { entity: 'patient', idPattern: '([0-9]+)', attribute: 'ecg' } }] })).toThrow(
      /folders\[0\]\.attach\.idPattern.*named group/,
    );
    expect(() =>
      parse({
        ...base,
        folders: [
          { path: 'a', id: 'same' },
          { path: 'b', id: 'same' },
        ],
      }),
    ).toThrow(/used twice/);
  });

  it('takes a per-upload attach rule, and names its missing key', () => {
    const rule = { entity: 'patient', idPattern: '^(?<id>[^/]+)/', attribute: 'recording' };
    const c = parse({
      ...base,
      folders: [{ path: 'x', attach: { ...rule, perUpload: { template: 'holter_recording', referenceAttribute: 'patient' } } }],
    });
    expect(c.folders[0]?.attach?.perUpload).toEqual({ template: 'holter_recording', referenceAttribute: 'patient' });
    expect(() => parse({ ...base, folders: [{ path: 'x', attach: { ...rule, perUpload: { template: 'holter_recording' } } }] })).toThrow(
      /folders\[0\]\.attach\.perUpload\.referenceAttribute/,
    );
  });

  it('takes secrets from the environment', () => {
    const noPassword = { ...base, server: { ...base.server, auth: { type: 'user', username: 'u' } } };
    expect(() => parse(noPassword)).toThrow(/DEVICE_UPLOADER_PASSWORD/);
    const c = parse(noPassword, { DEVICE_UPLOADER_PASSWORD: 'from-env' });
    expect(c.server.auth).toMatchObject({ password: 'from-env' });
    const service = { ...base, server: { ...base.server, auth: { type: 'service', id: 's1' } } };
    expect(parse(service, { DEVICE_UPLOADER_SECRET_KEY: 'k' }).server.auth).toMatchObject({ secretKey: 'k' });
  });

  it('explains a missing file and broken JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'du-config-'));
    expect(() => loadConfigFile(join(dir, 'nope.json'))).toThrow(/no such file/);
    writeFileSync(join(dir, 'bad.json'), '{ "dataDir": ');
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(ConfigError);
    expect(() => loadConfigFile(join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    // The message says where, never echoes the text (it may hold a password).
    writeFileSync(join(dir, 'secret.json'), '{\n  "password": hunter2secret\n}');
    expect(() => loadConfigFile(join(dir, 'secret.json'))).toThrow(/line 2, column \d+/);
    expect(() => loadConfigFile(join(dir, 'secret.json'))).not.toThrow(/hunter2/);
  });
  it('network: the proxy password from the environment, caFile resolved and checked, no password in a proxy URL', () => {
    expect(parse(base).network).toEqual({ noProxy: [] });
    const c = parse({ ...base, network: { proxy: 'http://svc@proxy.local:3128', noProxy: ['intranet'] } }, { DEVICE_UPLOADER_PROXY_PASSWORD: 'pw' });
    expect(c.network).toMatchObject({ proxy: 'http://svc@proxy.local:3128', proxyUsername: 'svc', proxyPassword: 'pw', noProxy: ['intranet'] });
    expect(() => parse({ ...base, network: { proxy: 'http://svc:secret@proxy.local:3128' } })).toThrow(/network\.proxy must not hold a password/);
    expect(() => parse({ ...base, network: { proxy: 'socks5://p:1080' } })).toThrow(/network\.proxy/);
    expect(() => parse({ ...base, network: { caFile: 'missing.pem' } })).toThrow(/network\.caFile: cannot read \/etc\/du\/missing\.pem \(ENOENT\)/);
    const dir = mkdtempSync(join(tmpdir(), 'du-ca-'));
    writeFileSync(join(dir, 'empty.pem'), 'not a certificate');
    expect(() => parseConfig({ ...base, network: { caFile: 'empty.pem' } }, { baseDir: dir })).toThrow(/holds no PEM certificate/);
  });
});
