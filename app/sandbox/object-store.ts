// What the file service needs from storage: the S3 multipart verbs plus
// pre-signed links. Implemented by a real S3 endpoint (s3-store.ts) and by the
// embedded disk store (disk-store.ts).

export interface SelectedPart {
  partNumber: number;
  etag: string;
}

/** Storage refused an assembly or lookup; s3Code is S3's own error code (EntityTooSmall, InvalidPart, ...). */
export class StoreRefusedError extends Error {
  readonly s3Code: string;
  readonly partNumber: number | undefined;
  constructor(s3Code: string, message: string, partNumber?: number) {
    super(message);
    this.s3Code = s3Code;
    this.partNumber = partNumber;
  }
}

export interface ObjectStore {
  readonly kind: 's3' | 'disk';
  /** Prepares the store (creates the bucket or folders); safe to call again. */
  init(): Promise<void>;
  /** Starts a multipart upload for key and returns the store's upload id. */
  createMultipart(key: string): Promise<string>;
  /** A pre-signed PUT link for one part, valid ttlSeconds. */
  partUrl(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string>;
  /** Assembles exactly these parts (in this order); throws StoreRefusedError when storage refuses. */
  complete(key: string, uploadId: string, parts: SelectedPart[]): Promise<void>;
  /** Drops an upload and its parts. */
  abort(key: string, uploadId: string): Promise<void>;
  /** A pre-signed PUT link for a whole object (single upload). */
  putUrl(key: string, ttlSeconds: number): Promise<string>;
  /** A pre-signed GET link for an object. */
  getUrl(key: string, ttlSeconds: number): Promise<string>;
  /** Whether the object exists (a finished upload). */
  exists(key: string): Promise<boolean>;
  /** Releases connections. */
  close(): void;
}

/** S3's minimum size for every part but the last. */
export const minPartBytes = 5 * 1024 * 1024;
