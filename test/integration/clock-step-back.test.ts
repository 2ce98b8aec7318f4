// Issue 16: the PC clock is stepped back (an NTP correction, a person fixing
// the time) while a failed step waits for its retry and while a new export
// waits out its quiet period. The engine is `device-uploader run` in its own
// process with Debian's libfaketime preloaded: the wall clock (Date.now) moves
// as the test writes the offset file, the monotonic clock does not (as on a
// real PC). Both exports must go on in seconds, not two hours later; and a
// retry stored while the clock was 2 h ahead must not wait 2 h after a
// restart on a corrected clock.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../soak/child-engine.ts';
import { queueFiles } from '../soak/queue-reader.ts';
import { faketimeMissing, LIBFAKETIME } from '../soak/scenarios/clock-skew.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/wait.ts';

const KiB = 1024;

describeWithS3('the PC clock stepped back', (target) => {
  const missing = faketimeMissing();
  let world: World;
  let engine: EngineProcess | undefined;

  beforeEach(async () => {
    world = await createWorld(target);
  });
  afterEach(async () => {
    if (engine && engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill('SIGKILL');
    await engine?.exited;
    engine = undefined;
    await world.dispose();
  });

  /** Writes the config (folders: id -> quietSeconds) and answers its path. */
  function configFile(folders: Record<string, number>): string {
    const config = world.config({ folders: Object.entries(folders).map(([id, quietSeconds]) => ({ id, path: join(world.root, id), quietSeconds })) });
    const file = join(world.root, 'config.json');
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  /** libfaketime reading its offset from `rc` (re-read every second); the monotonic clock left alone. */
  function fakeClock(rc: string, offset: string): NodeJS.ProcessEnv {
    writeFileSync(rc, `${offset}\n`);
    return { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: rc, FAKETIME_CACHE_DURATION: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' };
  }

  const folder = (id: string) => {
    const path = join(world.root, id);
    mkdirSync(path);
    return path;
  };
  const states = () => queueFiles(join(world.root, 'data')).map((f) => `${f.folderId}:${f.state}`);

  it.skipIf(missing !== undefined)(
    `retries and quiet periods still end on time after a 2 h step back${missing ? ` [skipped: ${missing}]` : ''}`,
    async () => {
      const retrying = folder('retrying');
      const quiet = folder('quiet');
      writeRandomFile(join(retrying, 'a.edf'), 300 * KiB);
      writeRandomFile(join(quiet, 'b.edf'), 300 * KiB);
      // The first create is refused: a.edf waits a 1-2 s retry. b.edf waits its 10 s quiet period.
      world.sandbox.faults.add({ op: 'file.createSingle', status: 503 });
      const rc = join(world.root, 'faketime.rc');
      engine = startEngine(configFile({ retrying: 0, quiet: 10 }), { env: fakeClock(rc, '+0') });
      await until('a.edf to wait for its retry', () => states().includes('retrying:failed') || engine!.child.exitCode !== null, {
        seen: states,
      });
      // The step must land while b.edf still waits (not even queued yet), or it proves nothing for the quiet period.
      expect(states().filter((s) => s.startsWith('quiet:'))).toEqual([]);
      writeFileSync(rc, '-2h\n');
      // Both go on in seconds: the retry's due time and the quiet period are durations, not wall-clock times.
      await until('both exports to be done', () => states().filter((s) => s.endsWith(':done')).length === 2, {
        timeoutMs: 60_000,
        seen: () => [states(), engine!.output()],
      });
      expect(world.sandbox.calls('file.createSingle')).toBe(3);
    },
    120_000,
  );

  it.skipIf(missing !== undefined)(
    `a retry stored while the clock was 2 h ahead is due at once after a restart on the right time${missing ? ` [skipped: ${missing}]` : ''}`,
    async () => {
      const retrying = folder('retrying');
      writeRandomFile(join(retrying, 'a.edf'), 300 * KiB);
      world.sandbox.faults.add({ op: 'file.createSingle', status: 503 });
      const config = configFile({ retrying: 0 });
      engine = startEngine(config, { env: fakeClock(join(world.root, 'faketime.rc'), '+2h') });
      await until('a.edf to wait for its retry', () => states().includes('retrying:failed') || engine!.child.exitCode !== null, {
        seen: states,
      });
      engine.child.kill('SIGTERM');
      await engine.exited;
      engine = startEngine(config);
      await until('a.edf to be done', () => states().includes('retrying:done'), { timeoutMs: 60_000, seen: () => [states(), engine!.output()] });
    },
    120_000,
  );
});
