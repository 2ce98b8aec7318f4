// The embedded store for machines without an S3 server: objects and parts are
// files under <data>/storage, served by the sandbox itself under /_storage/
// with HMAC-signed expiring links (see disk-storage-http.ts for the HTTP side).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { signLink } from './link-signing.ts';
import { minPartBytes, StoreRefusedError, type ObjectStore, type SelectedPart } from './object-store.ts';

const safeKey = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const safeUploadId = /^[A-Za-z0-9-]+$/;

/** Streams body into path (via a temp file) and returns its hex MD5, the S3 ETag of an unencrypted object. */
async function writeWithMd5(body: Readable, path: string): Promise<string> {
  const hash = createHash('md5');
  const temp = `${path}.${randomUUID()}.tmp`;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, hashing, createWriteStream(temp));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const md5 = hash.digest('hex');
  await writeFile(`${temp}.etag`, md5);
  await rename(`${temp}.etag`, `${path}.etag`);
  await rename(temp, path);
  return md5;
}

/** An ObjectStore keeping objects on local disk. */
export class DiskStore implements ObjectStore {
  readonly kind = 'disk' as const;
  readonly #root: string;
  readonly #secret: string;
  #baseUrl = '';

  constructor(dataDir: string, secret: string) {
    this.#root = join(dataDir, 'storage');
    this.#secret = secret;
  }

  /** Where the sandbox serves /_storage (known once it listens). */
  setBaseUrl(url: string): void {
    this.#baseUrl = url;
  }

  async init(): Promise<void> {
    await mkdir(join(this.#root, 'objects'), { recursive: true });
    await mkdir(join(this.#root, 'uploads'), { recursive: true });
  }

  objectPath(key: string): string {
    if (!safeKey.test(key)) throw new StoreRefusedError('InvalidArgument', 'Invalid object key');
    return join(this.#root, 'objects', key);
  }

  uploadDir(uploadId: string): string {
    if (!safeUploadId.test(uploadId)) throw new StoreRefusedError('NoSuchUpload', 'Invalid upload id');
    return join(this.#root, 'uploads', uploadId);
  }

  #link(method: string, path: string, ttlSeconds: number): string {
    return `${this.#baseUrl}${path}?${signLink(this.#secret, method, path, Date.now() + ttlSeconds * 1000)}`;
  }

  async createMultipart(key: string): Promise<string> {
    const uploadId = randomUUID();
    await mkdir(this.uploadDir(uploadId), { recursive: true });
    await writeFile(join(this.uploadDir(uploadId), 'key'), key);
    return uploadId;
  }

  async partUrl(_key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    return this.#link('PUT', `/_storage/uploads/${uploadId}/${partNumber}`, ttlSeconds);
  }

  /** Stores one part; returns its ETag (quoted MD5). Throws NoSuchUpload once the upload is completed or aborted. */
  async putPart(uploadId: string, partNumber: number, body: Readable): Promise<string> {
    const dir = this.uploadDir(uploadId);
    if (!existsSync(dir)) throw new StoreRefusedError('NoSuchUpload', 'The specified upload does not exist');
    return `"${await writeWithMd5(body, join(dir, String(partNumber)))}"`;
  }

  /** Stores a whole object (single upload); returns its ETag. */
  async putObject(key: string, body: Readable): Promise<string> {
    const path = this.objectPath(key);
    await mkdir(join(path, '..'), { recursive: true });
    return `"${await writeWithMd5(body, path)}"`;
  }

  async complete(key: string, uploadId: string, parts: SelectedPart[]): Promise<void> {
    const dir = this.uploadDir(uploadId);
    if (!existsSync(dir)) throw new StoreRefusedError('NoSuchUpload', 'The specified upload does not exist');
    const md5s: Buffer[] = [];
    for (const [index, part] of parts.entries()) {
      const path = join(dir, String(part.partNumber));
      const md5 = existsSync(path) ? (await readFile(`${path}.etag`, 'utf8')).trim() : undefined;
      if (md5 === undefined || md5 !== part.etag.replaceAll('"', '')) {
        throw new StoreRefusedError(
          'InvalidPart',
          'One or more of the specified parts could not be found or its ETag did not match',
          part.partNumber,
        );
      }
      if (index < parts.length - 1 && (await stat(path)).size < minPartBytes) {
        throw new StoreRefusedError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size', part.partNumber);
      }
      md5s.push(Buffer.from(md5, 'hex'));
    }
    // Assemble by streaming each part into one temp file, then rename: readers never see half an object.
    const target = this.objectPath(key);
    await mkdir(join(target, '..'), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    const out = createWriteStream(temp);
    for (const part of parts) await pipeline(createReadStream(join(dir, String(part.partNumber))), out, { end: false });
    await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
    const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`;
    await writeFile(`${target}.etag`, etag);
    await rename(temp, target);
    await rm(dir, { recursive: true, force: true });
  }

  async abort(_key: string, uploadId: string): Promise<void> {
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async putUrl(key: string, ttlSeconds: number): Promise<string> {
    return this.#link('PUT', `/_storage/objects/${this.#checked(key)}`, ttlSeconds);
  }

  async getUrl(key: string, ttlSeconds: number): Promise<string> {
    return this.#link('GET', `/_storage/objects/${this.#checked(key)}`, ttlSeconds);
  }

  #checked(key: string): string {
    this.objectPath(key);
    return key;
  }

  async exists(key: string): Promise<boolean> {
    return existsSync(this.objectPath(key));
  }

  /** The stored ETag of an object (quoted), or undefined. */
  async objectEtag(key: string): Promise<string | undefined> {
    try {
      return `"${(await readFile(`${this.objectPath(key)}.etag`, 'utf8')).trim()}"`;
    } catch {
      return undefined;
    }
  }

  close(): void {}
}
