// How the Node peers' child processes learn where to upload: one JSON arg.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Target } from '../../test/support/radosgw.ts';

export interface ChildArgs {
  target: S3Target;
  bucket: string;
  key: string;
  file: string;
  size: number;
  partSize: number;
  concurrency: number;
}

/** An S3 client for the bench's radosgw (`extra`: the bench's own timeouts, say). */
export function s3For(target: S3Target, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    // No flexible checksums: radosgw and pre-signed links want plain SigV4 (test/support/radosgw/README.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...extra,
  });
}
