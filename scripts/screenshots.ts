// `npm run screenshots`: takes the README's pictures of the window again. They
// are the e2e tests' own screenshots (Chromium on the window served by
// `serve`, over the sandbox and radosgw), copied into docs/window/ when
// DU_DOCS_SCREENSHOTS is set; test/support/serve-harness.ts lists which.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const files = ['test/e2e/queue.test.ts', 'test/e2e/window-states.test.ts', 'test/e2e/window-login.test.ts'];
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...files, '--maxWorkers=1'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DU_DOCS_SCREENSHOTS: '1' },
});
child.on('exit', (code) => process.exit(code ?? 1));
