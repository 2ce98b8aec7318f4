// putPart against a loopback server: source errors reject (never crash the
// process), the file handle is always closed, and waiting for the bandwidth
// limit is not a stall.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putPart } from '../../app/transfer/part-put.ts';
import { isSourceError } from '../../app/transfer/part-sender.ts';
import { Throttle } from '../../app/transfer/throttle.ts';

const KiB = 1024;

describe('putPart', () => {
  let server: Server;
  let url: string;
  let dir: string;
  const dispatcher = new Agent();
  let status = 200;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'du-part-put-'));
    server = createServer((req, res) => {
      const md5 = createHash('md5');
      req.on('data', (chunk: Buffer) => md5.update(chunk));
      req.on('end', () => {
        if (status !== 200) {
          res.writeHead(status).end('<Error><Code>InternalError</Code></Error>');
          return;
        }
        res.writeHead(200, { etag: `"${md5.digest('hex')}"` }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/part`;
  });
  afterAll(async () => {
    await dispatcher.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ({ url, dispatcher, throttle: new Throttle(0), stallMs: 5_000, signal: new AbortController().signal });

  /** The descriptors of this process that point at `path` (Linux /proc). */
  function openDescriptors(path: string): string[] {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  }

  it('rejects with the open error (ENOENT) when the source is gone, as a source error', async () => {
    const error = await putPart({ ...base(), path: join(dir, 'gone.dat'), offset: 0, size: 64 * KiB }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'open' });
    expect(isSourceError(error)).toBe(true);
  });

  it('rejects with the read error when the source became something unreadable (a folder)', async () => {
    const folder = join(dir, 'now-a-folder');
    mkdirSync(folder);
    const error = await putPart({ ...base(), path: folder, offset: 0, size: 64 * KiB }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EISDIR', syscall: 'read' });
    expect(isSourceError(error)).toBe(true);
    expect(openDescriptors(folder)).toEqual([]);
  });

  it('fails, without hanging, when the file is shorter than the part (truncated mid-upload)', async () => {
    const path = join(dir, 'short.dat');
    writeFileSync(path, Buffer.alloc(10 * KiB, 1));
    // The request cannot complete: fewer bytes than content-length. It must end, not hang or crash.
    const error = await putPart({ ...base(), stallMs: 1_000, path, offset: 0, size: 64 * KiB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(openDescriptors(path)).toEqual([]);
  });

  it('closes the file handle after a success and after a refusal', async () => {
    const path = join(dir, 'ok.dat');
    const bytes = Buffer.alloc(300 * KiB, 7);
    writeFileSync(path, bytes);
    const ok = await putPart({ ...base(), path, offset: 0, size: bytes.length });
    expect(ok).toEqual({ ok: true, etag: `"${createHash('md5').update(bytes).digest('hex')}"`, md5: createHash('md5').update(bytes).digest('hex') });
    expect(openDescriptors(path)).toEqual([]);
    status = 500;
    try {
      const refused = await putPart({ ...base(), path, offset: 0, size: bytes.length });
      expect(refused).toEqual({ ok: false, status: 500, storageCode: 'InternalError' });
    } finally {
      status = 200;
    }
    expect(openDescriptors(path)).toEqual([]);
  });

  it('does not count waiting for the bandwidth limit as a stall', async () => {
    const path = join(dir, 'slow.dat');
    writeFileSync(path, Buffer.alloc(256 * KiB, 3));
    // 128 KiB/s shared by two parts of 128 KiB: ~2 s in all, each part waiting
    // about a second for the limit at a time, with a 600 ms stall timer.
    const throttle = new Throttle(128 * KiB);
    const started = performance.now();
    const results = await Promise.all(
      [0, 1].map((i) => putPart({ ...base(), throttle, stallMs: 600, path, offset: i * 128 * KiB, size: 128 * KiB })),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(performance.now() - started).toBeGreaterThan(1_000); // the limit did hold
  }, 15_000);
});
