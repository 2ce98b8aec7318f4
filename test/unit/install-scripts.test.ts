// npm 11 warns about dependencies' install scripts that package.json's
// allowScripts does not cover, and a later npm skips them. This project runs
// none: better-sqlite3 ships prebuilt binaries (its implicit `node-gyp
// rebuild` only finds them and compiles nothing), and electron-winstaller's
// script picks a 7-Zip for Squirrel installers, which electron-builder's NSIS
// target never uses, and esbuild's postinstall only checks that its platform
// binary package (@esbuild/linux-x64 and kin, optional dependencies) is there,
// downloading one otherwise: npm installs it as a package (the packaging test
// runs esbuild). These tests fail when a new dependency brings an install
// script nobody looked at, or when the SQLite binary stops coming prebuilt.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { name?: string }> };

/** Installed dependencies that would run a script at install (npm adds `node-gyp rebuild` for a binding.gyp). */
function packagesWithInstallScripts(): string[] {
  const found = new Set<string>();
  for (const path of Object.keys(lock.packages)) {
    if (!path.startsWith('node_modules/')) continue;
    const manifest = join(repo, path, 'package.json');
    if (!existsSync(manifest)) continue; // an optional dependency for another platform
    const { name, scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; scripts?: Record<string, string> };
    if (scripts.preinstall || scripts.install || scripts.postinstall || existsSync(join(repo, path, 'binding.gyp'))) found.add(name);
  }
  return [...found].sort();
}

it('every dependency with an install script is reviewed in package.json allowScripts', () => {
  const reviewed = Object.keys(pkg.allowScripts ?? {})
    .map((key) => key.replace(/@[^@/]*$/, ''))
    .sort();
  const unreviewed = packagesWithInstallScripts().filter((name) => !reviewed.includes(name));
  expect(unreviewed, 'add each to allowScripts (true or false) after checking what its script does').toEqual([]);
});

it('better-sqlite3 loads its prebuilt binary, so its denied gyp step is not needed', () => {
  // lib/binding.js is not in the package's exports; load the file itself.
  const require = createRequire(import.meta.url);
  const binding = require(join(repo, 'node_modules', 'better-sqlite3', 'lib', 'binding.js')) as { getPrebuildPath(): string | null };
  expect(binding.getPrebuildPath(), `no prebuilt better-sqlite3 for ${process.platform}-${process.arch}`).toMatch(/prebuilds/);
  expect(
    existsSync(join(repo, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')),
    'a compiled binary would shadow the prebuilt one',
  ).toBe(false);
});
