// Issue 17: a hospital network, with real parts on 127.0.0.1. The sandbox is
// served over HTTPS with a private CA (openssl) over radosgw, its storage
// links through itself (so the PUTs are HTTPS too). `run --once` and `doctor`
// run as their own processes, handed trust only as the OS store is on Linux
// (SSL_CERT_FILE to a bundle, never NODE_EXTRA_CA_CERTS):
// - through mitmdump (TLS inspection; its CA in that bundle) and through squid
//   (Basic sign-in; BioT's name resolvable only by squid), exports upload
//   whole, every request goes through the proxy, nothing is duplicated;
// - a wrong proxy password, an untrusted certificate, a wrong host name:
//   `run --once` ends non-zero within 15 s, naming the cause by its code.
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli-process.ts';
import type { BiotClient } from '../../app/biot/index.ts';
import { makePrivateCa, type PrivateCa } from '../../app/sandbox/private-ca.ts';
import { createWorld, writeRandomFile, type World } from '../support/engine-harness.ts';
import { missingBinary, startMitmdump, startSquid, type Mitmdump, type Squid } from '../support/proxies.ts';
import type { S3Target } from '../support/radosgw.ts';
import { describeWithS3 } from '../support/s3.ts';

const missing = missingBinary('squid', 'squid') ?? missingBinary('mitmdump', 'mitmproxy') ?? missingBinary('openssl', 'openssl');
const PROXY_VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS'];

/** Runs the CLI with this trust (the "OS store": SSL_CERT_FILE alone) and environment; killed (and failed) after `timeoutMs`. */
function cli(args: string[], env: { certFile: string; extra?: Record<string, string> }, timeoutMs: number): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !PROXY_VARS.includes(k)));
  const emptyDir = join(env.certFile, '..', 'empty-cert-dir');
  mkdirSync(emptyDir, { recursive: true });
  return runCli(args, { timeoutMs, env: { ...base, SSL_CERT_FILE: env.certFile, SSL_CERT_DIR: emptyDir, ...env.extra } });
}

function writeConfig(world: World, name: string, baseUrl: string, network: Record<string, unknown>): string {
  const file = join(world.root, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: join(world.root, `data-${name}`),
      server: { baseUrl, auth: { type: 'user', ...world.sandbox.credentials.user } },
      folders: [{ id: 'inbox', path: world.inbox, quietSeconds: 0 }],
      transfer: { partSizeMiB: 5, parallelParts: 2, parallelFiles: 2 },
      network,
    }),
  );
  return file;
}

/** Two exports: one multipart (12 MiB, three parts), one single PUT. Their SHA-256 by size. */
function dropExports(world: World): Map<number, string> {
  return new Map([
    [12 * 1024 * 1024, writeRandomFile(join(world.inbox, 'holter.edf'), 12 * 1024 * 1024)],
    [100 * 1024, writeRandomFile(join(world.inbox, 'ecg.xml'), 100 * 1024)],
  ]);
}

/** What BioT's storage holds for each file, read straight from the sandbox over TLS with its CA. */
async function storedHashes(world: World, biot: BiotClient, ca: PrivateCa): Promise<Map<number, string>> {
  const direct = new Agent({ connect: { ca: readFileSync(ca.caFile, 'utf8'), servername: 'localhost' } });
  const port = new URL(world.sandbox.url).port;
  const found = new Map<number, string>();
  try {
    for (const file of world.sandbox.files()) {
      const link = await biot.files.downloadLink(file.id);
      const url = new URL(link.signedUrl);
      const answer = await request(`https://127.0.0.1:${port}${url.pathname}${url.search}`, { dispatcher: direct });
      const bytes = Buffer.from(await answer.body.arrayBuffer());
      found.set(bytes.length, createHash('sha256').update(bytes).digest('hex'));
    }
  } finally {
    await direct.close();
  }
  return found;
}

const suite = (name: string, body: (target: S3Target) => void) =>
  missing ? describe.skip(`${name} [skipped: ${missing}]`, () => body(undefined as never)) : describeWithS3(name, body);
suite('hospital networks', (target) => {
  describe('through squid with Basic sign-in', () => {
    let world: World;
    let ca: PrivateCa;
    let squid: Squid;
    let direct: BiotClient;
    beforeAll(async () => {
      const root = join(process.env.TMPDIR ?? '/tmp', `du-hospital-squid-${process.pid}`);
      ca = makePrivateCa(join(root, 'ca'), ['biot.test', 'localhost', '127.0.0.1']);
      world = await createWorld(target, { tls: { cert: ca.cert, key: ca.key }, hostName: 'biot.test', proxyStorage: true });
      // The test's own client reaches the sandbox directly, by address (biot.test resolves only at squid).
      direct = (await import('../../app/biot/index.ts')).createBiotClient({
        baseUrl: world.sandbox.url.replace('biot.test', 'localhost'),
        auth: { type: 'user', ...world.sandbox.credentials.user },
        net: (await import('../../app/net/index.ts')).openNet({ proxy: 'none', caFile: ca.caFile }),
      });
      squid = await startSquid({ user: 'nurse', password: 'ward-7-secret', hosts: { 'biot.test': '127.0.0.1', 'wrong-name.test': '127.0.0.1' } });
    });
    afterAll(async () => {
      await direct?.close();
      await squid?.stop();
      await world?.dispose();
    });

    const network = () => ({ proxy: squid.url, proxyUsername: 'nurse' });

    it('uploads every export whole through the proxy, once', async () => {
      // The proof that nothing went around the proxy: this PC cannot resolve BioT's name, only squid can.
      await expect(lookup('biot.test')).rejects.toThrow();
      const sent = dropExports(world);
      const config = writeConfig(world, 'squid', world.sandbox.url, network());
      const ran = await cli(
        ['run', '--config', config, '--once'],
        { certFile: ca.caFile, extra: { DEVICE_UPLOADER_PROXY_PASSWORD: 'ward-7-secret' } },
        60_000,
      );
      expect(ran.out).toMatch(/done 2, duplicates 0, not done 0/);
      expect(ran.code).toBe(0);
      expect(world.sandbox.files()).toHaveLength(2);
      expect(await storedHashes(world, direct, ca)).toEqual(sent);
      const tunnels = squid.accessLog().filter((l) => / CONNECT biot\.test:\d+ nurse /.test(l) && l.includes('TCP_TUNNEL/200'));
      expect(tunnels.length).toBeGreaterThan(0);
      expect(ran.out).not.toContain('ward-7-secret');
    });

    it('a wrong proxy password: PROXY_AUTH within 15 s, nothing lost', async () => {
      writeRandomFile(join(world.inbox, 'later.edf'), 1024);
      const config = writeConfig(world, 'squid-wrong', world.sandbox.url, network());
      const ran = await cli(
        ['run', '--config', config, '--once'],
        { certFile: ca.caFile, extra: { DEVICE_UPLOADER_PROXY_PASSWORD: 'wrong' } },
        15_000,
      );
      expect(ran.code).not.toBe(0);
      expect(ran.out).toMatch(/cannot reach BioT \[PROXY_AUTH\]: The proxy 127\.0\.0\.1:\d+ refused the user name or password/);
      expect(ran.out).not.toContain('wrong');
      // Nothing lost: the export waits in the queue for the next run with the password fixed.
      const status = await cli(['status', '--config', config, '--json'], { certFile: ca.caFile }, 15_000);
      const counts = (JSON.parse(status.out) as { counts: Record<string, number> }).counts;
      expect((counts.queued ?? 0) + (counts.failed ?? 0)).toBeGreaterThanOrEqual(1);
    });

    it('a host name the certificate does not hold: TLS_HOSTNAME within 15 s', async () => {
      writeRandomFile(join(world.inbox, 'named.edf'), 1024);
      const config = writeConfig(world, 'squid-name', world.sandbox.url.replace('biot.test', 'wrong-name.test'), network());
      const ran = await cli(
        ['run', '--config', config, '--once'],
        { certFile: ca.caFile, extra: { DEVICE_UPLOADER_PROXY_PASSWORD: 'ward-7-secret' } },
        15_000,
      );
      expect(ran.code).not.toBe(0);
      expect(ran.out).toMatch(/\[TLS_HOSTNAME\]: The certificate shown for wrong-name\.test is for another name/);
    });

    it('a proxy that wants Windows sign-in (NTLM): refused at once, named as such', async () => {
      const windows = await startSquid({ user: 'nurse', password: 'x', hosts: { 'biot.test': '127.0.0.1' }, windows: true });
      writeRandomFile(join(world.inbox, 'ntlm.edf'), 1024);
      try {
        const config = writeConfig(world, 'squid-ntlm', world.sandbox.url, { proxy: windows.url, proxyUsername: 'nurse' });
        const ran = await cli(['run', '--config', config, '--once'], { certFile: ca.caFile, extra: { DEVICE_UPLOADER_PROXY_PASSWORD: 'x' } }, 15_000);
        expect(ran.code).not.toBe(0);
        expect(ran.out).toMatch(/\[PROXY_AUTH\]: The proxy 127\.0\.0\.1:\d+ asks for Windows sign-in \(NTLM\), which Device Uploader cannot answer/);
        expect(windows.accessLog().some((l) => /TCP_DENIED\/407 .* CONNECT biot\.test:/.test(l))).toBe(true);
      } finally {
        await windows.stop();
      }
    });

    it('doctor walks the path and names the first failure, printing no secret', async () => {
      const config = writeConfig(world, 'squid-doctor', world.sandbox.url, network());
      const good = await cli(
        ['doctor', '--config', config],
        { certFile: ca.caFile, extra: { DEVICE_UPLOADER_PROXY_PASSWORD: 'ward-7-secret' } },
        30_000,
      );
      expect(good.code).toBe(0);
      for (const step of ['DNS', 'TCP', 'TLS', 'LOGIN', 'STORAGE']) expect(good.out).toMatch(new RegExp(`^ok +${step} `, 'm'));
      expect(good.out).toContain('issued by "Device Uploader Sandbox CA"');
      expect(good.out).toContain('The whole path to BioT works.');
      const bad = await cli(['doctor', '--config', config], { certFile: ca.caFile, extra: { DEVICE_UPLOADER_PROXY_PASSWORD: 'wrong' } }, 30_000);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/^FAIL TCP .*\[PROXY_AUTH\]$/m);
      expect(bad.out).toMatch(/^What to do: The proxy refused the user name or password/m);
      for (const secret of ['ward-7-secret', 'wrong', world.sandbox.credentials.user.password]) expect(good.out + bad.out).not.toContain(secret);
    });
  });

  describe('through mitmdump inspecting TLS', () => {
    let world: World;
    let ca: PrivateCa;
    let mitm: Mitmdump;
    let direct: BiotClient;
    beforeAll(async () => {
      const root = join(process.env.TMPDIR ?? '/tmp', `du-hospital-mitm-${process.pid}`);
      ca = makePrivateCa(join(root, 'ca'), ['localhost', '127.0.0.1']);
      world = await createWorld(target, { tls: { cert: ca.cert, key: ca.key }, hostName: 'localhost', proxyStorage: true });
      direct = (await import('../../app/biot/index.ts')).createBiotClient({
        baseUrl: world.sandbox.url,
        auth: { type: 'user', ...world.sandbox.credentials.user },
        net: (await import('../../app/net/index.ts')).openNet({ proxy: 'none', caFile: ca.caFile }),
      });
      mitm = await startMitmdump({ upstreamCaFile: ca.caFile });
    });
    afterAll(async () => {
      await direct?.close();
      await mitm?.stop();
      await world?.dispose();
    });

    it('with its CA in the OS store: uploads every export whole, every request relayed by the proxy, once', async () => {
      const sent = dropExports(world);
      const config = writeConfig(world, 'mitm', world.sandbox.url, {});
      // Headless default network.proxy "env": HTTPS_PROXY. Trusted: mitmproxy's CA only, so no connection could bypass it.
      const ran = await cli(['run', '--config', config, '--once'], { certFile: mitm.caFile, extra: { HTTPS_PROXY: mitm.url } }, 60_000);
      expect(ran.out).toMatch(/done 2, duplicates 0, not done 0/);
      expect(ran.code).toBe(0);
      expect(world.sandbox.files()).toHaveLength(2);
      // The proxy's own log holds every storage PUT the sandbox answered, and every login (read before this test's own download).
      const relayed = mitm.requests();
      const puts = world.sandbox.storageLog().filter((e) => e.op === 'storage.putPart' || e.op === 'storage.putObject');
      expect(puts.length).toBeGreaterThanOrEqual(4);
      expect(relayed.filter((l) => / PUT https:\/\/localhost:\d+\/_s3\//.test(l))).toHaveLength(puts.length);
      expect(relayed.filter((l) => l.includes('/ums/v2/users/login'))).toHaveLength(world.sandbox.calls('ums.login'));
      expect(await storedHashes(world, direct, ca)).toEqual(sent);
    });

    it("without its CA: TLS_UNTRUSTED naming the proxy's issuer, within 15 s", async () => {
      writeRandomFile(join(world.inbox, 'later.edf'), 1024);
      const config = writeConfig(world, 'mitm-untrusted', world.sandbox.url, {});
      // The PC trusts BioT's real CA, but not the proxy's.
      const ran = await cli(['run', '--config', config, '--once'], { certFile: ca.caFile, extra: { HTTPS_PROXY: mitm.url } }, 15_000);
      expect(ran.code).not.toBe(0);
      expect(ran.out).toMatch(/cannot reach BioT \[TLS_UNTRUSTED\]: The certificate of localhost is not trusted \(issued by "mitmproxy"/);
      expect(ran.out).toContain('ask IT to install its certificate on this PC, or set network.caFile');
    });
  });
});
