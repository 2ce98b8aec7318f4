// The shell's supervisor over a real engine process (a Node child through
// the same host code the utility process uses): killed, it is started again
// by itself on the same queue, and the file dropped meanwhile is uploaded.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EngineClient } from '../../app/host/engine-client.ts';
import { forkEngine } from '../../app/host/fork.ts';
import { EngineSupervisor } from '../../main/engine-supervisor.ts';
import { worldPerTest } from '../support/engine-harness.ts';
import { until } from '../support/watch-helpers.ts';

const t = worldPerTest(undefined);

it('restarts a killed engine and goes on uploading', async () => {
  const configFile = join(t.world.root, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(t.world.root, 'data'),
      server: { baseUrl: t.world.sandbox.url, auth: { type: 'user', ...t.world.sandbox.credentials.user } },
      folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3 }],
    }),
  );
  const pids: number[] = [];
  const kills: (() => void)[] = [];
  const supervisor = new EngineSupervisor({
    spawn: () => {
      const process = forkEngine({ env: {} });
      kills.push(() => process.kill());
      return new EngineClient(process);
    },
    request: async () => ({ configFile }),
    onUp: (client) => pids.push(client.pid!),
    onDown: () => {},
    onRepeatedFailure: () => {},
    baseDelayMs: 50,
  });
  try {
    supervisor.start();
    await until('the engine to be up', () => pids.length === 1);
    kills[0]!();
    await until('the engine to be started again', () => pids.length === 2, 20_000);
    expect(pids[1]).not.toBe(pids[0]);
    writeFileSync(join(t.world.inbox, 'after-restart.edf'), 'recording');
    await until(
      'the file to be uploaded by the new engine',
      async () => (await supervisor.client!.snapshot({ states: ['done'] })).rows.some((r) => r.relPath === 'after-restart.edf'),
      30_000,
    );
  } finally {
    await supervisor.stop();
  }
});
