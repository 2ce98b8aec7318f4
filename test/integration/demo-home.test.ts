// `device-uploader start` with no config, as a person runs it twice: with
// DEVICE_UPLOADER_HOME the demo's inbox lives in that home too (not in the
// person's own home folder), a file dropped there is uploaded to the demo's
// sandbox, and once the person points Settings at a tenant of their own, the
// next start runs on it rather than putting the sandbox back.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-process.ts';
import { until } from '../support/wait.ts';

const repo = join(import.meta.dirname, '..', '..');
let home: string;
beforeEach(() => void (home = mkdtempSync(join(tmpdir(), 'du-demo-home-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('start with DEVICE_UPLOADER_HOME', () => {
  it("keeps the demo's inbox in that home, and a person's own tenant across restarts", async () => {
    const env = { ...process.env, DEVICE_UPLOADER_HOME: home };
    const inbox = join(home, 'Device Uploader Inbox');
    const first = startCli(repo, ['start'], env);
    try {
      expect(await first.waitForOutput(/Drop files into: (.+)\n/, 'the inbox line')).toBe(inbox);
      await first.waitForOutput(/Queue window: /, 'the window address');
      writeFileSync(join(inbox, 'scan.dat'), 'a small export');
      // The demo's sandbox keeps what it received under the home's sandbox folder.
      await until('the demo to have uploaded the file', () => doneIn(statusOf(home)) === 1, { timeoutMs: 30_000, seen: () => statusOf(home) });
    } finally {
      expect(await first.stop()).toBe(130);
    }

    // In Settings the person points it at their tenant (loopback here: nothing leaves the machine).
    const configFile = join(home, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    const tenant = { baseUrl: 'http://[::1]:9', auth: { type: 'service', id: 'svc', secretKey: 'theirs' } };
    writeFileSync(configFile, JSON.stringify({ ...config, server: tenant }));
    const second = startCli(repo, ['start'], env);
    try {
      await second.waitForOutput(/Queue window: /, 'the window address');
      expect(second.output()).not.toMatch(/demo mode/);
    } finally {
      await second.stop();
    }
    expect((JSON.parse(readFileSync(configFile, 'utf8')) as { server: unknown }).server).toEqual(tenant);
    // And --inbox, which would start the demo over it, is refused rather than overwrite it.
    const third = startCli(repo, ['start', '--inbox', join(home, 'other')], env);
    await until('the refused start to exit', () => third.child.exitCode !== null);
    expect(third.child.exitCode).toBe(2);
    expect(third.output()).toMatch(/--inbox starts the demo, but .*config\.json is a config of its own/);
    expect(existsSync(join(home, 'other'))).toBe(false);
  }, 90_000);
});

/** `status --json` of the demo's config (its counts by state). */
function statusOf(dir: string): string {
  const args = [join(repo, 'bin', 'device-uploader.js'), 'status', '--config', join(dir, 'config.json'), '--json'];
  return spawnSync(process.execPath, args, { encoding: 'utf8' }).stdout;
}

const doneIn = (status: string) => {
  try {
    return (JSON.parse(status) as { counts: { done: number } }).counts.done;
  } catch {
    return 0;
  }
};
