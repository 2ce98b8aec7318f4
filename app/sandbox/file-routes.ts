// file: single upload, the multipart lifecycle (create, save ETags, more
// links, complete, cancel) and download links, as file.json defines them.
// Like BioT, complete assembles only parts with an ETag (saved, or sent in
// the complete body, which wins), in part-number order.
import { randomUUID } from 'node:crypto';
import type { components } from '../biot/generated/file.ts';
import { intField, objectBody, partsField, stringField, type PartEtag } from './body-checks.ts';
import { uuidPattern, type Route, type SandboxContext } from './context.ts';
import { BiotError } from './errors.ts';
import { StoreRefusedError } from './object-store.ts';
import type { FileRecord } from './state.ts';

type Schemas = components['schemas'];
const service = 'File Service';
const maxParts = 10000;
/** Uploads whose complete is talking to storage: a second complete or a cancel meanwhile is refused, not raced. */
const completing = new Set<string>();

/** The upload with this id, or 404 FILE_ID_NOT_FOUND. */
function findFile(ctx: SandboxContext, id: string): FileRecord {
  const file = uuidPattern.test(id) ? ctx.state.file(id) : undefined;
  if (!file) throw new BiotError(404, 'FILE_ID_NOT_FOUND', `File with id [${id}] not found`, { ids: [id] });
  return file;
}

/** The multipart upload with this id, still open; else 404 / 403 as BioT answers. */
function openUpload(ctx: SandboxContext, id: string): FileRecord {
  const file = findFile(ctx, id);
  if (file.kind !== 'multipart' || file.status !== 'uploading' || !file.uploadId || completing.has(file.id)) {
    throw new BiotError(403, 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD', `File [${id}] is not an uncompleted multiple part upload`, { id });
  }
  return file;
}

/** Refuses empty, out-of-range and repeated part numbers with BioT's codes. */
function checkPartNumbers(file: FileRecord, parts: PartEtag[], allowEmpty: boolean): void {
  if (parts.length === 0 && !allowEmpty) throw new BiotError(400, 'PARTS_MUST_NOT_BE_EMPTY', 'Parts must not be empty');
  const invalid = parts.map((p) => p.partNumber).filter((n) => n < 1 || n > Math.min(file.parts, maxParts));
  if (invalid.length) {
    throw new BiotError(400, 'MULTIPLE_PART_UPLOAD_INVALID_PART_NUMBER', `Invalid part numbers [${invalid.join(', ')}] for file [${file.id}]`, {
      invalidPartNumbers: invalid,
      id: file.id,
    });
  }
  const seen = new Set<number>();
  const repeating = new Set<number>();
  for (const { partNumber } of parts) (seen.has(partNumber) ? repeating : seen).add(partNumber);
  if (repeating.size) {
    throw new BiotError(400, 'MULTIPLE_PART_UPLOAD_REPEATING_PART_NUMBERS', `Repeating part numbers [${[...repeating].join(', ')}]`, {
      repeatingPartNumbers: [...repeating],
    });
  }
}

async function signedUrls(ctx: SandboxContext, file: FileRecord, from: number, to: number): Promise<Schemas['MultiplePartSignedUrl'][]> {
  const ttl = ctx.settings.linkTtlSeconds;
  const expirationTime = new Date(Date.now() + ttl * 1000).toISOString();
  const links: Schemas['MultiplePartSignedUrl'][] = [];
  for (let partNumber = from; partNumber <= to; partNumber++) {
    const url = await ctx.store.partUrl(file.key, file.uploadId as string, partNumber, ttl);
    links.push({ signedUrl: ctx.publicLink(url), partNumber, expirationTime });
  }
  return links;
}

/** What complete and download answer: the file and a fresh download link. */
async function downloadAnswer(ctx: SandboxContext, file: FileRecord): Promise<Schemas['DownloadFileUrlResponse']> {
  return {
    name: file.name,
    mimeType: file.mimeType,
    id: file.id,
    signedUrl: ctx.publicLink(await ctx.store.getUrl(file.key, ctx.settings.linkTtlSeconds)),
  };
}

async function newFile(ctx: SandboxContext, raw: unknown, kind: FileRecord['kind']): Promise<{ file: FileRecord; body: Record<string, unknown> }> {
  const body = objectBody(raw);
  const name = stringField(body, 'name', 128);
  const mimeType = stringField(body, 'mimeType', 100);
  const id = randomUUID();
  // The key holds the id only: file names may carry patient data.
  const file: FileRecord = {
    id,
    kind,
    name,
    mimeType,
    key: `files/${id}`,
    status: 'uploading',
    parts: 0,
    etags: {},
    createdAt: new Date().toISOString(),
  };
  return { file, body };
}

/** Whether a file's bytes are in storage: a completed multipart, or a single upload whose PUT landed. */
export async function isFileComplete(ctx: SandboxContext, file: FileRecord): Promise<boolean> {
  if (file.status === 'completed') return true;
  if (file.kind !== 'single' || file.status !== 'uploading' || !(await ctx.store.exists(file.key))) return false;
  file.status = 'completed';
  ctx.state.saveFile(file);
  return true;
}

export const fileRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/file\/v1\/files\/upload$/,
    op: 'file.createSingle',
    service,
    async handle(ctx, _params, raw) {
      const { file } = await newFile(ctx, raw, 'single');
      const signedUrl = ctx.publicLink(await ctx.store.putUrl(file.key, ctx.settings.linkTtlSeconds));
      ctx.state.doc.files[file.id] = file;
      ctx.state.saveFile(file);
      ctx.log(`file.createSingle id=${file.id}`);
      const answer: Schemas['UploadFileUrlResponse'] = { name: file.name, mimeType: file.mimeType, id: file.id, signedUrl };
      return { status: 200, body: answer };
    },
  },
  {
    method: 'POST',
    pattern: /^\/file\/v1\/files\/upload\/parts$/,
    op: 'file.createMultipart',
    service,
    async handle(ctx, _params, raw) {
      const { file, body } = await newFile(ctx, raw, 'multipart');
      file.parts = intField(body, 'parts', 1, maxParts);
      file.uploadId = await ctx.store.createMultipart(file.key);
      ctx.state.doc.files[file.id] = file;
      ctx.state.saveFile(file);
      ctx.log(`file.createMultipart id=${file.id} parts=${file.parts}`);
      const answer: Schemas['MultiplePartUploadFileUrlResponse'] = {
        name: file.name,
        mimeType: file.mimeType,
        id: file.id,
        parts: file.parts,
        signedUrls: await signedUrls(ctx, file, 1, file.parts),
      };
      return { status: 200, body: answer };
    },
  },
  {
    method: 'PUT',
    pattern: /^\/file\/v1\/files\/upload\/parts\/([^/]+)$/,
    op: 'file.saveEtags',
    service,
    async handle(ctx, [id], raw) {
      const file = openUpload(ctx, id as string);
      const parts = partsField(objectBody(raw));
      checkPartNumbers(file, parts, false);
      for (const part of parts) if (part.etag) file.etags[String(part.partNumber)] = part.etag;
      ctx.state.saveFile(file);
      return { status: 200 };
    },
  },
  {
    method: 'POST',
    pattern: /^\/file\/v1\/files\/upload\/parts\/([^/]+)$/,
    op: 'file.partLinks',
    service,
    async handle(ctx, [id], raw) {
      const file = openUpload(ctx, id as string);
      const body = objectBody(raw);
      const fromPart = intField(body, 'fromPart', 1, maxParts);
      const toPart = intField(body, 'toPart', 1, maxParts);
      if (fromPart > toPart) {
        throw new BiotError(400, 'FROM_PART_LARGER_THAN_TO_PART', `fromPart [${fromPart}] is larger than toPart [${toPart}]`, { fromPart, toPart });
      }
      if (toPart > file.parts) {
        file.parts = toPart;
        ctx.state.saveFile(file);
      }
      const answer: Schemas['MultiplePartUploadFileUrlResponse'] = {
        name: file.name,
        mimeType: file.mimeType,
        id: file.id,
        parts: file.parts,
        signedUrls: await signedUrls(ctx, file, fromPart, toPart),
      };
      return { status: 200, body: answer };
    },
  },
  {
    method: 'POST',
    pattern: /^\/file\/v1\/files\/upload\/parts\/([^/]+)\/complete$/,
    op: 'file.complete',
    service,
    async handle(ctx, [id], raw) {
      const file = openUpload(ctx, id as string);
      const sent = raw === undefined ? [] : partsField(objectBody(raw));
      checkPartNumbers(file, sent, true);
      const merged = new Map<number, string>(Object.entries(file.etags).map(([n, etag]) => [Number(n), etag]));
      for (const part of sent) if (part.etag) merged.set(part.partNumber, part.etag);
      if (merged.size === 0) {
        throw new BiotError(409, 'MULTIPLE_PART_UPLOAD_HAS_NO_UPLOADED_ETAGS', `Multiple part upload [${file.id}] has no uploaded ETags`, {
          id: file.id,
        });
      }
      const selected = [...merged].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
      completing.add(file.id);
      try {
        await ctx.store.complete(file.key, file.uploadId as string, selected);
      } catch (error) {
        completing.delete(file.id);
        if (!(error instanceof StoreRefusedError)) throw error;
        const part = error.partNumber === undefined ? 'a part' : `part ${error.partNumber}`;
        const why =
          error.s3Code === 'EntityTooSmall'
            ? `${part} is smaller than 5 MiB and is not the last part`
            : error.s3Code === 'InvalidPart'
              ? `${part} was not found in storage or its ETag does not match`
              : error.message;
        ctx.log(`file.complete refused id=${file.id} s3Code=${error.s3Code} part=${error.partNumber ?? '?'}`);
        throw new BiotError(400, 'MULTIPLE_PART_UPLOAD_COMPLETE_FAILED', `Storage refused to assemble file [${file.id}]: ${why} (${error.s3Code})`, {
          id: file.id,
          s3Code: error.s3Code,
          partNumber: error.partNumber,
          s3Message: error.message,
        });
      }
      completing.delete(file.id);
      file.status = 'completed';
      file.etags = Object.fromEntries(selected.map((p) => [String(p.partNumber), p.etag]));
      ctx.state.saveFile(file);
      ctx.log(`file.complete id=${file.id} parts=${selected.length}`);
      return { status: 200, body: await downloadAnswer(ctx, file) };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/file\/v1\/files\/upload\/parts\/([^/]+)\/cancel$/,
    op: 'file.cancel',
    service,
    async handle(ctx, [id]) {
      const file = openUpload(ctx, id as string);
      await ctx.store.abort(file.key, file.uploadId as string);
      file.status = 'cancelled';
      ctx.state.saveFile(file);
      ctx.log(`file.cancel id=${file.id}`);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: /^\/file\/v1\/files\/([^/]+)\/download$/,
    op: 'file.download',
    service,
    async handle(ctx, [id]) {
      const file = findFile(ctx, id as string);
      if (!(await isFileComplete(ctx, file))) {
        throw new BiotError(404, 'FILE_ID_NOT_FOUND', `File with id [${file.id}] has not been uploaded`, { ids: [file.id] });
      }
      return { status: 200, body: await downloadAnswer(ctx, file) };
    },
  },
];
