// app/net's connections against a real HTTPS server (a private CA made with
// openssl) and a small CONNECT proxy, all on 127.0.0.1: each way a
// connection fails gets its own code and words, decided at connect time.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNet, type NetworkSettings } from '../../app/net/index.ts';
import { makePrivateCa, type PrivateCa } from '../../app/sandbox/private-ca.ts';
import { startConnectProxy } from '../support/connect-proxy.ts';
import { missingBinary } from '../support/proxies.ts';

const noOpenssl = missingBinary('openssl', 'openssl');
let dir: string;
let ca: PrivateCa;
let server: Server;
let port: number;

beforeAll(async () => {
  if (noOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'du-net-'));
  // The certificate names localhost only: 127.0.0.1 reaches the same server under a name it does not hold.
  ca = makePrivateCa(dir, ['localhost'], 'Clinic Test CA');
  server = createServer({ cert: ca.cert, key: ca.key }, (_req, res) => res.end('hello'));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  if (noOpenssl) return;
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

/** GET url through app/net with these settings; answers the body, or the failure's code and message. */
async function get(url: string, settings: NetworkSettings): Promise<{ body?: string; code?: string; message?: string }> {
  const dispatcher = openNet({ proxy: 'none', ...settings }, { env: {} }).dispatcher({ connectTimeoutMs: 5_000 });
  try {
    const answer = await request(url, { dispatcher });
    return { body: await answer.body.text() };
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  } finally {
    await dispatcher.destroy();
  }
}

describe.skipIf(!!noOpenssl)(`connections and why they fail${noOpenssl ? ` [skipped: ${noOpenssl}]` : ''}`, () => {
  it('trusts network.caFile besides the system store', async () => {
    expect(await get(`https://localhost:${port}/`, { caFile: ca.caFile })).toEqual({ body: 'hello' });
  });

  it('TLS_UNTRUSTED names the issuer when the CA is not trusted', async () => {
    const r = await get(`https://localhost:${port}/`, {});
    expect(r.code).toBe('TLS_UNTRUSTED');
    expect(r.message).toContain('"Clinic Test CA"');
  });

  it('TLS_HOSTNAME when the certificate is for another name', async () => {
    const r = await get(`https://127.0.0.1:${port}/`, { caFile: ca.caFile });
    expect(r.code).toBe('TLS_HOSTNAME');
  });

  it('DNS when the host name does not resolve', async () => {
    expect((await get('https://nothing.invalid/', {})).code).toBe('DNS');
  });

  it('NETWORK when nothing listens', async () => {
    const r = await get('https://127.0.0.1:1/', {});
    expect(r.code).toBe('NETWORK');
    expect(r.message).toContain('ECONNREFUSED');
  });

  it('through a proxy: the tunnel carries the Basic sign-in, and the certificate is still checked end to end', async () => {
    const auth = `Basic ${Buffer.from('nurse:pw').toString('base64')}`;
    const proxy = await startConnectProxy({ require: auth });
    try {
      expect(await get(`https://localhost:${port}/`, { proxy: proxy.url, proxyUsername: 'nurse', proxyPassword: 'pw', caFile: ca.caFile })).toEqual({
        body: 'hello',
      });
      expect(proxy.connects).toEqual([{ target: `localhost:${port}`, authorization: auth }]);
      const wrong = await get(`https://localhost:${port}/`, { proxy: proxy.url, proxyUsername: 'nurse', proxyPassword: 'nope', caFile: ca.caFile });
      expect(wrong.code).toBe('PROXY_AUTH');
      expect(wrong.message).toContain('refused the user name or password');
      expect(wrong.message).not.toContain('nope');
      expect((await get(`https://localhost:${port}/`, { proxy: proxy.url, proxyUsername: 'nurse', proxyPassword: 'pw' })).code).toBe('TLS_UNTRUSTED');
    } finally {
      await proxy.close();
    }
  });

  it('a proxy asking for NTLM / Negotiate is named as Windows sign-in', async () => {
    const proxy = await startConnectProxy({ require: 'never', offer: ['Negotiate', 'NTLM'] });
    try {
      const r = await get(`https://localhost:${port}/`, { proxy: proxy.url });
      expect(r.code).toBe('PROXY_AUTH');
      expect(r.message).toContain('Windows sign-in (Negotiate, NTLM)');
    } finally {
      await proxy.close();
    }
  });

  it('PROXY_REFUSED on 403, PROXY_UNREACHABLE when the proxy is not there', async () => {
    const proxy = await startConnectProxy({ refuse: true });
    try {
      expect((await get(`https://localhost:${port}/`, { proxy: proxy.url })).code).toBe('PROXY_REFUSED');
    } finally {
      await proxy.close();
    }
    const r = await get(`https://localhost:${port}/`, { proxy: 'http://127.0.0.1:1' });
    expect(r.code).toBe('PROXY_UNREACHABLE');
    expect(r.message).toContain('127.0.0.1:1');
  });
});
