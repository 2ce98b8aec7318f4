// npm start's check for the Electron binary, without importing electron (which would try to download it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-binary.ts';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'du-electron-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('finds the binary only when path.txt names one that exists', () => {
  expect(electronBinary(dir, {})).toBeUndefined();
  writeFileSync(join(dir, 'path.txt'), 'electron');
  expect(electronBinary(dir, {})).toBeUndefined(); // the download never happened
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'electron'), '');
  expect(electronBinary(dir, {})).toBe(join(dir, 'dist', 'electron'));
});

it('honours ELECTRON_OVERRIDE_DIST_PATH as electron does', () => {
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'electron'), '');
  expect(electronBinary(join(dir, 'missing'), { ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'other') })).toBe(join(dir, 'other', 'electron'));
});
