// Bench child: @aws-sdk/lib-storage's Upload of one file, as its docs show it
// (a read stream as Body; lib-storage cuts it into partSize buffers itself).
import { createReadStream } from 'node:fs';
import { Upload } from '@aws-sdk/lib-storage';
import { s3For, type ChildArgs } from './s3-env.ts';

const args = JSON.parse(process.argv[2] as string) as ChildArgs;
const upload = new Upload({
  client: s3For(args.target),
  params: { Bucket: args.bucket, Key: args.key, Body: createReadStream(args.file) },
  partSize: args.partSize,
  queueSize: args.concurrency,
});
await upload.done();
