// Bundles the desktop app's three Node-side entries to JavaScript for Electron,
// which does not strip TypeScript types the way Node 24 does:
//   main/electron-main.ts    -> out/main/electron-main.js  (ESM, package.json "main")
//   main/preload.ts          -> out/preload/preload.cjs    (CommonJS: a sandboxed preload cannot be ESM)
//   app/host/engine-entry.ts -> out/host/engine-entry.js   (ESM, the engine's utility process)
// electron is provided by the runtime; better-sqlite3 is native and is loaded
// from node_modules (unpacked from the asar). Everything else is inlined.
// And the headless CLI the same way, for bin/device-uploader.js (not packaged):
//   app/cli/index.ts         -> out/cli/cli.js + chunks    (ESM, split at each lazy import)
//
// Usage: node scripts/build-main.ts [--out DIR]   (default: out/ beside package.json)
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

/** Electron 45 embeds Node 24 and Chromium 142. */
const NODE_TARGET = 'node24';
const CHROME_TARGET = 'chrome142';

const external = ['electron', 'better-sqlite3'];

// ESM bundles that inline CommonJS packages (electron-updater, chokidar's deps...)
// need a real `require` for the externals those packages require().
const esmRequireBanner =
  "import { createRequire as __duCreateRequire } from 'node:module';\n" + 'const require = __duCreateRequire(import.meta.url);';

export interface BuildMainOptions {
  outDir?: string;
}

/**
 * The desktop app's demo runs the sandbox on its embedded disk store; the S3
 * store (and the AWS SDK under it, ~3 MB with an optional native signer) is
 * for tests and `device-uploader sandbox --s3-endpoint` only. In the bundle it
 * is a stub that says so, so the app ships what it runs and nothing else.
 */
const withoutS3Sandbox: Plugin = {
  name: 'without-s3-sandbox',
  setup(b) {
    b.onLoad({ filter: /[\\/]app[\\/]sandbox[\\/]s3-store\.ts$/ }, () => ({
      loader: 'ts',
      contents: `export class S3Store { constructor() { throw new Error('the desktop app has no S3-backed sandbox; run \`device-uploader sandbox --s3-endpoint\` from a clone'); } }`,
    }));
  },
};

/**
 * The headless CLI as `npm install` leaves it (prepare): the engine as the
 * desktop app runs it, bundled, so `device-uploader run` does not load Node's
 * TypeScript stripping nor parse ~150 modules one by one (~30 MiB less RSS).
 * Split at its dynamic imports: a command loads its own chunks only (`run`
 * never loads the sandbox, the control server or the window's schemas). The
 * AWS SDK stays in node_modules: only `sandbox --s3-endpoint` imports it.
 * bin/device-uploader.js runs it while every file of CLI_SOURCES is older.
 */
function cliBuild(common: BuildOptions, outDir: string): BuildOptions {
  return {
    ...common,
    entryPoints: { cli: join(root, 'app', 'cli', 'index.ts') },
    outdir: join(outDir, 'cli'),
    // In out/cli/, two folders below the root like app/control/: static.ts finds renderer/dist the same way.
    chunkNames: '[name]-[hash]',
    format: 'esm',
    splitting: true,
    target: NODE_TARGET,
    banner: { js: esmRequireBanner },
    external: [...external, '@aws-sdk/*'],
    metafile: true,
  };
}

/** The project files the CLI bundle was built from (root-relative), for bin/device-uploader.js's freshness check. */
export const CLI_SOURCES = 'cli/sources.json';
const CLI_ENTRY = join('cli', 'cli.js');

export async function buildMain(options: BuildMainOptions = {}): Promise<string> {
  const outDir = options.outDir ?? join(root, 'out');
  const common: BuildOptions = {
    // Metafile input paths relative to the project (CLI_SOURCES).
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    external,
    sourcemap: 'linked',
    logLevel: 'warning',
    // Keeps class and function names in stack traces and in `error.name` checks.
    keepNames: true,
    legalComments: 'none',
    // Written below, file by file, so a test reading out/ never sees half a bundle.
    write: false,
  };
  const results = await Promise.all([
    build({
      ...common,
      entryPoints: {
        'main/electron-main': join(root, 'main', 'electron-main.ts'),
        'host/engine-entry': join(root, 'app', 'host', 'engine-entry.ts'),
      },
      outdir: outDir,
      format: 'esm',
      target: NODE_TARGET,
      banner: { js: esmRequireBanner },
      plugins: [withoutS3Sandbox],
    }),
    build({
      ...common,
      entryPoints: [join(root, 'main', 'preload.ts')],
      outfile: join(outDir, 'preload', 'preload.cjs'),
      format: 'cjs',
      target: [NODE_TARGET, CHROME_TARGET],
    }),
    build(cliBuild(common, outDir)),
  ]);
  const written = new Set<string>();
  const write = (path: string, contents: Uint8Array | string) => {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, contents);
    renameSync(temp, path);
    written.add(relative(outDir, path));
  };
  const files = results.flatMap((r) => r.outputFiles ?? []);
  // The CLI's entry last: bin/device-uploader.js takes the bundle only once it exists, newer than its sources.
  for (const file of files.filter((f) => relative(outDir, f.path) !== CLI_ENTRY)) write(file.path, file.contents);
  const inputs = Object.keys(results.at(-1)?.metafile?.inputs ?? {}).filter((input) => !input.includes('node_modules/'));
  write(join(outDir, CLI_SOURCES), JSON.stringify(inputs));
  for (const file of files.filter((f) => relative(outDir, f.path) === CLI_ENTRY)) write(file.path, file.contents);
  // The tray's state icons, read at run time from beside the bundles (main/electron-main.ts).
  mkdirSync(join(outDir, 'icons'), { recursive: true });
  for (const icon of readdirSync(join(root, 'main', 'icons')).filter((n) => n.endsWith('.png'))) {
    copyFileSync(join(root, 'main', 'icons', icon), join(outDir, 'icons', icon));
    written.add(join('icons', icon));
  }
  // Files of earlier builds (a renamed entry) would otherwise be packaged too.
  for (const name of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
    const path = join(outDir, name);
    if (!written.has(name) && statSync(path).isFile()) rmSync(path);
  }
  return outDir;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = await buildMain(values.out ? { outDir: resolve(values.out) } : {});
  console.log(`built main, preload, engine entry and CLI into ${outDir}`);
}
