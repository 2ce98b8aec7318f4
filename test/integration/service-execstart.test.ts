// systemd is not PID 1 here, so the unit cannot be started as a unit; what it
// would start can. This reads the ExecStart, WorkingDirectory and
// EnvironmentFile back out of the generated unit (with systemd's quoting
// rules), runs that exact command line with that environment against the
// sandbox, sees an export uploaded and archived, then stops it as systemd
// does (SIGTERM) and checks the exit code is one the unit counts as clean.
// `status` then reads the queue without the secret, which only the service's
// environment file holds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfigFile } from '../../app/config/load.ts';
import { installedCli, serviceSpec } from '../../app/service/spec.ts';
import { environmentFile, systemdUnit } from '../../app/service/systemd-unit.ts';
import { worldPerTest, writeRandomFile } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { until } from '../support/wait.ts';

const repo = join(import.meta.dirname, '..', '..');

describeWithS3('the service unit, run as systemd would run it', (target) => {
  const t = worldPerTest(target);

  it("runs the unit's ExecStart with its environment file, uploads and archives, and stops cleanly on SIGTERM", async () => {
    const etc = join(t.world.root, 'etc device-uploader');
    const archive = join(t.world.root, 'uploaded');
    mkdirSync(etc);
    const configFile = join(etc, 'config.json');
    const { id } = t.world.sandbox.credentials.service;
    const folders = [{ path: t.world.inbox, quietSeconds: 0, afterUpload: 'move', archiveDir: archive }];
    // No secret in the config: the service's environment file holds it, readable by root only.
    writeFileSync(
      configFile,
      JSON.stringify({ dataDir: join(t.world.root, 'data'), server: { baseUrl: t.world.sandbox.url, auth: { type: 'service', id } }, folders }),
    );
    writeFileSync(environmentFile(configFile), `# read by systemd\nDEVICE_UPLOADER_SECRET_KEY=${t.world.sandbox.credentials.service.secretKey}\n`, {
      mode: 0o600,
    });
    const config = loadConfigFile(configFile, {}, { requireSecret: false });
    const unit = systemdUnit(serviceSpec(config, { configFile, account: 'device-uploader', node: process.execPath, cli: installedCli() }));

    const argv = systemdWords(setting(unit, 'ExecStart')).map((w) => w.replaceAll('$$', '$').replaceAll('%%', '%'));
    const cwd = setting(unit, 'WorkingDirectory').replaceAll('%%', '%');
    mkdirSync(cwd, { recursive: true }); // what install does (owned by the service user)
    const envFile = setting(unit, 'EnvironmentFile').replace(/^-/, '').replaceAll('%%', '%');
    // systemd starts services with a near-empty environment: PATH, LANG, and what EnvironmentFile adds.
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', ...environmentOf(envFile) };
    const service = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    service.stdout.on('data', (c: Buffer) => (output += c.toString()));
    service.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((done) => service.once('exit', (code) => done(code)));
    try {
      writeRandomFile(join(t.world.inbox, 'holter.edf'), 300 * 1024);
      await until('the export to be archived after upload', () => existsSync(join(archive, 'holter.edf')), { timeoutMs: 30_000, seen: () => output });
      expect(existsSync(join(t.world.inbox, 'holter.edf'))).toBe(false);
      expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
    } finally {
      service.kill('SIGTERM');
    }
    const code = await exited;
    const clean = setting(unit, 'SuccessExitStatus').split(' ').map(Number);
    expect(clean).toContain(code);

    // status: the queue from the database, with no secret in sight.
    const status = spawnSync(process.execPath, [join(repo, 'bin', 'device-uploader.js'), 'status', '--config', configFile, '--json'], {
      encoding: 'utf8',
      env: { PATH: env.PATH },
    });
    expect(status.stderr).toBe('');
    expect(JSON.parse(status.stdout)).toMatchObject({ counts: { done: 1 }, total: 1 });
  }, 60_000);
});

/** The value of the first `Key=` line of a unit. */
function setting(unit: string, key: string): string {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  if (line === undefined) throw new Error(`the unit has no ${key}=`);
  return line.slice(key.length + 1);
}

/** systemd's word splitting: whitespace separates, "..." groups, \" and \\ escape inside quotes. */
function systemdWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return words;
}

/** KEY=VALUE lines, as systemd reads an EnvironmentFile (comments and blank lines skipped). */
function environmentOf(file: string): Record<string, string> {
  const pairs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
  return Object.fromEntries(pairs);
}
