#!/usr/bin/env node
// Entry for `npx device-uploader`: checks the Node version first, because the
// engine is TypeScript run by Node 24's type stripping and older Nodes would
// fail with a confusing syntax error instead of saying what is wrong.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`device-uploader needs Node.js 24 or later; this is ${process.version}. See "Set up" in the README.`);
  process.exit(1);
}
const { main } = await import('../app/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
