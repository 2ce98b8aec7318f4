// Device Uploader in the throughput comparison as a person starts it:
// `device-uploader run --once --config FILE` through bin/device-uploader.js,
// which runs the bundle `npm install` built, as the small-file and memory
// rows do. (Until issue 20 this row ran the bench's own child from the
// TypeScript sources, which no user runs: ~0.3 s more start-up and 30 MiB
// more memory than the bundle.) Its phases come from its queue database,
// read after it exited: when the file was queued and when it was done.
import { linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Sandbox } from '../../app/sandbox/index.ts';
import type { BenchContext } from '../context.ts';
import { doneCount, runCli, writeCliConfig } from './cli-run.ts';
import { rate, type Peer, type PeerRun, type UploadJob } from './types.ts';

let runSeq = 0;

/** Epoch ms when the first file was queued and when the last was done. */
function queueTimes(dataDir: string): { queuedAt: number; doneAt: number } {
  const db = new Database(join(dataDir, 'queue.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT min(created_at) AS queuedAt, max(completed_at) AS doneAt FROM files').get() as { queuedAt: number; doneAt: number };
  } finally {
    db.close();
  }
}

async function runOnce(ctx: BenchContext, job: UploadJob, sandbox: Sandbox): Promise<PeerRun> {
  const dir = join(ctx.work, `du-cli-run-${runSeq++}`);
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox, { recursive: true });
  // A hard link, not a symlink: the folder scan takes regular files only.
  linkSync(job.file, join(inbox, job.key));
  const { file, dataDir } = writeCliConfig({
    dir,
    baseUrl: sandbox.url,
    credentials: sandbox.credentials.user,
    folder: { path: inbox },
    transfer: { partSizeMiB: job.partSize / 2 ** 20, parallelParts: job.concurrency, parallelFiles: 2 },
  });
  const startedAt = Date.now();
  const m = await runCli({ config: file, once: true, timeoutMs: 30 * 60_000 });
  if (doneCount(m.stdout) !== 1) throw new Error(`Device Uploader did not send the file: ${m.stdout.slice(-300)}`);
  const { queuedAt, doneAt } = queueTimes(dataDir);
  const uploadMs = doneAt - queuedAt;
  return { ...m, mibPerSec: rate(job.size, m.wallMs), detail: { intakeMs: queuedAt - startedAt, uploadMs, uploadMiBps: rate(job.size, uploadMs) } };
}

/** `device-uploader run --once` over a folder holding the job's file. */
export function deviceUploaderCliPeer(sandbox: () => Sandbox): Peer {
  return {
    name: 'Device Uploader run --once',
    missing: () => undefined,
    upload: (ctx, job) => runOnce(ctx, job, sandbox()),
  };
}
