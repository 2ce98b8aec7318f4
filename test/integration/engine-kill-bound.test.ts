// The stop bound with a real, wedged engine process: one that ignores both the
// shutdown message and SIGTERM (all UtilityProcess.kill() sends on Linux and
// macOS). Past the bounds the host kills it by pid with SIGKILL, and stop()
// returns: Quit never waits for ever, and no engine outlives the app.
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { EngineClient } from '../../app/host/engine-client.ts';
import { utilityEngineProcess } from '../../main/utility-process.ts';
import { forkUtility, type UtilityStandin } from '../support/utility-process-standin.ts';
import { until } from '../support/wait.ts';

const STUBBORN = fileURLToPath(new URL('../support/stubborn-engine.ts', import.meta.url));

let utility: UtilityStandin | undefined;
afterEach(() => {
  // Whatever the outcome, nothing is left running.
  if (utility?.child.exitCode === null && utility.child.signalCode === null) utility.child.kill('SIGKILL');
});

it('kills an engine that ignores SIGTERM by pid, and stop() returns', async () => {
  utility = forkUtility(STUBBORN);
  const child = utility.child;
  const client = new EngineClient(utilityEngineProcess(utility, { killBoundMs: 300 }), { stopBoundMs: 300, killWaitMs: 5_000 });
  await client.start({ configFile: 'unused.json' });
  let stopped = false;
  void client.stop().then(() => (stopped = true));
  await until('stop() to return for an engine that ignores SIGTERM', () => stopped, { timeoutMs: 10_000 });
  await until('the engine process to be gone once stop() returned', () => child.signalCode !== null || child.exitCode !== null, {
    timeoutMs: 1_000,
  });
  // SIGTERM came first and was ignored; only the SIGKILL by pid ended it.
  expect(child.signalCode).toBe('SIGKILL');
});
