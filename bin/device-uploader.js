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
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`device-uploader needs Node.js 24 or later; this is ${process.version}. See "Set up" in the README.`);
  process.exit(1);
}

/** Whether the bundle's entry is newer than every file it was built from. */
function freshBundle() {
  if (process.env.DEVICE_UPLOADER_FROM_SOURCES) return false;
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    const entry = join(root, 'out', 'cli', 'cli.js');
    const built = statSync(entry).mtimeMs;
    const sources = JSON.parse(readFileSync(join(root, 'out', 'cli', 'sources.json'), 'utf8'));
    for (const source of sources) if (statSync(join(root, source)).mtimeMs > built) return false;
    return true;
  } catch {
    return false; // not built, or a source gone: the sources know best
  }
}

// Both named literally, so the import-boundary table can check them.
const { main } = freshBundle() ? await import('../out/cli/cli.js') : await import('../app/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
