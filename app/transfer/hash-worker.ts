// The main thread's side of the hashing thread (hash-thread.ts): one worker
// for the process, started at the first multipart upload and left unref'd
// (it never keeps the process alive), shared by every upload in flight. A
// job answers each part's MD5 and, for an upload sent whole in this run, the
// file's SHA-256. Where no worker can start (a runtime without the thread's
// file next to this one), `available()` says no and the part senders hash
// as they read, on the main thread, as before.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HashAnswer, HashJob } from './hash-thread.ts';

/** The thread's file: hash-thread.ts beside this module in the sources, hash-thread.js beside the bundle's chunk. */
function threadFile(): string {
  const here = import.meta.url;
  const file = fileURLToPath(new URL(here.endsWith('.ts') ? './hash-thread.ts' : './hash-thread.js', here));
  // In the desktop app the thread's file is unpacked beside the asar (electron-builder.yml): a worker loads a real file.
  const unpacked = file.replace(/\.asar([\\/])/, '.asar.unpacked$1');
  return unpacked !== file && existsSync(unpacked) ? unpacked : file;
}

/** The hashing thread died or could not start; the upload goes again later (retryable). */
export class HashThreadGone extends Error {
  override name = 'HashThreadGone';
  readonly code = 'HASH_THREAD_GONE';
}

interface Pending {
  md5: Map<number, { promise: Promise<string>; resolve: (md5: string) => void; reject: (e: unknown) => void }>;
  sha256: PromiseWithResolvers<string | undefined>;
}

/** One upload's hashes, computed by the thread as it reads the file. */
export interface ThreadHashes {
  partMd5(partNumber: number): Promise<string>;
  sha256(): Promise<string | undefined>;
  cancel(): void;
}

class HashWorker {
  #worker: Worker | undefined;
  #failed = false;
  #seq = 0;
  readonly #jobs = new Map<number, Pending>();

  /** Whether jobs can go to a thread (starts it on first ask). */
  available(): boolean {
    if (this.#failed) return false;
    if (this.#worker) return true;
    const file = threadFile();
    if (!existsSync(file)) return !(this.#failed = true);
    try {
      // A small heap: the thread holds one 1 MiB buffer (outside it) and two hash states. None of the
      // process's Node flags: they are for the engine (a profiler's, or `--input-type` of an -e script).
      const worker = new Worker(file, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
      worker.on('message', (answer: HashAnswer) => this.#answer(answer));
      let online = false;
      worker.once('online', () => (online = true));
      worker.on('error', (error) => {
        // One that cannot even start will not start next time: hash on the main thread from now on.
        if (!online) this.#failed = true;
        this.#gone(error);
      });
      worker.on('exit', () => this.#gone(new HashThreadGone('the hashing thread ended')));
      // Held (ref'd) only while a job is out: an idle thread never keeps the process alive, and one
      // whose answer is awaited always does. After the listeners: adding one refs the thread again.
      worker.unref();
      this.#worker = worker;
      return true;
    } catch {
      return !(this.#failed = true);
    }
  }

  /** Starts hashing `parts` of the file (and all of it for `wholeSha256`); answers the promises to ask. */
  start(path: string, size: number, parts: HashJob['parts'], wholeSha256: boolean): ThreadHashes {
    const id = ++this.#seq;
    const md5 = new Map<number, { promise: Promise<string>; resolve: (md5: string) => void; reject: (e: unknown) => void }>();
    for (const part of parts) {
      const { promise, resolve, reject } = Promise.withResolvers<string>();
      promise.catch(() => undefined); // asked for only if the part is sent; a failure is answered there
      md5.set(part.partNumber, { promise, resolve, reject });
    }
    const sha256 = Promise.withResolvers<string | undefined>();
    this.#jobs.set(id, { md5, sha256 });
    if (this.#jobs.size === 1) this.#worker?.ref();
    const end = wholeSha256 ? size : Math.max(0, ...parts.map((p) => p.offset + p.size));
    const job: HashJob = { type: 'hash', id, path, size: end, parts, wholeSha256 };
    this.#worker?.postMessage(job);
    return {
      partMd5: (partNumber) => md5.get(partNumber)?.promise ?? Promise.reject(new Error(`part ${partNumber} is not in the hash job`)),
      sha256: () => sha256.promise,
      cancel: () => {
        this.#worker?.postMessage({ type: 'cancel', id });
        this.#settle(id, new HashThreadGone('cancelled'));
      },
    };
  }

  #answer(answer: HashAnswer): void {
    const job = this.#jobs.get(answer.id);
    if (!job) return;
    if ('md5' in answer) job.md5.get(answer.partNumber)?.resolve(answer.md5);
    else if ('sha256' in answer) job.sha256.resolve(answer.sha256);
    else if ('error' in answer) this.#settle(answer.id, Object.assign(new Error(`the file could not be read (${answer.error.code})`), answer.error));
    else this.#settle(answer.id, undefined);
  }

  /** Ends a job: parts never answered reject with `error`, the SHA-256 is unknown. */
  #settle(id: number, error: unknown): void {
    const job = this.#jobs.get(id);
    if (!job) return;
    this.#jobs.delete(id);
    if (this.#jobs.size === 0) this.#worker?.unref();
    for (const part of job.md5.values()) part.reject(error ?? new Error('the part was not hashed'));
    job.sha256.resolve(undefined);
  }

  #gone(error: unknown): void {
    this.#worker = undefined;
    for (const id of [...this.#jobs.keys()])
      this.#settle(id, error instanceof HashThreadGone ? error : new HashThreadGone('the hashing thread failed'));
  }
}

/** The MD5 of a byte range read here, on the main thread (the thread gone). */
export async function md5OfRange(path: string, range: { offset: number; size: number }): Promise<string> {
  const md5 = createHash('md5');
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(range.size, 1024 * 1024));
    for (let at = range.offset, end = range.offset + range.size; at < end;) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - at), at);
      if (bytesRead === 0) throw Object.assign(new Error('the file is shorter than its upload'), { code: 'ESHORT' });
      md5.update(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
    return md5.digest('hex');
  } finally {
    await file.close();
  }
}

/** The process's hashing thread. */
export const hashWorker = new HashWorker();
