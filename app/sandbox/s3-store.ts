// ObjectStore over a real S3-compatible endpoint (radosgw in tests): links are
// genuine SigV4 pre-signed URLs, so expiry, ETags, undersized parts and
// assembly are the S3 server's own behaviour.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assembleSubset, isHeldSubset, listHeldParts, type HeldPart } from './s3-subset-assembly.ts';
import { minPartBytes, StoreRefusedError, type ObjectStore, type SelectedPart } from './object-store.ts';

export interface S3Options {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  /**
   * Where the links handed to uploaders point (a fault proxy in front of the
   * endpoint, in soak tests); the sandbox's own calls still go to `endpoint`.
   * SigV4 signs the Host header, so links are signed for this address.
   */
  linkEndpoint?: string;
}

/** S3's error name and HTTP status from an SDK exception. */
function s3Failure(error: unknown): { name: string; status: number | undefined; message: string } {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return { name: e.name ?? 'Error', status: e.$metadata?.httpStatusCode, message: e.message ?? String(error) };
}

/** Which part S3 refused (its message rarely says), judged from what it holds. */
function culprit(held: HeldPart[], parts: SelectedPart[], code: string): number | undefined {
  const byNumber = new Map(held.map((p) => [p.partNumber, p]));
  const bare = (etag: string) => etag.replaceAll('"', '');
  for (const [index, part] of parts.entries()) {
    const found = byNumber.get(part.partNumber);
    if (code === 'InvalidPart' && (!found || bare(found.etag) !== bare(part.etag))) return part.partNumber;
    if (code === 'EntityTooSmall' && found && index < parts.length - 1 && found.size < minPartBytes) return part.partNumber;
  }
  return undefined;
}

function s3Client(options: S3Options, endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // The default bakes an empty-body CRC32 into UploadPart links, which real S3 rejects (test/support/radosgw/README.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An ObjectStore backed by an S3 bucket (created when missing). */
export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  /** Signs links: the same client, or one for `linkEndpoint`. */
  readonly #signer: S3Client;
  readonly bucket: string;

  constructor(options: S3Options) {
    this.bucket = options.bucket;
    this.client = s3Client(options, options.endpoint);
    this.#signer = options.linkEndpoint ? s3Client(options, options.linkEndpoint) : this.client;
  }

  async init(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const failure = s3Failure(error);
      if (failure.status !== 404 && failure.name !== 'NotFound' && failure.name !== 'NoSuchBucket') throw error;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        // Another sandbox on the same endpoint may have won the race.
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(s3Failure(createError).name)) throw createError;
      }
    }
  }

  async createMultipart(key: string): Promise<string> {
    const answer = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (!answer.UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
    return answer.UploadId;
  }

  partUrl(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    const command = new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber });
    return getSignedUrl(this.#signer, command, { expiresIn: ttlSeconds });
  }

  async complete(key: string, uploadId: string, parts: SelectedPart[]): Promise<void> {
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
      return;
    } catch (error) {
      const failure = s3Failure(error);
      if (failure.status === undefined || failure.status >= 500) throw error;
      const held = await listHeldParts(this.client, this.bucket, key, uploadId).catch(() => undefined);
      if (failure.name === 'InvalidPart' && held && isHeldSubset(held, parts)) {
        return this.#assembleSubset(key, uploadId, held, parts);
      }
      throw new StoreRefusedError(failure.name, failure.message, held && culprit(held, parts, failure.name));
    }
  }

  async #assembleSubset(key: string, uploadId: string, held: HeldPart[], parts: SelectedPart[]): Promise<void> {
    try {
      await assembleSubset(this.client, this.bucket, key, uploadId, held, parts);
    } catch (error) {
      if (error instanceof StoreRefusedError) throw error;
      const failure = s3Failure(error);
      if (failure.status === undefined || failure.status >= 500) throw error;
      throw new StoreRefusedError(failure.name, failure.message);
    }
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (s3Failure(error).name !== 'NoSuchUpload') throw error;
    }
  }

  putUrl(key: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(this.#signer, new PutObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: ttlSeconds });
  }

  getUrl(key: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(this.#signer, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: ttlSeconds });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      const failure = s3Failure(error);
      if (failure.status === 404 || failure.name === 'NotFound') return false;
      throw error;
    }
  }

  close(): void {
    this.client.destroy();
    if (this.#signer !== this.client) this.#signer.destroy();
  }
}
