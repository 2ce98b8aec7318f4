// awscli 2 and rclone, Debian's builds, configured only through env and a
// temp config file so nothing of the user's own setup leaks in.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, mustSucceed } from '../measure.ts';
import { rate, type Peer } from './types.ts';

// Debian's awscli: the pyenv shim earlier in PATH is a different (v1) install.
export const awsBin = '/usr/bin/aws';
export const rcloneBin = '/usr/bin/rclone';

export const awscliPeer: Peer = {
  name: 'awscli 2',
  missing: () => (existsSync(awsBin) ? undefined : `${awsBin} not found (apt-get install awscli)`),
  async upload(ctx, job) {
    const dir = join(ctx.work, 'awscli');
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'config');
    writeFileSync(configFile, '');
    const env: NodeJS.ProcessEnv = {
      ...withoutCaBundle(process.env),
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ACCESS_KEY_ID: ctx.target.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ctx.target.secretAccessKey,
      AWS_DEFAULT_REGION: ctx.target.region,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    const mib = `${job.partSize / 2 ** 20}MB`;
    for (const [key, value] of [
      ['default.s3.multipart_chunksize', mib],
      ['default.s3.multipart_threshold', mib],
      ['default.s3.max_concurrent_requests', String(job.concurrency)],
      ['default.s3.addressing_style', 'path'],
    ]) {
      const set = spawnSync(awsBin, ['configure', 'set', key as string, value as string], { env, encoding: 'utf8' });
      if (set.status !== 0) throw new Error(`aws configure set ${key}: ${set.stderr}`);
    }
    const m = mustSucceed(
      'awscli',
      await measure({
        command: awsBin,
        args: ['--endpoint-url', ctx.target.endpoint, 's3', 'cp', job.file, `s3://${ctx.bucket}/${job.key}`, '--only-show-errors', '--no-progress'],
        env,
        timeoutMs: 30 * 60_000,
      }),
    );
    return { ...m, mibPerSec: rate(job.size, m.wallMs) };
  },
};

/** rclone's environment for the bench's S3 server: one remote, `bench:`, defined by variables alone. */
export function rcloneEnv(
  ctx: { work: string; target: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string } },
  base: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  return {
    ...base,
    RCLONE_CONFIG: join(ctx.work, 'rclone.conf'), // absent: the env remote is the only one
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
    RCLONE_CONFIG_BENCH_ENDPOINT: ctx.target.endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: ctx.target.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: ctx.target.secretAccessKey,
    RCLONE_CONFIG_BENCH_REGION: ctx.target.region,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
  };
}

export const rclonePeer: Peer = {
  name: 'rclone',
  missing: () => (existsSync(rcloneBin) ? undefined : `${rcloneBin} not found (apt-get install rclone)`),
  async upload(ctx, job) {
    const env = rcloneEnv(ctx, withoutCaBundle(process.env));
    const chunk = `${job.partSize / 2 ** 20}M`;
    const m = mustSucceed(
      'rclone',
      await measure({
        command: rcloneBin,
        args: [
          'copyto',
          job.file,
          `bench:${ctx.bucket}/${job.key}`,
          '--s3-chunk-size',
          chunk,
          // Multipart from the first chunk up, like the others (default cutoff is 200M).
          '--s3-upload-cutoff',
          chunk,
          '--s3-upload-concurrency',
          String(job.concurrency),
          '--s3-no-check-bucket',
          '--stats',
          '0',
        ],
        env,
        timeoutMs: 30 * 60_000,
      }),
    );
    return { ...m, mibPerSec: rate(job.size, m.wallMs) };
  },
};

/** Installs awscli and rclone from Debian when missing and allowed (root); answers what is still missing. */
export function ensureCliPeers(say: (line: string) => void): void {
  const wanted = [awsBin, rcloneBin].filter((bin) => !existsSync(bin));
  if (wanted.length === 0) return;
  if (process.getuid?.() !== 0) {
    say(`not root: cannot apt-get install ${wanted.join(', ')}; those peers are skipped`);
    return;
  }
  const packages = wanted.map((bin) => (bin === awsBin ? 'awscli' : 'rclone'));
  say(`installing ${packages.join(' ')} from Debian`);
  spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    stdio: 'ignore',
    timeout: 600_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) say(`apt-get install ${packages.join(' ')} failed (exit ${r.status}); those peers are skipped`);
}

/** rclone's S3 client refuses a custom CA bundle on plain-http transports; loopback http needs none. */
function withoutCaBundle(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _, ...rest } = env;
  return rest;
}
