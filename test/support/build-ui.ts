// Vitest global setup: builds the renderer (renderer/dist) so the e2e tests
// drive the UI as it is now, not a stale build. Vite's API, in-process: about
// a second, and the build is the same one `npm run build:ui` makes.
import { join } from 'node:path';
import { build } from 'vite';

export async function setup(): Promise<void> {
  await build({ configFile: join(import.meta.dirname, '..', '..', 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}
