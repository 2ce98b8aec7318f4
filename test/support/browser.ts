// Debian's Chromium for the e2e tests, driven by playwright-core (which
// downloads no browser of its own). Without /usr/bin/chromium the e2e tests
// skip with the reason, except in CI, where .ci/run installs it: there a
// missing browser is a failure, not a skip.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';
import type { S3Target } from './radosgw.ts';
import { describeWithS3 } from './s3.ts';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A describe block that needs Chromium (and no S3). */
export function describeWithChromium(name: string, body: () => void): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`CI must provide Chromium at ${CHROMIUM} (apt-get install chromium)`);
    describe.skip(`${name} [skipped: no Chromium at ${CHROMIUM}; apt-get install chromium]`, body);
    return;
  }
  describe(name, body);
}

/** A describe block that needs Chromium and the run's S3 server. */
export function describeWithBrowser(name: string, body: (target: S3Target) => void): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`CI must provide Chromium at ${CHROMIUM} (apt-get install chromium)`);
    describe.skip(`${name} [skipped: no Chromium at ${CHROMIUM}; apt-get install chromium]`, () => body(undefined as never));
    return;
  }
  describeWithS3(name, body);
}
