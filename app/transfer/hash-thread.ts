// The hashing thread's body (a worker_threads Worker, hash-worker.ts starts
// it). For each job it reads the file itself, in order, from the page cache
// the part senders just filled, and answers each listed part's MD5 as soon
// as its last byte is read, and the whole file's SHA-256 at the end when
// asked for. Parallel part senders then hash nothing on the main thread,
// which was 40 % of its time at 1 GiB (issue 20's profile); the MD5 of the
// bytes read here, equal to the ETag storage answered for the bytes sent,
// proves they are the same bytes.
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';

export interface HashJob {
  type: 'hash';
  id: number;
  path: string;
  /** Bytes to read from 0: the whole file when `wholeSha256`, else up to the last listed part's end. */
  size: number;
  parts: { partNumber: number; offset: number; size: number }[];
  wholeSha256: boolean;
}

export type HashAnswer =
  | { id: number; partNumber: number; md5: string }
  | { id: number; sha256: string }
  | { id: number; error: { code: string } }
  | { id: number; done: true };

const CHUNK = 1024 * 1024;
const cancelled = new Set<number>();
const buffer = Buffer.allocUnsafeSlow(CHUNK);
let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (message: HashJob | { type: 'cancel'; id: number }) => {
  if (message.type === 'cancel') cancelled.add(message.id);
  // One job at a time: the file is read once, in order, and one buffer serves every job.
  else queue = queue.then(() => run(message));
});

async function run(job: HashJob): Promise<void> {
  const post = (answer: HashAnswer) => parentPort?.postMessage(answer);
  try {
    if (!cancelled.has(job.id)) await hash(job, post);
  } catch (error) {
    post({ id: job.id, error: { code: (error as NodeJS.ErrnoException).code ?? 'EIO' } });
  } finally {
    cancelled.delete(job.id);
    post({ id: job.id, done: true });
  }
}

async function hash(job: HashJob, post: (answer: HashAnswer) => void): Promise<void> {
  const parts = [...job.parts].sort((a, b) => a.offset - b.offset);
  const sha256 = job.wholeSha256 ? createHash('sha256') : undefined;
  const file = await open(job.path, 'r');
  try {
    let next = 0;
    let md5: Hash | undefined;
    for (let at = 0; at < job.size;) {
      if (cancelled.has(job.id)) return;
      const part = parts[next];
      // Without the whole SHA-256, the bytes between listed parts are skipped.
      if (!sha256 && part && at < part.offset) at = part.offset;
      const partEnd = part ? part.offset + part.size : job.size;
      const want = Math.min(CHUNK, job.size - at, part && at >= part.offset ? partEnd - at : part ? part.offset - at : CHUNK);
      const { bytesRead } = await file.read(buffer, 0, want, at);
      if (bytesRead === 0) throw Object.assign(new Error('the file is shorter than its upload'), { code: 'ESHORT' });
      const chunk = buffer.subarray(0, bytesRead);
      sha256?.update(chunk);
      if (part && at >= part.offset) (md5 ??= createHash('md5')).update(chunk);
      at += bytesRead;
      if (part && md5 && at === partEnd) {
        post({ id: job.id, partNumber: part.partNumber, md5: md5.digest('hex') });
        md5 = undefined;
        next++;
      }
    }
    if (sha256) post({ id: job.id, sha256: sha256.digest('hex') });
  } finally {
    await file.close();
  }
}
