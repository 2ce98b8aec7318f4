// awscli 2 and rclone copying a whole folder of small files (the small-files
// scenarios): `aws s3 cp --recursive` and `rclone copy`, each with the same
// number of files in flight as Device Uploader or at its own default,
// configured through env and temp files only (as cli-peers.ts does for one
// big file).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.ts';
import { measure, mustSucceed, type Measured } from '../measure.ts';
import { awsBin, rcloneBin, rcloneEnv } from './cli-peers.ts';

export interface FolderPeer {
  name: string;
  missing(): string | undefined;
  /** The tool's own default of files in flight (what it does when not told). */
  defaultInFlight: number;
  /** Copies every file under `dir` to the bench bucket under `prefix`. */
  copy(ctx: BenchContext, dir: string, prefix: string, options?: FolderCopyOptions): Promise<Measured>;
}

export interface FolderCopyOptions {
  /** Files in flight; the tool's default when absent. */
  inFlight?: number;
  /** Storage's address as the tool sees it (a delaying proxy in front of radosgw); the run's radosgw when absent. */
  endpoint?: string;
}

/** rclone's S3 client refuses a custom CA bundle on plain-http transports; loopback http needs none. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _, ...rest } = process.env;
  return rest;
}

export const awscliFolder: FolderPeer = {
  name: 'aws s3 cp --recursive',
  missing: () => (existsSync(awsBin) ? undefined : `${awsBin} not found`),
  // s3.max_concurrent_requests, awscli's documented default.
  defaultInFlight: 10,
  async copy(ctx, dir, prefix, options = {}) {
    const home = join(ctx.work, 'awscli-folder');
    mkdirSync(home, { recursive: true });
    const configFile = join(home, 'config');
    writeFileSync(configFile, '');
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_ACCESS_KEY_ID: ctx.target.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ctx.target.secretAccessKey,
      AWS_DEFAULT_REGION: ctx.target.region,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    const settings = [['default.s3.addressing_style', 'path']];
    if (options.inFlight !== undefined) settings.push(['default.s3.max_concurrent_requests', String(options.inFlight)]);
    for (const [key, value] of settings) {
      const set = spawnSync(awsBin, ['configure', 'set', key as string, value as string], { env, encoding: 'utf8' });
      if (set.status !== 0) throw new Error(`aws configure set ${key}: ${set.stderr}`);
    }
    return mustSucceed(
      'aws s3 cp --recursive',
      await measure({
        command: awsBin,
        args: [
          '--endpoint-url',
          options.endpoint ?? ctx.target.endpoint,
          's3',
          'cp',
          '--recursive',
          dir,
          `s3://${ctx.bucket}/${prefix}/`,
          '--only-show-errors',
          '--no-progress',
        ],
        env,
        timeoutMs: 30 * 60_000,
      }),
    );
  },
};

export const rcloneFolder: FolderPeer = {
  name: 'rclone copy',
  missing: () => (existsSync(rcloneBin) ? undefined : `${rcloneBin} not found`),
  // --transfers 4 (with --checkers 8), rclone's documented defaults.
  defaultInFlight: 4,
  async copy(ctx, dir, prefix, options = {}) {
    const env = rcloneEnv(options.endpoint ? { ...ctx, target: { ...ctx.target, endpoint: options.endpoint } } : ctx, cleanEnv());
    const inFlight = options.inFlight === undefined ? [] : ['--transfers', String(options.inFlight), '--checkers', String(options.inFlight)];
    return mustSucceed(
      'rclone copy',
      await measure({
        command: rcloneBin,
        args: ['copy', dir, `bench:${ctx.bucket}/${prefix}`, ...inFlight, '--s3-no-check-bucket', '--stats', '0'],
        env,
        timeoutMs: 30 * 60_000,
      }),
    );
  },
};
