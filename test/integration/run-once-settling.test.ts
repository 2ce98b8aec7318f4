// Issue 16, "`run --once` started right after a device wrote its export": a
// scheduled task, or a script run after an export, finds the file still
// inside its quiet period. It must wait for the files it saw settling, then
// upload them; a file still growing after a limit is named (by folder and
// count: this output may end up in a scheduler's log) and the run ends
// non-zero. Real `device-uploader run --once` processes, the sandbox over
// radosgw, real folders and SQLite.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { downloadedSha256, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';

const cli = (args: string[], timeoutMs = 60_000) => runCli(args, { timeoutMs });

describeWithS3('run --once right after a device wrote its export', (target) => {
  const t = worldPerTest(target);

  function configFile(quietSeconds: number): string {
    const file = join(t.world.root, 'config.json');
    const config = t.world.config();
    writeFileSync(file, JSON.stringify({ ...config, folders: [{ id: 'inbox', path: t.world.inbox, quietSeconds }] }));
    return file;
  }

  const createdAtBiot = () => t.world.sandbox.calls('file.createSingle') + t.world.sandbox.calls('file.createMultipart');

  it('waits for the export to hold still for the quiet period, then uploads it', async () => {
    const sha256 = writeRandomFile(join(t.world.inbox, 'holter.edf'), 300_000);
    const result = await cli(['run', '--config', configFile(2), '--once']);
    expect(result.stdout).toMatch(/^done 1, duplicates 0, not done 0$/m);
    expect(result.code).toBe(0);
    const [file] = t.world.sandbox.files();
    expect(await downloadedSha256(t.world.biot, file!.id)).toEqual({ sha256, size: 300_000 });
  }, 60_000);

  it('a file still growing after the limit is named by folder and count, nothing of it is sent, and the run ends non-zero', async () => {
    const growing = join(t.world.inbox, 'still-recording.edf');
    writeRandomFile(growing, 100_000);
    const writer = setInterval(() => appendFileSync(growing, Buffer.alloc(10_000, 7)), 200);
    try {
      // A second export, already quiet: sent as usual while the other is waited for.
      writeRandomFile(join(t.world.inbox, 'done-earlier.edf'), 50_000);
      const result = await cli(['run', '--config', configFile(1), '--once', '--settle-limit', '4']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^done 1, duplicates 0, not done 0$/m);
      expect(result.stdout).toMatch(/^still being written after 4 s, not sent \(the next run takes it\): folder inbox: 1 file$/m);
      expect(result.stdout + result.stderr).not.toMatch(/still-recording/);
      expect(createdAtBiot()).toBe(1);
    } finally {
      clearInterval(writer);
    }
  }, 60_000);

  it('refuses a limit that is not a number of seconds, with the flag named', async () => {
    const result = await cli(['run', '--config', configFile(1), '--once', '--settle-limit', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--settle-limit must be a number of seconds/);
  }, 30_000);
});
