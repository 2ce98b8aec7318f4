// Settings' Test connection and the banner, in Debian's Chromium against
// `serve` over an HTTPS sandbox (a private CA made by openssl) and radosgw.
// Trusted through network.caFile, every step passes and TLS names the
// issuer; without it, the TLS step fails as TLS_UNTRUSTED with what to do,
// and once an upload tries, the banner says which instead of "check the cable".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startServe, type Serving } from '../../app/cli/serve.ts';
import { makePrivateCa, type PrivateCa } from '../../app/sandbox/private-ca.ts';
import { describeWithBrowser } from '../support/browser.ts';
import { createWorld, type World } from '../support/engine-harness.ts';
import { screenshot } from '../support/serve-harness.ts';
import { missingBinary } from '../support/proxies.ts';
import { expectCleanPage, useWindowPages } from '../support/window-page.ts';

const noOpenssl = missingBinary('openssl', 'openssl');

describeWithBrowser(`Test connection in Settings${noOpenssl ? ` [skipped: ${noOpenssl}]` : ''}`, (target) => {
  let world: World;
  let ca: PrivateCa;
  let serving: Serving | undefined;
  const ui = useWindowPages({ viewport: { width: 1280, height: 720 } });

  beforeAll(async () => {
    if (noOpenssl) return;
    ca = makePrivateCa(mkdtempSync(join(tmpdir(), 'du-e2e-ca-')), ['localhost', '127.0.0.1']);
    world = await createWorld(target, { tls: { cert: ca.cert, key: ca.key }, hostName: 'localhost', proxyStorage: true });
  });
  afterAll(async () => {
    await world?.dispose();
  });
  afterEach(async () => {
    const errors = await ui.close();
    await serving?.close();
    serving = undefined;
    expectCleanPage(errors);
  });

  async function open(name: string, network: Record<string, unknown>): Promise<Page> {
    const configFile = join(world.root, `${name}.json`);
    writeFileSync(
      configFile,
      JSON.stringify({
        dataDir: join(world.root, `data-${name}`),
        server: { baseUrl: world.sandbox.url, auth: { type: 'user', ...world.sandbox.credentials.user } },
        folders: [{ id: 'holter', path: world.inbox, quietSeconds: 0 }],
        network: { proxy: 'none', ...network },
      }),
    );
    serving = await startServe(configFile, { env: {} });
    const page = await ui.open(serving.control.url);
    await page.locator('.tab[data-view="settings"]').click();
    await page.locator('button.test-connection').click();
    await page.locator('.connection-test-result .hint').waitFor();
    return page;
  }

  it.skipIf(!!noOpenssl)('every step passes with the CA in network.caFile; TLS names the issuer', async () => {
    const p = await open('trusted', { caFile: ca.caFile });
    await expect(p.locator('.connection-test-result .hint.ok').textContent()).resolves.toBe('The whole path to BioT works.');
    const steps = await p.locator('.connection-steps li').evaluateAll((items) => items.map((i) => [(i as HTMLElement).dataset.step, i.className]));
    expect(steps.map(([s]) => s)).toEqual(['dns', 'tcp', 'tls', 'login', 'dns', 'tcp', 'tls', 'storage']);
    expect(steps.every(([, c]) => c === 'step-ok')).toBe(true);
    await expect(p.locator('li[data-step="tls"]').first().textContent()).resolves.toContain('issued by "Device Uploader Sandbox CA"');
    await screenshot(p, 'settings-connection-test.png');
  });

  it.skipIf(!!noOpenssl)('without it: TLS_UNTRUSTED and what to do, then the banner says which', async () => {
    const p = await open('untrusted', {});
    await expect(p.locator('li.step-failed[data-step="tls"]').textContent()).resolves.toMatch(
      /issued by "Device Uploader Sandbox CA".*TLS_UNTRUSTED/,
    );
    await expect(p.locator('.connection-test-result .hint.bad').textContent()).resolves.toContain('ask IT to install its certificate');
    writeFileSync(join(world.inbox, 'ecg.xml'), 'x'.repeat(2048));
    await p.locator('.tab[data-view="queue"]').click();
    const banner = p.locator('[data-banner="unreachable"]');
    await banner.waitFor({ timeout: 30_000 });
    await screenshot(p, 'banner-tls-untrusted.png');
    await expect(banner.textContent()).resolves.toMatch(/^A certificate on the way to BioT is not trusted.*issued by "Device Uploader Sandbox CA"/);
  });
});
