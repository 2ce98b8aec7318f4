// The desktop app reads its update settings from the config it runs on, and a
// config it cannot use for updates never switches them off by accident.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { updateSettings } from '../../main/update-settings.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'du-updates-'));
  dirs.push(dir);
  const file = join(dir, 'config.json');
  writeFileSync(file, text);
  return file;
}

describe('update settings of the desktop app', () => {
  it('takes updates.enabled and updates.url from the config file, BOM or not', () => {
    const file = configFile(`\uFEFF${JSON.stringify({ dataDir: 'd', updates: { enabled: false, url: 'https://updates.clinic.example/du/' } })}`);
    expect(updateSettings({ kind: 'file', file, from: 'flag' })).toEqual({ enabled: false, url: 'https://updates.clinic.example/du/' });
  });

  it('defaults to on for the demo, a config without the key, or one that cannot be read', () => {
    const on = { enabled: true };
    expect(updateSettings({ kind: 'demo', file: '/nowhere/config.json' })).toEqual(on);
    expect(updateSettings({ kind: 'file', file: configFile('{"dataDir":"d"}'), from: 'env' })).toEqual(on);
    expect(updateSettings({ kind: 'file', file: configFile('{not json'), from: 'data-folder' })).toEqual(on);
    expect(updateSettings({ kind: 'file', file: configFile('{"updates":{"enabled":"no"}}'), from: 'flag' })).toEqual(on);
  });
});
