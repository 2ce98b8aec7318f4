// Packaging as `npm run dist` does it, minus the installers: bundle main,
// preload and engine entry, then run electron-builder's `--dir` target with
// electron-builder.yml against a stand-in Electron distribution (the real
// binary cannot be downloaded here). Then read what came out: the fuses burnt
// into the binary, the asar's file list, the unpacked native module and the
// update feed.
// Not covered: the NSIS/dmg/AppImage/deb installers themselves (they need
// makensis, macOS, and tools electron-builder downloads) and starting the app
// (test/e2e/desktop-packaged.test.ts, which needs the real binary).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { FuseV1Options } from '@electron/fuses/dist/config.js';
import { FuseState } from '@electron/fuses/dist/constants.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNodeBuiltin } from '../support/import-boundaries.ts';
import { writeElectronStandin } from '../support/electron-standin.ts';
import { packApp } from '../support/pack-app.ts';

const UPDATE_URL = 'https://updates.example.invalid/device-uploader';

let work: string;
let appDir: string;
let binary: string;
let asarPath: string;
let entries: string[];

// electron-builder's Linux layout; other hosts would build their own platform's.
describe.skipIf(process.platform !== 'linux')('packaged app (electron-builder --dir, stand-in Electron)', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'du-pack-'));
    writeElectronStandin(join(work, 'electron-dist'));
    const packed = await packApp({ electronDist: join(work, 'electron-dist'), outputDir: join(work, 'dist'), updateUrl: UPDATE_URL });
    appDir = packed.appDir;
    binary = packed.binary;
    asarPath = packed.asar;
    entries = listPackage(asarPath, { isPack: false });
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('burns in the fuses of the security checklist', async () => {
    const wire = await getCurrentFuseWire(binary);
    const state = (fuse: FuseV1Options) => wire[fuse];
    expect(state(FuseV1Options.RunAsNode)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(FuseState.DISABLE);
  });

  it('holds the built entries, package.json main among them, and the window', () => {
    const main = (JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main: string }).main;
    expect(main).toBe('out/main/electron-main.js');
    expect(entries).toEqual(
      expect.arrayContaining([
        `/${main}`,
        '/out/preload/preload.cjs',
        '/out/host/engine-entry.js',
        '/renderer/dist/index.html',
        '/out/icons/tray-ok.png',
        '/out/icons/tray-attention.png',
      ]),
    );
    // A sandboxed preload is loaded as a classic script: CommonJS, no import statements.
    const preload = extractFile(asarPath, 'out/preload/preload.cjs').toString('utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).not.toMatch(/^\s*(import|export)\b/m);
  });

  it('holds no sources, tests, bench, scripts, source maps, the headless CLI or bundled-away dependencies', () => {
    const unwanted = entries.filter(
      (e) =>
        /\.(ts|mts|cts|map)$/.test(e) ||
        /^\/(app|main|test|bench|scripts|bin|build|\.ci|out\/cli)(\/|$)/.test(e) ||
        (e.startsWith('/node_modules/') && !e.startsWith('/node_modules/better-sqlite3')),
    );
    expect(unwanted).toEqual([]);
    // better-sqlite3: its runtime only (no C sources, no other platforms' binaries).
    expect(entries.filter((e) => /better-sqlite3\/(src|deps)\//.test(e))).toEqual([]);
    expect(entries.filter((e) => e.includes('/prebuilds/'))).toEqual(['/node_modules/better-sqlite3/prebuilds/linux-x64.node']);
  });

  it('bundles no test helpers (so nothing in the app drives the sandbox fault knobs) and needs no other module at run time', () => {
    for (const bundle of ['out/main/electron-main.js', 'out/host/engine-entry.js', 'out/preload/preload.cjs']) {
      const code = extractFile(asarPath, bundle).toString('utf8');
      // esbuild marks each inlined module with a "// path" comment.
      const modules = [...code.matchAll(/^\/\/ ((?:app|main|test|bench|scripts)\/\S+\.ts)$/gm)].map((m) => m[1]);
      expect(modules.length, bundle).toBeGreaterThan(0);
      expect(
        modules.filter((m) => /^(test|bench|scripts)\//.test(m!) || /\.test\.ts$/.test(m!)),
        bundle,
      ).toEqual([]);
      // Top-level imports and require() calls (not the same words inside strings or templates).
      const required = [
        ...[...code.matchAll(/^(?:import|export)\b[^\n]*?\bfrom "([^"]+)";?$/gm)].map((m) => m[1]!),
        ...[...code.matchAll(/(?<![\w$.])(?:__require|require)\("([^"]+)"\)/g)].map((m) => m[1]!),
      ];
      const outside = required.filter((s) => !isNodeBuiltin(s) && s !== 'electron' && s !== 'better-sqlite3');
      expect(outside, bundle).toEqual([]);
    }
  });

  it('unpacks better-sqlite3, and the unpacked copy opens a database', () => {
    const native = 'node_modules/better-sqlite3/prebuilds/linux-x64.node';
    expect((statFile(asarPath, native) as { unpacked?: boolean }).unpacked).toBe(true);
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3');
    expect(existsSync(join(unpacked, native.split('better-sqlite3/')[1]!))).toBe(true);
    // Node-API: the same prebuild serves Electron's Node, so Node can prove it loads.
    const Database = createRequire(join(work, 'x.js'))(unpacked) as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    expect(db.prepare('select 41 + 1 as n').get()).toEqual({ n: 42 });
    db.close();
  });

  it('writes app-update.yml with the generic update URL given at build time', () => {
    const yml = readFileSync(join(appDir, 'resources', 'app-update.yml'), 'utf8');
    expect(yml).toMatch(/^provider: generic$/m);
    expect(yml).toContain(`url: ${UPDATE_URL}`);
    expect(yml).toMatch(/^updaterCacheDirName: \S+$/m);
  });
});
