// Micro-benchmark of app/transfer/part-put.ts alone (no engine, no BioT):
// one file's parts PUT to radosgw pre-signed links, N in flight, compared
// with the bare undici loop and with a variant that hashes MD5 on a worker
// thread (a proposal). `node bench/probe-part-put.ts [MiB] [parallel]`.
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import { openNet } from '../app/net/index.ts';
import { putPart } from '../app/transfer/part-put.ts';
import { Throttle } from '../app/transfer/throttle.ts';
import { startRadosgw } from '../test/support/radosgw.ts';
import { writeRandom } from './context.ts';
import { s3For } from './peers/s3-env.ts';

const MiB = 1024 * 1024;
const size = Number(process.argv[2] ?? 256) * MiB;
const parallel = Number(process.argv[3] ?? 4);
const partSize = 8 * MiB;
// Nothing is deleted between variants: room for 2 rounds × 4 variants of the file.
const rgw = await startRadosgw({ memstoreBytes: 10 * 1024 ** 3 });
const dir = mkdtempSync(join(tmpdir(), 'du-probe-'));
try {
  const file = join(dir, 'f.bin');
  writeRandom(file, size);
  const s3 = s3For(rgw.target);
  await s3.send(new CreateBucketCommand({ Bucket: 'probe' }));
  const count = Math.ceil(size / partSize);
  type Put = (url: string, offset: number, len: number, dispatcher: Dispatcher) => Promise<string>;
  const viaPartPut: Put = async (url, offset, len, dispatcher) => {
    const r = await putPart({
      url,
      path: file,
      offset,
      size: len,
      dispatcher,
      throttle: new Throttle(0),
      stallMs: 60_000,
      signal: new AbortController().signal,
    });
    if (!r.ok) throw new Error(`status ${r.status}`);
    return r.etag;
  };
  const bare: Put = async (url, offset, len, dispatcher) => {
    const res = await request(url, {
      method: 'PUT',
      dispatcher,
      headers: { 'content-length': String(len) },
      body: createReadStream(file, { start: offset, end: offset + len - 1, highWaterMark: MiB }),
    });
    await res.body.text();
    return res.headers.etag as string;
  };
  // Proposal: MD5 on a worker thread, so the thread driving the sockets only reads and sends.
  const worker = new Worker(
    `
    const { parentPort } = require('node:worker_threads');
    const { createHash } = require('node:crypto');
    const hashes = new Map();
    parentPort.on('message', (m) => {
      let h = hashes.get(m.id);
      if (!h) hashes.set(m.id, (h = createHash('md5')));
      if (m.chunk) h.update(m.chunk);
      else { hashes.delete(m.id); parentPort.postMessage({ id: m.id, digest: h.digest('hex') }); }
    });`,
    { eval: true },
  );
  const waiting = new Map<number, (digest: string) => void>();
  worker.on('message', (m: { id: number; digest: string }) => waiting.get(m.id)?.(m.digest));
  let hashSeq = 0;
  const viaWorkerMd5: Put = async (url, offset, len, dispatcher) => {
    const id = hashSeq++;
    const meter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        worker.postMessage({ id, chunk });
        cb(null, chunk);
      },
    });
    const res = await request(url, {
      method: 'PUT',
      dispatcher,
      headers: { 'content-length': String(len) },
      body: createReadStream(file, { start: offset, end: offset + len - 1, highWaterMark: MiB }).pipe(meter),
    });
    await res.body.text();
    const digest = await new Promise<string>((r) => {
      waiting.set(id, r);
      worker.postMessage({ id });
    });
    waiting.delete(id);
    if ((res.headers.etag as string).replaceAll('"', '') !== digest) throw new Error('md5 mismatch');
    return res.headers.etag as string;
  };
  const variants: [string, Put, () => Dispatcher][] = [
    ['putPart-like, MD5 on a worker thread', viaWorkerMd5, () => new Agent({ connections: parallel })],
    ['bare undici, Agent', bare, () => new Agent({ connections: parallel })],
    [
      'putPart, app/net dispatcher (as engine)',
      viaPartPut,
      () => openNet({ proxy: 'none' }).dispatcher({ connections: 8, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 }),
    ],
    ['putPart, Agent', viaPartPut, () => new Agent({ connections: parallel })],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [name, put, makeDispatcher] of variants) {
      const key = `k-${round}-${name.length}`;
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'probe', Key: key }));
      const urls = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          getSignedUrl(s3, new UploadPartCommand({ Bucket: 'probe', Key: key, UploadId: up.UploadId, PartNumber: i + 1 }), { expiresIn: 3600 }),
        ),
      );
      const dispatcher = makeDispatcher();
      const etags: string[] = [];
      let next = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < count) {
            const i = next++;
            const offset = i * partSize;
            etags[i] = await put(urls[i] as string, offset, Math.min(partSize, size - offset), dispatcher);
          }
        }),
      );
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'probe',
          Key: key,
          UploadId: up.UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
      await dispatcher.close();
      console.log(`${name}: ${(size / MiB / (ms / 1000)).toFixed(1)} MiB/s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`);
    }
  }
  await worker.terminate();
} finally {
  rgw.stop();
  rmSync(dir, { recursive: true, force: true });
}
