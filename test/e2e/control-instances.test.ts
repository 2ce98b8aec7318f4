// Two uploaders on one PC (two `serve` instances, two ports of 127.0.0.1)
// opened in one browser: cookies ignore ports, so each instance's session
// cookie must be its own, or opening the second window signs the first out.
// And a page on one local port must not reach the other instance: the
// browser calls that "same-site", and the server refuses it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServe, type Serving } from '../../app/cli/serve.ts';
import { describeWithChromium, launchChromium } from '../support/browser.ts';
import { until } from '../support/wait.ts';

const soon = { timeoutMs: 10_000, everyMs: 50 };

/** A config with no folders and a BioT address nothing listens on: nothing is uploaded, nothing leaves the PC. */
function configFile(): { file: string; dataDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'du-instance-'));
  const dataDir = join(root, 'data');
  const file = join(root, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({ dataDir, server: { baseUrl: 'http://127.0.0.1:9', auth: { type: 'user', username: 'u', password: 'p' } }, folders: [] }),
  );
  return { file, dataDir };
}

/** The snapshot call the window makes, from inside `page` (so with its cookies and headers). */
const snapshotStatus = (page: Page) =>
  page.evaluate(() => fetch('/api/snapshot', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status));

describeWithChromium('two control servers in one browser', () => {
  const a = configFile();
  const b = configFile();
  let first: Serving;
  let second: Serving;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    first = await startServe(a.file, { env: {} });
    second = await startServe(b.file, { env: {} });
    browser = await launchChromium();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser?.close();
    await first?.close();
    await second?.close();
  });

  it('each window keeps its own session when the other instance is opened', async () => {
    const pageA = await context.newPage();
    await pageA.goto(first.control.url);
    expect(new URL(pageA.url()).search).toBe(''); // the token left the address bar for a cookie
    expect(await snapshotStatus(pageA)).toBe(200);

    const pageB = await context.newPage();
    await pageB.goto(second.control.url);
    expect(await snapshotStatus(pageB)).toBe(200);

    // The first window still works: its cookie was not replaced by the second's.
    expect(await snapshotStatus(pageA)).toBe(200);
    await pageA.reload();
    expect(await snapshotStatus(pageA)).toBe(200);
    await expect(pageA.locator('[data-banner="host"]').count()).resolves.toBe(0);
    // The browser holds both cookies for 127.0.0.1, one per instance, and sends both to each port.
    const names = (await context.cookies('http://127.0.0.1/')).map((c) => c.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });

  it('a page served by another local program cannot use the session: the browser says same-site, and it is refused', async () => {
    // Another program on this PC serving a web page on its own port (no CSP of ours to stop its scripts).
    const other = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>'));
    await new Promise<void>((ready) => other.listen(0, '127.0.0.1', ready));
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      // A GET such a page may send without CORS: the browser attaches the first instance's
      // cookie (same site: ports do not count) but no Origin header. The page never sees
      // the answer (Cross-Origin-Resource-Policy fails the fetch), but the request is sent.
      await page.evaluate(
        (url) =>
          fetch(url, { mode: 'no-cors', credentials: 'include' }).then(
            () => 'answered',
            () => 'failed',
          ),
        `${first.control.origin}/api/events`,
      );
    } finally {
      other.closeAllConnections();
      await new Promise((done) => other.close(done));
    }
    // The first instance logs why it refused (never the token): wait for that line to reach its log file.
    const logText = () => {
      const dir = join(a.dataDir, 'logs');
      return readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
    };
    await until('the first instance to log a refused same-site request', () => logText().includes('"reason":"same-site request"'), soon);
    expect(logText()).toMatch(/"status":403,"reason":"same-site request"/);
    expect(logText()).not.toContain(first.control.token);
  });
});
