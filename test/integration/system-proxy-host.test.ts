// network.proxy "system" across real processes: the engine in a child
// process (engine-entry.ts, as Electron's utility process runs it) asks its
// parent which proxy each host takes (resolve-proxy); the parent answers as
// the desktop shell does with session.resolveProxy, here naming a CONNECT
// proxy on loopback. The upload goes through that proxy, and the question was
// asked per origin. Sandbox (disk store) on 127.0.0.1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { EngineClient } from '../../app/host/engine-client.ts';
import { forkEngine } from '../../app/host/fork.ts';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.ts';
import { worldPerTest, writeRandomFile } from '../support/engine-harness.ts';
import { until } from '../support/wait.ts';

const t = worldPerTest(undefined);
let proxy: ConnectProxy | undefined;
let client: EngineClient | undefined;
afterEach(async () => {
  await client?.stop();
  await proxy?.close();
});

it('uploads through the proxy the parent names for the BioT host, asking once per origin', async () => {
  proxy = await startConnectProxy();
  const origin = new URL(t.world.sandbox.url).origin;
  const asked: string[] = [];
  const configFile = join(t.world.root, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(t.world.root, 'data'),
      server: { baseUrl: t.world.sandbox.url, auth: { type: 'user', ...t.world.sandbox.credentials.user } },
      folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds: 0.3 }],
      // network.proxy left out: the desktop app's default, "system".
    }),
  );
  client = new EngineClient(forkEngine({ env: { HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: 'http://127.0.0.1:1' } }));
  client.onResolveProxy(async (url) => {
    asked.push(url);
    return url === `${origin}/` ? `PROXY ${new URL(proxy!.url).host}; DIRECT` : 'DIRECT';
  });
  await client.start({ configFile, systemProxy: true });
  writeRandomFile(join(t.world.inbox, 'ecg.xml'), 300 * 1024);
  await until('the file to be uploaded', async () => (await client!.snapshot({})).rows[0]?.state === 'done', 30_000);
  // Every connection went through the proxy the "system" named (the environment's proxy is a dead port).
  expect(proxy.connects.length).toBeGreaterThan(0);
  expect(new Set(proxy.connects.map((c) => c.target))).toEqual(new Set([new URL(origin).host]));
  // Asked per origin, and the answers reused (cached for a minute), not asked per request.
  expect(asked).toEqual([`${origin}/`]);
  expect(t.world.sandbox.files()).toHaveLength(1);
});
