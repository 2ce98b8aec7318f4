// Issue 10 §2: errors put in the right place. A reset or refused connection
// is a network fault, retried; only errors raised by reading the source are
// "the file could not be read". Real loopback storage, real SQLite ledger.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { defaultTransferSettings, transferFile, type TransferDeps } from '../../app/transfer/file-transfer.ts';
import { outcomeOf } from '../../app/transfer/outcome.ts';
import type { MultipartApi } from '../../app/transfer/ports.ts';
import { SourceReadError } from '../../app/transfer/source-read-error.ts';
import { Throttle } from '../../app/transfer/throttle.ts';
import { partLinksAnswer } from '../support/part-links.ts';

const MiB = 1024 * 1024;
let server: Server;
let storageUrl: string;
/** PUTs still to be answered with a connection reset after their body was read (ECONNRESET, syscall 'read'). */
let resetsLeft = 0;
let puts = 0;
const dispatcher = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    puts++;
    const md5 = createHash('md5');
    req.on('data', (chunk: Buffer) => md5.update(chunk));
    req.on('end', () => {
      if (resetsLeft > 0) {
        resetsLeft--;
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(200, { etag: `"${md5.digest('hex')}"` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  storageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await dispatcher.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-err-place-'));
  store = openStore(join(dir, 'queue.db'));
  resetsLeft = 0;
  puts = 0;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const links = (from: number, to: number): MultipartUpload => partLinksAnswer(storageUrl, from, to);

function world(storage = storageUrl, options: { partLinks?: (from: number, to: number) => MultipartUpload } = {}) {
  const api: MultipartApi = {
    createSingle: async () => ({ id: 'biot-s', signedUrl: `${storage}/single` }) as never,
    createMultipart: async (request) => links(1, request.parts),
    partLinks: async (_id, from, to) => (options.partLinks ?? links)(from, to),
    saveEtags: async () => undefined,
    complete: async () => ({}) as never,
    cancel: async () => undefined,
    downloadLink: async () => ({}) as never,
  };
  const deps: TransferDeps = {
    ledger: storeLedger(store),
    api,
    dispatcher,
    throttle: new Throttle(0),
    settings: { ...defaultTransferSettings, partSize: 5 * MiB, stallMs: 5_000, retryBaseMs: 5, retryMaxMs: 20, maxPartAttempts: 3 },
  };
  return deps;
}

/** A real file queued and claimed in the real store: the transfer's job for it. */
function claimed(size: number) {
  const path = join(dir, `export-${size}.dat`);
  writeFileSync(path, Buffer.alloc(size, 7));
  const s = statSync(path);
  store.enqueue({ folderId: 'f', sourcePath: path, relPath: 'x.dat', size, mtimeMs: s.mtimeMs });
  const [row] = store.claimNext(1);
  return { fileId: row!.id, path, signal: new AbortController().signal, expected: { size, mtimeMs: Math.trunc(s.mtimeMs) } };
}

describe('a connection reset while a part is answered (ECONNRESET, syscall read)', () => {
  it('is retried as a network fault, not taken as a source read error that fails the file', async () => {
    resetsLeft = 1;
    const outcome = await transferFile(world(), claimed(12 * MiB));
    expect(outcome).toMatchObject({ kind: 'done', biotFileId: 'biot-1' });
    expect(puts).toBe(4); // 3 parts, one of them twice
  });

  it('in a single upload, too: the next attempt succeeds', async () => {
    resetsLeft = 1;
    const outcome = await transferFile(world(), claimed(100_000));
    expect(outcome).toMatchObject({ kind: 'done', biotFileId: 'biot-s' });
  });
});

describe('a refused connection to storage', () => {
  it('in a single upload ends as a network retry, never "the file could not be read"', async () => {
    const outcome = await transferFile(world('http://127.0.0.1:1'), claimed(100_000));
    expect(outcome).toMatchObject({ kind: 'retry', code: 'NETWORK' });
    expect((outcome as { message: string }).message).not.toMatch(/could not be read/);
  });
});

describe('outcomeOf decides on the error type, not on errno fields', () => {
  const errno = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall });
  it.each([
    ['ECONNRESET on a socket read', errno('ECONNRESET', 'read'), { kind: 'retry', code: 'NETWORK' }],
    ['ECONNREFUSED', errno('ECONNREFUSED', 'connect'), { kind: 'retry', code: 'NETWORK' }],
    ['the source gone', new SourceReadError(errno('ENOENT', 'open')), { kind: 'missing' }],
    ['the source locked', new SourceReadError(errno('EBUSY', 'open')), { kind: 'retry', code: 'SOURCE_LOCKED' }],
    ['the source failing a read', new SourceReadError(errno('EIO', 'read')), { kind: 'retry', code: 'SOURCE_EIO' }],
    ['a stat of the source', errno('ELOOP', 'stat'), { kind: 'retry', code: 'SOURCE_ELOOP' }],
    ["a captive portal's page in a 200", new BiotError({ status: 200, code: 'MALFORMED_RESPONSE', operation: 'file.partLinks' }), { kind: 'retry' }],
  ])('%s', (_name, error, expected) => {
    expect(outcomeOf(error)).toMatchObject(expected);
  });

  it('a SourceReadError never carries the path in its message', () => {
    const e = new SourceReadError(errno('EACCES', 'open'));
    expect(e.message).toBe('the file could not be read (EACCES)');
  });
});

describe('fewer part links than asked', () => {
  it('is worded for what it is, not as a clock problem', async () => {
    // BioT answers each window without the links of parts 2 and up.
    const deps = world(storageUrl, { partLinks: (from) => links(from, from) });
    deps.settings = { ...deps.settings, linkWindow: 3, maxPartAttempts: 1 };
    const job = claimed(12 * MiB);
    // The create answer holds every link; the ledger's upload is resumed with none known.
    const outcome = await transferFile(
      { ...deps, api: { ...deps.api, createMultipart: async () => ({ id: 'biot-1', signedUrls: [] }) as never } },
      job,
    );
    expect(outcome).toMatchObject({ kind: 'retry', code: 'LINKS_MISSING' });
    expect((outcome as { message: string }).message).toMatch(/fewer part links than asked/);
    expect((outcome as { message: string }).message).not.toMatch(/clock/);
  });
});
