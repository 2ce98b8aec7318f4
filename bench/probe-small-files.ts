// Micro-benchmark behind a proposal: small files (one part) sent as BioT
// multipart (create + part PUT + save ETag + complete, i.e. S3 create and
// complete multipart) versus BioT's single upload (create + one PUT).
// `node bench/probe-small-files.ts [files] [parallel]`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { createBiotClient } from '../app/biot/index.ts';
import { startSandbox } from '../app/sandbox/index.ts';
import { putPart } from '../app/transfer/part-put.ts';
import { Throttle } from '../app/transfer/throttle.ts';
import { startRadosgw } from '../test/support/radosgw.ts';

const count = Number(process.argv[2] ?? 200);
const parallel = Number(process.argv[3] ?? 2);
const size = 100 * 1024;
const rgw = await startRadosgw({ memstoreBytes: 2 * 1024 ** 3 });
const root = mkdtempSync(join(tmpdir(), 'du-probe-small-'));
const sandbox = await startSandbox({ dataDir: join(root, 'sb'), s3: { ...rgw.target, bucket: 'probe-small' } });
const biot = createBiotClient({ baseUrl: sandbox.url, auth: { type: 'user', ...sandbox.credentials.user } });
const dispatcher = new Agent({ connections: 16 });
const throttle = new Throttle(0);
const file = join(root, 'f.dat');
writeFileSync(file, randomBytes(size));
const put = async (url: string) => {
  const r = await putPart({ url, path: file, offset: 0, size, dispatcher, throttle, stallMs: 60_000, signal: new AbortController().signal });
  if (!r.ok) throw new Error(`PUT ${r.status} ${r.storageCode}`);
  return r.etag;
};
const ways: Record<string, () => Promise<void>> = {
  multipart: async () => {
    const up = await biot.files.createMultipart({ name: 'f.dat', mimeType: 'application/octet-stream', parts: 1 });
    const etag = await put(up.signedUrls[0]?.signedUrl as string);
    await biot.files.saveEtags(up.id, [{ partNumber: 1, etag }]);
    await biot.files.complete(up.id, [{ partNumber: 1, etag }]);
  },
  single: async () => {
    const up = await biot.files.createSingle({ name: 'f.dat', mimeType: 'application/octet-stream' });
    await put(up.signedUrl);
  },
};
try {
  await ways.multipart?.(); // warm: login, SDK modules
  for (const round of [1, 2]) {
    for (const [name, one] of Object.entries(ways)) {
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next++ < count) await one();
        }),
      );
      const s = (performance.now() - t0) / 1000;
      console.log(`round ${round} ${name}: ${(count / s).toFixed(1)} files/s (${((s / count) * parallel * 1000).toFixed(0)} ms per file per slot)`);
    }
  }
} finally {
  await biot.close();
  await dispatcher.close();
  await sandbox.close();
  rgw.stop();
  rmSync(root, { recursive: true, force: true });
}
