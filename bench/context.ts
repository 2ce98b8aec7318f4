// What every scenario shares: the run's radosgw, one bucket the peers write
// to, a sandbox BioT over that same S3 for Device Uploader, a scratch folder,
// and housekeeping (empty the bucket, radosgw garbage collection) so the RAM
// object store never fills up across runs.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { startSandbox, type Sandbox } from '../app/sandbox/index.ts';
import type { RunningRadosgw, S3Target } from '../test/support/radosgw.ts';
import type { BenchOptions } from './options.ts';
import { runDeviceUploader } from './peers/device-uploader.ts';
import { s3For } from './peers/s3-env.ts';

export interface BenchContext {
  options: BenchOptions;
  target: S3Target;
  /** The bucket peers upload to (Device Uploader's sandbox has its own). */
  bucket: string;
  s3: S3Client;
  /** Scratch space, removed at the end; big test files are kept in `filesDir` between invocations. */
  work: string;
  filesDir: string;
  /** Progress lines go to stderr so stdout stays the tables. */
  say(line: string): void;
  /**
   * A sandbox BioT over the run's S3 (own bucket), warmed by one small upload;
   * closed by the caller. With linkEndpoint its part links go to that address.
   */
  sandbox(options?: { dataDir?: string; linkEndpoint?: string }): Promise<Sandbox>;
  /** Deletes every object and pending upload in the bench buckets, then runs radosgw gc. */
  cleanup(): Promise<void>;
  /** A file of random bytes of this size, made once and reused (kept in page cache by use). */
  file(size: number): string;
}

let sandboxSeq = 0;

export async function createContext(options: BenchOptions, rgw: RunningRadosgw, work: string): Promise<BenchContext> {
  const { target } = rgw;
  // A wedged radosgw must fail the cleanup, not hang the whole bench.
  const s3 = s3For(target, { requestHandler: { requestTimeout: 60_000, connectionTimeout: 5_000 } });
  const bucket = `du-bench-${process.pid}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const buckets = new Set([bucket]);
  const filesDir = join(tmpdir(), 'du-bench-files');
  mkdirSync(filesDir, { recursive: true });
  const say = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const ctx: BenchContext = {
    options,
    target,
    bucket,
    s3,
    work,
    filesDir,
    say,
    async sandbox(opts = {}) {
      const name = `du-bench-${process.pid}-sb${sandboxSeq++}`;
      buckets.add(name);
      const sandbox = await startSandbox({
        dataDir: opts.dataDir ?? join(work, name),
        // linkEndpoint: the links it hands out name a proxy in front of radosgw (the sandbox itself talks to radosgw).
        s3: { ...target, bucket: name, ...(opts.linkEndpoint && { linkEndpoint: opts.linkEndpoint }) },
        // Long links and tokens: a slow-link run must not hit a refresh mid-measurement.
        linkTtlSeconds: 6 * 3600,
        tokenTtlSeconds: 6 * 3600,
      });
      // The sandbox's first S3 calls load SDK modules (~1 s): not something to charge the first timed run.
      await runDeviceUploader(
        ctx,
        { file: ctx.file(8 * 1024 * 1024), size: 8 * 1024 * 1024, partSize: 8 * 1024 * 1024, concurrency: 1, key: 'warmup.bin' },
        { sandbox },
      );
      await ctx.cleanup();
      return sandbox;
    },
    async cleanup() {
      for (const b of buckets) {
        try {
          await emptyBucket(s3, b);
        } catch (error) {
          say(`cleanup of ${b} failed (${(error as Error).name}); radosgw may fill up`);
        }
      }
      // Memstore keeps deleted tails until gc runs; without this, 1 GiB runs fill RAM.
      spawnSync('radosgw-admin', ['-c', join(rgw.cephDir, 'ceph.conf'), 'gc', 'process', '--include-all'], { stdio: 'ignore', timeout: 300_000 });
    },
    file(size) {
      const path = join(filesDir, `random-${size}.bin`);
      if (existsSync(path) && statSync(path).size === size) return path;
      say(`making a ${(size / 2 ** 20).toFixed(0)} MiB test file`);
      writeRandom(path, size);
      return path;
    },
  };
  return ctx;
}

/** Random bytes (incompressible, no repeated parts) written in 8 MiB blocks. */
export function writeRandom(path: string, size: number): void {
  const block = Buffer.allocUnsafe(8 * 1024 * 1024);
  const fd = openSync(`${path}.part`, 'w');
  try {
    for (let left = size; left > 0;) {
      const n = Math.min(left, block.length);
      randomFillSync(block, 0, n);
      writeSync(fd, block, 0, n);
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
  rmSync(path, { force: true });
  spawnSync('mv', [`${path}.part`, path]);
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (;;) {
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      for (const u of uploads.Uploads ?? []) {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
      }
      if (!uploads.IsTruncated) break;
    }
    for (;;) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
      if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      if (!page.IsTruncated) break;
    }
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'NoSuchBucket') throw error;
  }
}
