// transferFile against scripted fakes (ledger, BioT API) and a loopback
// "storage" server: what a run does when the source changed while queued, when
// its stat fails briefly, when a link fetch fails, and how a growing file settles.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
import type { MultipartUpload } from '../../app/biot/types.ts';
import type { PartRow, UploadRow } from '../../app/store/types.ts';
import { defaultTransferSettings, transferFile, type TransferDeps, type TransferJob } from '../../app/transfer/file-transfer.ts';
import type { MultipartApi, TransferLedger } from '../../app/transfer/ports.ts';
import { Throttle } from '../../app/transfer/throttle.ts';

const KiB = 1024;
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

/** An in-memory ledger and BioT that record what the transfer asked of them. */
function fakeWorld(options: { onPartEtag?: (partNumber: number) => void; partLinks?: () => void } = {}) {
  const calls = { createMultipart: 0, partLinks: 0, complete: 0, cancel: 0, noteGrowth: 0, closed: [] as string[] };
  let upload: UploadRow | undefined;
  let parts: PartRow[] = [];
  const links = (from: number, to: number): MultipartUpload => ({
    id: 'biot-1',
    signedUrls: Array.from({ length: to - from + 1 }, (_, i) => ({
      partNumber: from + i,
      signedUrl: `${storageUrl}/part/${from + i}`,
      expirationTime: new Date(Date.now() + 3_600_000).toISOString(),
    })),
  }) as MultipartUpload;
  const plan = (uploadId: number, planned: readonly { partNumber: number; offset: number; size: number }[]) => {
    for (const p of planned) parts.push({ uploadId, ...p, md5: null, etag: null, uploadedAt: null, etagSavedToBiot: false });
  };
  const ledger: TransferLedger = {
    currentUpload: () => (upload?.state === 'open' ? upload : undefined),
    startUpload(fileId, u, planned) {
      upload = { id: 1, fileId, ...u, state: 'open', createdAt: Date.now(), closedAt: null };
      parts = [];
      plan(1, planned);
      return upload;
    },
    parts: () => parts.map((p) => ({ ...p })),
    planParts: (uploadId, planned) => plan(uploadId, planned),
    noteGrowth: () => void calls.noteGrowth++,
    finalizeUpload(_id, final) {
      upload = { ...upload!, partCount: final.partCount, fileSize: final.fileSize, fileMtimeMs: final.fileMtimeMs };
      return upload;
    },
    recordPartEtag(_id, partNumber, etag, md5) {
      const part = parts.find((p) => p.partNumber === partNumber)!;
      Object.assign(part, { etag, md5, uploadedAt: Date.now() });
      options.onPartEtag?.(partNumber);
    },
    markEtagsSaved: () => undefined,
    closeUpload(_id, state) {
      calls.closed.push(state);
      upload = { ...upload!, state: state === 'completed' ? 'completed' : state === 'cancelled' ? 'cancelled' : 'abandoned' } as UploadRow;
    },
    markCompleting: () => undefined,
    recordVerification: () => undefined,
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
  return { deps, calls };
}

function job(path: string, extra: Partial<TransferJob> = {}): TransferJob {
  return { fileId: 7, path, signal: new AbortController().signal, ...extra };
}

let seq = 0;
let path: string;
beforeEach(() => {
  path = join(dir, `export-${seq++}.dat`);
});

describe('a file that changed while queued', () => {
  it('is reported source-changed before any upload is created', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    const queued = statSync(path);
    writeFileSync(path, Buffer.alloc(150 * KiB, 2)); // rewritten after intake hashed it
    utimesSync(path, new Date(), new Date(Math.trunc(queued.mtimeMs) + 5_000));
    const { deps, calls } = fakeWorld();
    const outcome = await transferFile(deps, job(path, { expected: { size: queued.size, mtimeMs: Math.trunc(queued.mtimeMs) } }));
    expect(outcome).toEqual({ kind: 'source-changed', size: 150 * KiB, mtimeMs: Math.trunc(statSync(path).mtimeMs) });
    expect(calls.createMultipart).toBe(0);
  });

  it('uploads as usual when it is what was queued', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    const s = statSync(path);
    const { deps, calls } = fakeWorld();
    const outcome = await transferFile(deps, job(path, { expected: { size: s.size, mtimeMs: s.mtimeMs } }));
    expect(outcome).toEqual({ kind: 'done', biotFileId: 'biot-1' });
    expect(calls.complete).toBe(1);
  });
});

describe('the source check after the parts are sent', () => {
  it('keeps the upload when stat fails with something other than ENOENT (retry later)', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    // Once the part landed the path stops answering stat (ELOOP stands in for a share's brief EIO).
    const { deps, calls } = fakeWorld({ onPartEtag: () => { unlinkSync(path); symlinkSync(path, path); } });
    const outcome = await transferFile(deps, job(path));
    expect(outcome).toMatchObject({ kind: 'retry', code: 'SOURCE_ELOOP' });
    expect(calls.closed).toEqual([]); // not abandoned
    expect(calls.cancel).toBe(0); // and not cancelled at BioT
    expect(calls.complete).toBe(0);
  });

  it('reports a vanished source as missing', async () => {
    writeFileSync(path, Buffer.alloc(100 * KiB, 1));
    const { deps, calls } = fakeWorld({ onPartEtag: () => unlinkSync(path) });
    expect(await transferFile(deps, job(path))).toEqual({ kind: 'missing' });
    expect(calls.complete).toBe(0);
  });
});

describe('link fetches', () => {
  it('retries a failed partLinks inside the part instead of failing the file', async () => {
    writeFileSync(path, Buffer.alloc(12 * MiB, 1)); // 3 parts of 5 MiB; links come 1 per window
    let failures = 2;
    const { deps, calls } = fakeWorld({
      partLinks: () => {
        if (failures-- > 0) throw new BiotError({ status: 500, code: 'INTERNAL_SERVER_ERROR', operation: 'file.partLinks' });
      },
    });
    deps.settings = { ...deps.settings, linkWindow: 1 };
    const outcome = await transferFile(deps, job(path));
    expect(outcome).toEqual({ kind: 'done', biotFileId: 'biot-1' });
    expect(calls.partLinks).toBeGreaterThanOrEqual(4); // 2 windows + 2 failed fetches
  });

  it('still ends the file on a link refusal retrying cannot fix', async () => {
    writeFileSync(path, Buffer.alloc(12 * MiB, 1));
    const { deps } = fakeWorld({
      partLinks: () => {
        throw new BiotError({ status: 403, code: 'ACCESS_DENIED', operation: 'file.partLinks' });
      },
    });
    deps.settings = { ...deps.settings, linkWindow: 1 };
    expect(await transferFile(deps, job(path))).toMatchObject({ kind: 'needs-attention', code: 'ACCESS_DENIED' });
  });
});

describe('a growing file', () => {
  it('waits one quiet period even when its mtime (a skewed share clock) says it settled long ago', async () => {
    writeFileSync(path, Buffer.alloc(10 * KiB, 1));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, hourAgo, hourAgo);
    const { deps, calls } = fakeWorld();
    const started = performance.now();
    const outcome = await transferFile(deps, job(path, { growing: { quietMs: 400, pollMs: 20 } }));
    expect(outcome).toEqual({ kind: 'done', biotFileId: 'biot-1' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(calls.complete).toBe(1);
  });

  it('notes growth only when size or mtime changed, not on every poll', async () => {
    writeFileSync(path, Buffer.alloc(10 * KiB, 1));
    const { deps, calls } = fakeWorld();
    const outcome = await transferFile(deps, job(path, { growing: { quietMs: 300, pollMs: 10 } }));
    expect(outcome).toEqual({ kind: 'done', biotFileId: 'biot-1' });
    expect(calls.noteGrowth).toBe(1); // ~30 polls of an unchanged file
  });
});
