// New server settings applied to a running engine (app/engine/apply-server.ts):
// a file the old login stopped (the account locked: held in the queue while
// the engine's own tries of the login wait minutes, issue 16) goes on at once
// when the login changes, with no restart and no Retry; the connection the old
// login taught is forgotten. Disk sandbox.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { ConnectionStatus } from '../../app/api.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { until } from '../support/wait.ts';

const t = worldPerTest(undefined);

it('a locked-out file goes on after the login is changed in the running engine', async () => {
  const config = t.world.config();
  const engine = createEngine(config, { transfer: { retryBaseMs: 10, retryMaxMs: 50 } });
  t.engine = engine;
  const shown: ConnectionStatus['state'][] = [];
  engine.onEvent((e) => e.type === 'connection' && shown.push(e.connection.state));
  t.world.sandbox.lock('user');
  engine.start({ watch: false });
  writeFileSync(join(t.world.inbox, 'holter-0401.edf'), 'an export\n'.repeat(1000));
  const row = await engine.enqueue(join(t.world.inbox, 'holter-0401.edf'));
  const state = () => engine.store.fileById(row!.id)?.state;
  await until('the file to be held (account locked)', () => shown.includes('locked') && state() === 'queued', { seen: state });
  expect(engine.store.fileById(row!.id)?.lastErrorCode).toBe('USER_LOCKED');
  expect(engine.heldBecause()).toMatch(/USER_LOCKED/);

  // An administrator unlocks the account and Settings are saved with a change to what the BioT client is built from.
  t.world.sandbox.unlock('user');
  engine.reconfigure({ ...config, server: { ...config.server }, transfer: { ...config.transfer, requestTimeoutSeconds: 45 } });
  await until('the file to be uploaded', () => state() === 'done', { seen: state });
  expect(shown).toEqual(['locked', 'unknown', 'ok']);
  expect((await engine.snapshot({ limit: 0 })).connection.state).toBe('ok');
});
