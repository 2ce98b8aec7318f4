// The window's saved address (app/cli/window-address.ts) has a lifetime: its
// token is used again only soon after the run that held it was last known
// alive (its heartbeat while running, its clean stop), and a new one is made
// otherwise. Real control servers on loopback, the file in a temp folder, the
// clock injected.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { UploaderApi } from '../../app/api.ts';
import { ADDRESS_FILE, readSavedAddress, REUSE_WINDOW_MS, startOnSavedAddress, type SavedAddress } from '../../app/cli/window-address.ts';
import { until } from '../support/wait.ts';

const api = {} as UploaderApi; // no request reaches it here
const MIN = 60_000;
let dir: string;
let clock: number;
const now = () => clock;
const start = () => startOnSavedAddress(api, dir, { now });
const saved = (): SavedAddress => readSavedAddress(dir)!;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-address-'));
  clock = Date.UTC(2026, 11, 1, 9);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a clean stop records when it ended; a start within the reuse window serves the same address', async () => {
  const first = await start();
  clock += 3 * MIN;
  await first.close();
  expect(saved()).toEqual({ port: first.port, token: first.token, cookie: first.cookie, aliveAt: clock });

  clock += REUSE_WINDOW_MS - 1;
  const second = await start();
  await second.close();
  expect([second.port, second.token, second.cookie]).toEqual([first.port, first.token, first.cookie]);
});

it('a start after the reuse window makes a new token and cookie name (same port when it is free), and saves them', async () => {
  const first = await start();
  await first.close();
  clock += REUSE_WINDOW_MS + 1;
  const second = await start();
  await second.close();
  expect(second.port).toBe(first.port);
  expect(second.token).not.toBe(first.token);
  expect(second.cookie).not.toBe(first.cookie);
  expect(saved()).toMatchObject({ token: second.token, cookie: second.cookie });
});

it('an address saved without a time (an older version) is not reused', async () => {
  const first = await start();
  await first.close();
  const { aliveAt: _, ...old } = saved();
  writeFileSync(join(dir, ADDRESS_FILE), JSON.stringify(old));
  const second = await start();
  await second.close();
  expect(second.token).not.toBe(first.token);
});

it('a running instance refreshes the time while it runs, so a crash leaves its last heartbeat', async () => {
  const running = await startOnSavedAddress(api, dir, { now, heartbeatMs: 20 });
  try {
    clock += 30 * MIN;
    const heartbeat = clock;
    await until('the heartbeat to be written', () => saved().aliveAt === heartbeat, { timeoutMs: 5_000, everyMs: 10 });
    expect(JSON.parse(readFileSync(join(dir, ADDRESS_FILE), 'utf8'))).toMatchObject({ token: running.token, aliveAt: heartbeat });
  } finally {
    await running.close();
  }
});
