// The default dispatcher honours HTTP_PROXY / NO_PROXY (and lower-case):
// app/net tunnels every proxied connection with CONNECT (http:// targets too),
// so a small CONNECT proxy on loopback records what went through it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBiotClient, type BiotClient } from '../../app/biot/index.ts';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.ts';
import { startScriptedServer, type Script, type ScriptedServer } from '../support/scripted-server.ts';

const VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'] as const;
const saved: Partial<Record<(typeof VARS)[number], string>> = {};
let proxy: ConnectProxy;
let target: ScriptedServer;
let client: BiotClient | undefined;

const login: Script = () => ({
  status: 200,
  json: {
    accessJwt: { token: 'tok', expiration: new Date(Date.now() + 3_600_000).toISOString() },
    userId: 'u',
    ownerOrganizationId: 'o',
  },
});

beforeEach(async () => {
  for (const name of VARS) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  proxy = await startConnectProxy();
  target = await startScriptedServer(login);
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await proxy.close();
  await target.close();
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function newClient(): BiotClient {
  client = createBiotClient({ baseUrl: target.url, auth: { type: 'user', username: 'u', password: 'p' }, timeoutMs: 2_000 });
  return client;
}

describe('proxy from the environment', () => {
  it('no proxy variables: straight to the target', async () => {
    await newClient().tokens.token();
    expect(target.requests).toHaveLength(1);
    expect(proxy.connects).toHaveLength(0);
  });

  it.each(['HTTP_PROXY', 'http_proxy'] as const)('%s routes http:// calls through the proxy', async (name) => {
    process.env[name] = proxy.url;
    await newClient().tokens.token();
    expect(proxy.connects.map((c) => c.target)).toEqual([new URL(target.url).host]);
    expect(target.requests.map((r) => r.url)).toEqual(['/ums/v2/users/login']);
  });

  it.each(['NO_PROXY', 'no_proxy'] as const)('%s bypasses the proxy for a listed host', async (name) => {
    process.env.HTTP_PROXY = proxy.url;
    process.env[name] = 'localhost,127.0.0.1';
    await newClient().tokens.token();
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]!.url).toBe('/ums/v2/users/login');
    expect(proxy.connects).toHaveLength(0);
  });

  it('NO_PROXY for another host still proxies', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = 'example.invalid';
    await newClient().tokens.token();
    expect(proxy.connects).toHaveLength(1);
  });
});
