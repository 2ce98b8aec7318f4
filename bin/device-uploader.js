#!/usr/bin/env node
// Entry for `npx device-uploader`: checks the Node version first, because the
// engine is TypeScript run by Node 24's type stripping and older Nodes would
// fail with a confusing syntax error instead of saying what is wrong.
//
// Then it runs the bundle `npm install` built (out/cli/, scripts/build-main.ts),
// as the desktop app runs its engine: no TypeScript stripping loaded, one
// module graph, about 30 MiB less memory. Only while every source it was
// built from is older than it: after an edit, a pull or a checkout the
// sources run, so what runs is never behind what is on disk.
// DEVICE_UPLOADER_FROM_SOURCES=1 runs the sources in any case.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`device-uploader needs Node.js 24 or later; this is ${process.version}. See "Set up" in the README.`);
  process.exit(1);
}

/** The bundle's entry when it is newer than every file it was built from; undefined otherwise. */
function freshBundle() {
  if (process.env.DEVICE_UPLOADER_FROM_SOURCES) return undefined;
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    const entry = join(root, 'out', 'cli', 'cli.js');
    const built = statSync(entry).mtimeMs;
    const sources = JSON.parse(readFileSync(join(root, 'out', 'cli', 'sources.json'), 'utf8'));
    for (const source of sources) if (statSync(join(root, source)).mtimeMs > built) return undefined;
    return pathToFileURL(entry).href;
  } catch {
    return undefined; // not built, or a source gone: the sources know best
  }
}

const bundle = freshBundle();
const { main } = await import(bundle ?? '../app/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
