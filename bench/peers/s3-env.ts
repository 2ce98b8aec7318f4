// How the Node peers' child processes learn where to upload: one JSON arg.
import { S3Client } from '@aws-sdk/client-s3';
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

export function s3For(target: S3Target): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    // No flexible checksums: radosgw and pre-signed links want plain SigV4 (test/support/radosgw/README.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
