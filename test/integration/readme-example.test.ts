// The README's configuration example runs as written: the test copies the
// first JSON block of its "Configuration" section out of README.md, changes
// only what points at a place (the tenant's URL and service user, the data,
// export and archive folders) to the sandbox and temp folders, and runs
// `device-uploader run --once` on it as a person would. Every other key (the
// filters, the quiet period, the attach rule, the move) is the README's own.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { downloadedSha256, worldPerTest, writeRandomFile } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';

const repo = join(import.meta.dirname, '..', '..');

/** The first ```json block after the "## Configuration" heading. */
function readmeExample(): Record<string, unknown> {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'));
  const block = /```json\n([^]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no ```json block under "## Configuration"');
  return JSON.parse(block) as Record<string, unknown>;
}

describeWithS3("the README's configuration example", (target) => {
  const t = worldPerTest(target, { strictEntities: true });

  it('runs as written with `run --once` once its places point at the sandbox', async () => {
    const example = readmeExample();
    const server = example.server as { baseUrl: string; auth: Record<string, string> };
    const [folder] = example.folders as Record<string, unknown>[];
    // Places only: where BioT is and who logs in (the keys the README gives, no others), where the data, the exports and the archive are.
    server.baseUrl = t.world.sandbox.url;
    const login: Record<string, string> = { ...t.world.sandbox.credentials.service };
    for (const key of Object.keys(server.auth)) if (key in login) server.auth[key] = login[key]!;
    example.dataDir = join(t.world.root, 'data');
    folder!.path = t.world.inbox;
    folder!.archiveDir = join(t.world.root, 'archive');
    const configFile = join(t.world.root, 'config.json');
    writeFileSync(configFile, JSON.stringify(example, null, 2));

    // One export for a patient the sandbox knows, plus what the README's filters leave alone.
    const patient = randomUUID();
    t.world.sandbox.registerEntity('patient', patient);
    mkdirSync(join(t.world.inbox, patient, 'tmp'), { recursive: true });
    const sha256 = writeRandomFile(join(t.world.inbox, patient, 'rec.edf'), 200 * 1024);
    writeRandomFile(join(t.world.inbox, patient, 'notes.txt'), 100);
    writeRandomFile(join(t.world.inbox, patient, 'tmp', 'part.edf'), 100);
    // The quiet period is the README's (5 s): files written now are left for the next run, so make them older.
    const past = new Date(Date.now() - 60_000);
    for (const f of ['rec.edf', 'notes.txt', 'tmp/part.edf']) utimesSync(join(t.world.inbox, patient, f), past, past);

    // Not spawnSync: the sandbox answers from this process.
    const run = await runCli(['run', '--config', configFile, '--once']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/done 1, duplicates 0, not done 0/);
    expect(run.code).toBe(0);
    expect(existsSync(join(t.world.root, 'archive', patient, 'rec.edf'))).toBe(true);
    expect(existsSync(join(t.world.inbox, patient, 'notes.txt'))).toBe(true);
    expect(existsSync(join(t.world.inbox, patient, 'tmp', 'part.edf'))).toBe(true);
    const entity = (await t.world.biot.entities.getEntity('patient', patient)) as Record<string, unknown>;
    const fileId = (entity.holter_recording as { id?: string } | undefined)?.id;
    expect(fileId).toBeTruthy();
    expect(await downloadedSha256(t.world.biot, fileId!)).toEqual({ sha256, size: 200 * 1024 });
  }, 90_000);
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repo, 'bin', 'device-uploader.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}
