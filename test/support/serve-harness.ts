// `serve` for e2e tests: a config file over a test world (sandbox + S3 +
// inbox), the engine and control server started in-process (so tests can
// reach the store and the sandbox), and helpers for the page.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServe, type Serving } from '../../app/cli/serve.ts';
import type { World } from './engine-harness.ts';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'e2e', 'screenshots');
/** The README's pictures of the window (`npm run screenshots` takes them again). */
export const DOCS_SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'window');
/** Which screenshots the README shows; the others stay in test/e2e/screenshots (git-ignored). */
const DOCS_SHOTS = new Set([
  'queue-uploading.png',
  'queue-paused.png',
  'window-stopped.png',
  'window-login-refused.png',
  'settings-error.png',
  'history.png',
]);

export interface ServeWorldOptions {
  /** A password other than the sandbox's (a login BioT refuses). */
  password?: string;
  /** The folder's id in the config; null leaves it out (the engine derives one from the path). */
  folderId?: string | null;
}

/** Writes the world's config as a file (what `serve --config` reads) and starts serve on it. */
export async function serveWorld(
  world: World,
  transfer: Record<string, unknown> = {},
  options: ServeWorldOptions = {},
): Promise<{ serving: Serving; configFile: string }> {
  const configFile = join(world.root, 'config.json');
  const user = { ...world.sandbox.credentials.user, ...(options.password !== undefined && { password: options.password }) };
  const folderId = options.folderId === undefined ? 'holter' : options.folderId;
  const raw = {
    dataDir: join(world.root, 'data'),
    server: { baseUrl: world.sandbox.url, auth: { type: 'user', ...user } },
    folders: [{ ...(folderId !== null && { id: folderId }), path: world.inbox, quietSeconds: 0.3 }],
    transfer: { partSizeMiB: 5, parallelParts: 2, parallelFiles: 2, ...transfer },
  };
  writeFileSync(configFile, `${JSON.stringify(raw, null, 2)}\n`);
  return { serving: await serveConfig(configFile), configFile };
}

/** Starts serve on a config file as the e2e tests do (quick retries); again on the same file is a restart. */
export function serveConfig(configFile: string): Promise<Serving> {
  return startServe(configFile, { env: {}, engine: { transfer: { retryBaseMs: 20, retryMaxMs: 200 } } });
}

/** A queue row by file name (rows are pooled elements: ask again rather than hold one). */
export function queueRow(page: Page, name: string) {
  return page.locator('.q-row', { has: page.locator('.q-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
}

export async function waitForState(page: Page, name: string, state: string, timeout = 60_000): Promise<void> {
  try {
    await queueRow(page, name)
      .and(page.locator(`[data-state="${state}"]`))
      .waitFor({ timeout });
  } catch (error) {
    // Say what the row showed instead, so a timeout tells its story.
    const shown = await queueRow(page, name)
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => 'no such row on screen');
    throw new Error(`${name} never reached ${state}; the row shows: ${shown}`, { cause: error });
  }
}

export async function screenshot(page: Page, file: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, file);
  await page.screenshot({ path });
  if (process.env.DU_DOCS_SCREENSHOTS && DOCS_SHOTS.has(file)) {
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(DOCS_SCREENSHOTS, file));
  }
  return path;
}
