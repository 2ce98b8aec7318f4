// `serve` for e2e tests: a config file over a test world (sandbox + S3 +
// inbox), the engine and control server started in-process (so tests can
// reach the store and the sandbox), and helpers for the page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServe, type Serving } from '../../app/cli/serve.ts';
import type { World } from './engine-harness.ts';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'e2e', 'screenshots');

/** Writes the world's config as a file (what `serve --config` reads) and starts serve on it. */
export async function serveWorld(world: World, transfer: Record<string, unknown> = {}): Promise<{ serving: Serving; configFile: string }> {
  const configFile = join(world.root, 'config.json');
  const raw = {
    dataDir: join(world.root, 'data'),
    server: { baseUrl: world.sandbox.url, auth: { type: 'user', ...world.sandbox.credentials.user } },
    folders: [{ id: 'holter', path: world.inbox, quietSeconds: 0.3 }],
    transfer: { partSizeMiB: 5, parallelParts: 2, parallelFiles: 2, ...transfer },
  };
  writeFileSync(configFile, `${JSON.stringify(raw, null, 2)}\n`);
  const serving = await startServe(configFile, { env: {}, engine: { transfer: { retryBaseMs: 20, retryMaxMs: 200 } } });
  return { serving, configFile };
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
  return path;
}
