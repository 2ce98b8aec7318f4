// transferFile against the real store (a SQLite file in a temp folder, through
// the engine's own storeLedger adapter, so the transfer meets every rule the
// store enforces), a scripted BioT API and a loopback "storage" server: what a
// run does when the source changed while queued, when its stat fails briefly,
// when a link fetch fails, and how a growing file settles.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
import type { MultipartUpload } from '../../app/biot/types.ts';
import { storeLedger } from '../../app/engine/ledger.ts';
import { openStore, type Store } from '../../app/store/index.ts';
import { defaultTransferSettings, transferFile, type TransferDeps, type TransferJob } from '../../app/transfer/file-transfer.ts';
import type { MultipartApi, TransferLedger } from '../../app/transfer/ports.ts';
import { Throttle } from '../../app/transfer/throttle.ts';
import { partLinksAnswer } from '../support/part-links.ts';

const KiB = 1024;
/** The SHA-256 of a file as it is now, read in one go (the files here are small). */
const shaOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const MiB = 1024 * KiB;

let server: Server;
let storageUrl: string;
let dir: string;
const dispatcher = new Agent();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'du-file-run-'));
  server = createServer((req, res) => {
    const md5 = createHash('md5');
    req.on('data', (chunk: Buffer) => md5.update(chunk));
    req.on('end', () => res.writeHead(200, { etag: `"${md5.digest('hex')}"` }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  storageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await dispatcher.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

let stores: Store[] = [];
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

/**
 * A real store holding the file as the scheduler hands it over (queued, then
 * claimed), its ledger counting what the transfer asked of it, and a scripted
 * BioT that records its calls.
 */
function storeWorld(path: string, options: { onPartEtag?: (partNumber: number) => void; partLinks?: () => void } = {}) {
  const calls = { createMultipart: 0, partLinks: 0, complete: 0, cancel: 0, noteGrowth: 0, closed: [] as string[] };
  const store = openStore(join(dir, `queue-${seq}.db`));
  stores.push(store);
  const source = existsSync(path) ? statSync(path) : { size: 0, mtimeMs: 0 };
  const row = store.enqueue({
    folderId: 'holter',
    sourcePath: path,
    relPath: path.slice(dir.length + 1),
    size: source.size,
    mtimeMs: Math.trunc(source.mtimeMs),
  });
  expect(store.claimNext(1).map((r) => r.id)).toEqual([row.id]);
  const links = (from: number, to: number): MultipartUpload => partLinksAnswer(storageUrl, from, to);
  const real = storeLedger(store);
  const ledger: TransferLedger = {
    ...real,
    noteGrowth(fileId, size, mtimeMs) {
      calls.noteGrowth++;
      real.noteGrowth(fileId, size, mtimeMs);
    },
    recordPartEtag(uploadId, partNumber, etag, md5) {
      real.recordPartEtag(uploadId, partNumber, etag, md5);
      options.onPartEtag?.(partNumber);
    },
    closeUpload(uploadId, state) {
      calls.closed.push(state);
      real.closeUpload(uploadId, state);
    },
  };
  const api: MultipartApi = {
    createSingle: async () => {
      throw new Error('these runs test the multipart path (singleUploads off)');
    },
    async createMultipart(request) {
      calls.createMultipart++;
      return links(1, request.parts);
    },
    async partLinks(_id, from, to) {
      calls.partLinks++;
      options.partLinks?.();
      return links(from, to);
    },
    saveEtags: async () => undefined,
    async complete() {
      calls.complete++;
      return {} as never;
    },
    async cancel() {
      calls.cancel++;
    },
    downloadLink: async () => ({}) as never,
  };
  const deps: TransferDeps = {
    ledger,
    api,
    dispatcher,
    throttle: new Throttle(0),
    settings: { ...defaultTransferSettings, partSize: 5 * MiB, stallMs: 5_000, retryBaseMs: 5, retryMaxMs: 20, singleUploads: false },
  };
  const job = (extra: Partial<TransferJob> = {}): TransferJob => ({ fileId: row.id, path, signal: new AbortController().signal, ...extra });
  return { deps, calls, store, fileId: row.id, job };
}

let seq = 0;
let path: string;
beforeEach(() => {
  path = join(dir, `export-${seq++}.dat`);
});

describe('the hash taken while sending', () => {
  it('cancels the upload, never completes it, when the end hash names a file already done', async () => {
    writeFileSync(path, Buffer.alloc(12 * MiB, 7));
    const { deps, calls, store, fileId, job } = storeWorld(path);
    const asked: string[] = [];
    const outcome = await transferFile(deps, job({ duplicateOf: (sha256) => (asked.push(sha256), 4242) }));
    expect(asked).toEqual([shaOf(path)]);
    expect(outcome).toEqual({ kind: 'duplicate', of: 4242, sha256: shaOf(path) });
    expect(calls).toMatchObject({ createMultipart: 1, complete: 0, cancel: 1 });
    expect(store.uploadsFor(fileId).map((u) => u.state)).toEqual(['cancelled']);
  });
});

describe('a file that changed while queued', () => {
  it('is reported source-changed before any upload is created', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    const queued = statSync(path);
    writeFileSync(path, Buffer.alloc(150 * KiB, 2)); // rewritten after intake hashed it
    utimesSync(path, new Date(), new Date(Math.trunc(queued.mtimeMs) + 5_000));
    const { deps, calls, job } = storeWorld(path);
    const outcome = await transferFile(deps, job({ expected: { size: queued.size, mtimeMs: Math.trunc(queued.mtimeMs) } }));
    expect(outcome).toEqual({ kind: 'source-changed', size: 150 * KiB, mtimeMs: Math.trunc(statSync(path).mtimeMs) });
    expect(calls.createMultipart).toBe(0);
  });

  it('uploads as usual when it is what was queued', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    const s = statSync(path);
    const { deps, calls, job, store, fileId } = storeWorld(path);
    const outcome = await transferFile(deps, job({ expected: { size: s.size, mtimeMs: s.mtimeMs } }));
    // The file's hash, taken in the read that sent it.
    expect(outcome).toEqual({ kind: 'done', biotFileId: 'biot-1', sha256: shaOf(path) });
    expect(calls.complete).toBe(1);
    // What the store kept: the upload completed, every part with its ETag, the row handed back completing.
    const [upload] = store.uploadsFor(fileId);
    expect(store.uploadsFor(fileId).map((u) => u.state)).toEqual(['completed']);
    expect(store.partsOf(upload!.id).every((p) => p.etag && p.md5)).toBe(true);
    expect(store.fileById(fileId)).toMatchObject({ state: 'completing', bytesDone: 100 * KiB });
  });
});

describe('the source check after the parts are sent', () => {
  it('keeps the upload when stat fails with something other than ENOENT (retry later)', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    // Once the part landed the path stops answering stat (ELOOP stands in for a share's brief EIO).
    const { deps, calls, job, store, fileId } = storeWorld(path, {
      onPartEtag: () => {
        unlinkSync(path);
        symlinkSync(path, path);
      },
    });
    const outcome = await transferFile(deps, job());
    expect(outcome).toMatchObject({ kind: 'retry', code: 'SOURCE_ELOOP' });
    expect(calls.closed).toEqual([]); // not abandoned
    expect(store.currentUpload(fileId)?.state).toBe('open'); // kept, with the part that landed
    expect(store.partsOf(store.currentUpload(fileId)!.id).map((p) => Boolean(p.etag))).toEqual([true]);
    expect(calls.cancel).toBe(0); // and not cancelled at BioT
    expect(calls.complete).toBe(0);
  });

  it('reports a vanished source as missing', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    const { deps, calls, job } = storeWorld(path, { onPartEtag: () => unlinkSync(path) });
    expect(await transferFile(deps, job())).toEqual({ kind: 'missing' });
    expect(calls.complete).toBe(0);
  });
});

describe('link fetches', () => {
  it('retries a failed partLinks inside the part instead of failing the file', async () => {
    writeFileSync(path, Buffer.alloc(12 * MiB, 1)); // 3 parts of 5 MiB; links come 1 per window
    let failures = 2;
    const { deps, calls, job } = storeWorld(path, {
      partLinks: () => {
        if (failures-- > 0) throw new BiotError({ status: 500, code: 'INTERNAL_SERVER_ERROR', operation: 'file.partLinks' });
      },
    });
    deps.settings = { ...deps.settings, linkWindow: 1 };
    const outcome = await transferFile(deps, job());
    expect(outcome).toEqual({ kind: 'done', biotFileId: 'biot-1', sha256: shaOf(path) });
    expect(calls.partLinks).toBeGreaterThanOrEqual(4); // 2 windows + 2 failed fetches
  });

  it('still ends the file on a link refusal retrying cannot fix', async () => {
    writeFileSync(path, Buffer.alloc(12 * MiB, 1));
    const { deps, job } = storeWorld(path, {
      partLinks: () => {
        throw new BiotError({ status: 403, code: 'ACCESS_DENIED', operation: 'file.partLinks' });
      },
    });
    deps.settings = { ...deps.settings, linkWindow: 1 };
    expect(await transferFile(deps, job())).toMatchObject({ kind: 'needs-attention', code: 'ACCESS_DENIED' });
  });
});

describe('a growing file', () => {
  it('waits one quiet period even when its mtime (a skewed share clock) says it settled long ago', async () => {
    writeFileSync(path, Buffer.alloc(10 * KiB, 1));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, hourAgo, hourAgo);
    const { deps, calls, job } = storeWorld(path);
    const started = performance.now();
    const outcome = await transferFile(deps, job({ growing: { quietMs: 400, pollMs: 20 } }));
    expect(outcome).toMatchObject({ kind: 'done', biotFileId: 'biot-1', sha256: shaOf(path) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(calls.complete).toBe(1);
  });

  it('notes growth only when size or mtime changed, not on every poll', async () => {
    writeFileSync(path, Buffer.alloc(10 * KiB, 1));
    const { deps, calls, job } = storeWorld(path);
    const outcome = await transferFile(deps, job({ growing: { quietMs: 300, pollMs: 10 } }));
    expect(outcome).toMatchObject({ kind: 'done', biotFileId: 'biot-1', sha256: shaOf(path) });
    expect(calls.noteGrowth).toBe(1); // ~30 polls of an unchanged file
  });
});
