// Issue 16: the login refused, then accepted again (a password reset by IT,
// an account unlocked, a service key replaced). Uploads used to stop until a
// person pressed Retry, and a refusal whose code was not on a fixed list left
// the banner at "connected". Now any refusal shows the login banner, the
// engine tries the login again by itself (a short wait here; minutes in
// production), and at once when the credentials change in Settings; uploads
// then go on by themselves. Real SQLite, real files, the sandbox over radosgw.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ConnectionStatus, SettingsInput } from '../../app/api.ts';
import type { Config } from '../../app/config/schema.ts';
import { createEngine, type EngineOptions } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';

const KiB = 1024;

describeWithS3('the login refused, then accepted again', (target) => {
  const t = worldPerTest(target);

  /** Starts an engine with its connection states recorded as they come. */
  function start(config: Config, options: EngineOptions = {}) {
    const engine = createEngine(config, options);
    t.engine = engine;
    const states: ConnectionStatus['state'][] = [];
    engine.onEvent((e) => e.type === 'connection' && states.push(e.connection.state));
    engine.start({ watch: false });
    return { engine, states };
  }
  const stateOf = (engine: Engine, id: number) => engine.store.fileById(id)!.state;

  it('shows the login banner for a refusal outside the known codes, and uploads once BioT accepts again, by itself', async () => {
    const sha256 = writeRandomFile(join(t.world.inbox, 'ecg.pdf'), 200 * KiB);
    // An account disabled for a moment: a 401 code no list of ours names.
    t.world.sandbox.faults.add({ op: 'ums.login', status: 401, code: 'USER_SUSPENDED' });
    const { engine, states } = start(t.world.config(), { signInRetry: { baseMs: 400, maxMs: 2_000 } });
    const row = (await engine.enqueue(join(t.world.inbox, 'ecg.pdf')))!;
    await until('the login banner', () => states.includes('credentials-refused'), { seen: () => states });
    expect(engine.heldBecause()).toMatch(/BioT refused the login \(USER_SUSPENDED\)/);
    await until('the file to be done, with no Retry pressed', () => stateOf(engine, row.id) === 'done', {
      seen: () => [stateOf(engine, row.id), states, t.world.sandbox.calls('ums.login')],
    });
    expect((await engine.snapshot()).connection.state).toBe('ok');
    expect(engine.heldBecause()).toBeUndefined();
    expect(t.world.sandbox.calls('ums.login')).toBe(2);
    expect(await downloadedSha256(t.world.biot, engine.store.fileById(row.id)!.biotFileId!)).toEqual({ sha256, size: 200 * KiB });
  }, 60_000);

  it('tries new credentials at once when they are saved in Settings', async () => {
    const good = t.world.config();
    if (good.server.auth.type !== 'user') throw new Error('the harness signs in as a user');
    const configFile = join(t.world.root, 'config.json');
    const wrong = { ...good, server: { ...good.server, auth: { ...good.server.auth, password: 'before-the-reset' } } };
    writeFileSync(configFile, JSON.stringify(wrong));
    writeRandomFile(join(t.world.inbox, 'holter.edf'), 300 * KiB);
    // Waits of an hour: only the saved credentials can explain a second login.
    const { engine, states } = start(wrong, { configFile, env: {}, signInRetry: { baseMs: 3_600_000, maxMs: 3_600_000 } });
    const row = (await engine.enqueue(join(t.world.inbox, 'holter.edf')))!;
    await until('the login banner', () => states.includes('credentials-refused'), { seen: () => states });
    await holdsFor('no second login by itself', 500, () => t.world.sandbox.calls('ums.login') === 1);
    const input: SettingsInput = {
      server: { baseUrl: good.server.baseUrl, auth: { type: 'user', username: good.server.auth.username, password: good.server.auth.password! } },
      folders: (await engine.settings()).folders,
      transfer: good.transfer,
    };
    expect(await engine.saveSettings(input)).toEqual({ ok: true, restartNeeded: [] });
    await until('the file to be done', () => stateOf(engine, row.id) === 'done', {
      seen: () => [stateOf(engine, row.id), states, t.world.sandbox.calls('ums.login')],
    });
    expect(t.world.sandbox.calls('ums.login')).toBe(2);
    expect(states.at(-1)).toBe('ok');
  }, 60_000);
});
