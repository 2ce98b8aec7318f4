// The two Node peers: @aws-sdk/lib-storage and the bare pre-signed loop.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { measure, mustSucceed } from '../measure.ts';
import type { ChildArgs } from './s3-env.ts';
import { rate, type Peer } from './types.ts';

function nodePeer(name: string, script: string, missing: () => string | undefined): Peer {
  const child = resolve(import.meta.dirname, script);
  return {
    name,
    missing,
    async upload(ctx, job) {
      const args: ChildArgs = {
        target: ctx.target,
        bucket: ctx.bucket,
        key: job.key,
        file: job.file,
        size: job.size,
        partSize: job.partSize,
        concurrency: job.concurrency,
      };
      const m = mustSucceed(name, await measure({ command: process.execPath, args: [child, JSON.stringify(args)], timeoutMs: 30 * 60_000 }));
      return { ...m, mibPerSec: rate(job.size, m.wallMs) };
    },
  };
}

export const libStoragePeer = nodePeer('@aws-sdk/lib-storage', 'lib-storage-child.ts', () => {
  try {
    createRequire(import.meta.url).resolve('@aws-sdk/lib-storage');
    return undefined;
  } catch {
    return '@aws-sdk/lib-storage is not installed (npm install; it is a devDependency)';
  }
});

export const rawUndiciPeer = nodePeer('ceiling: pre-signed PUTs (undici)', 'raw-undici-child.ts', () => undefined);
