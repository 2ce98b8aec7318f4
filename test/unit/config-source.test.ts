// Which config a start runs on (desktop app, `start`): --config, then DEVICE_UPLOADER_CONFIG, then the data folder's, else the demo.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { configSource } from '../../app/host/config-source.ts';

let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'du-home-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));
const write = (baseUrl: string) => writeFileSync(join(home, 'config.json'), JSON.stringify({ server: { baseUrl } }));

it('takes --config FILE (both spellings) first, then the environment, resolved against the working folder', () => {
  const env = { DEVICE_UPLOADER_CONFIG: 'env.json' };
  expect(configSource(['app', '--config', 'a.json'], env, home, '/w')).toEqual({ kind: 'file', file: '/w/a.json', from: 'flag' });
  expect(configSource(['app', '--config=/abs/b.json'], env, home, '/w')).toEqual({ kind: 'file', file: '/abs/b.json', from: 'flag' });
  expect(configSource(['app'], env, home, '/w')).toEqual({ kind: 'file', file: '/w/env.json', from: 'env' });
});

it("uses the data folder config, and runs the demo on a first run or on the demo's own config", () => {
  const file = join(home, 'config.json');
  expect(configSource(['app'], {}, home)).toEqual({ kind: 'demo', file });
  write('http://127.0.0.1:41234');
  expect(configSource(['app'], {}, home)).toEqual({ kind: 'demo', file });
  write('https://api.clinic.biot-med.com');
  expect(configSource(['app'], {}, home)).toEqual({ kind: 'file', file, from: 'data-folder' });
});
