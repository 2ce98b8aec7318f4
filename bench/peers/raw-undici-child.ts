// Bench child: the ceiling of this server for a Node client. Pre-signed part
// PUTs with undici, each part streamed from disk, N in flight, no hashing,
// no bookkeeping: what is left is the HTTP path and the server.
import { createReadStream } from 'node:fs';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Agent, request } from 'undici';
import { s3For, type ChildArgs } from './s3-env.ts';

const args = JSON.parse(process.argv[2] as string) as ChildArgs;
const s3 = s3For(args.target);
const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: args.bucket, Key: args.key }));
const uploadId = created.UploadId as string;
const count = Math.max(1, Math.ceil(args.size / args.partSize));
const agent = new Agent({ connections: args.concurrency });
const etags: string[] = new Array(count);
let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    const index = next++;
    const offset = index * args.partSize;
    const size = Math.min(args.partSize, args.size - offset);
    const url = await getSignedUrl(s3, new UploadPartCommand({ Bucket: args.bucket, Key: args.key, UploadId: uploadId, PartNumber: index + 1 }), {
      expiresIn: 3600,
    });
    const response = await request(url, {
      method: 'PUT',
      dispatcher: agent,
      headers: { 'content-length': String(size) },
      body: createReadStream(args.file, { start: offset, end: offset + size - 1, highWaterMark: 1024 * 1024 }),
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`part ${index + 1}: HTTP ${response.statusCode}`);
    etags[index] = response.headers.etag as string;
  }
}
await Promise.all(Array.from({ length: args.concurrency }, worker));
await s3.send(
  new CompleteMultipartUploadCommand({
    Bucket: args.bucket,
    Key: args.key,
    UploadId: uploadId,
    MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
  }),
);
await agent.close();
