// The HTTP face of the disk store: /_storage/uploads/<uploadId>/<part> (PUT a
// part) and /_storage/objects/<key> (PUT a single upload, GET a download),
// answering like S3 does: quoted MD5 ETags, 403 AccessDenied with an XML body
// for expired or tampered links.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { DiskStore } from './disk-store.ts';
import type { FaultBook } from './faults.ts';
import { sendS3Error } from './http-io.ts';
import { checkLink } from './link-signing.ts';
import { StoreRefusedError } from './object-store.ts';
import { applyStorageFault, corruptEtag, corruptEtagLike, opaqueEtagFor, stallAfter, swallowAnswer } from './storage-faults.ts';
import type { StorageLog, StorageOperation, StorageTarget } from './storage-log.ts';

const partPath = /^\/_storage\/uploads\/([A-Za-z0-9-]+)\/(\d{1,5})$/;
const objectPath = /^\/_storage\/objects\/(.+)$/;

function operationOf(method: string, path: string): StorageOperation | undefined {
  if (method === 'PUT' && partPath.test(path)) return 'storage.putPart';
  if (method === 'PUT' && objectPath.test(path)) return 'storage.putObject';
  if ((method === 'GET' || method === 'HEAD') && objectPath.test(path)) return 'storage.get';
  return undefined;
}

/** What a /_storage path names, for the storage log (never throws: a bad escape just names nothing). */
function targetOf(path: string): StorageTarget {
  const part = partPath.exec(path);
  if (part) return { uploadId: part[1], partNumber: Number(part[2]) };
  const object = objectPath.exec(path)?.[1];
  try {
    return { key: object === undefined ? undefined : decodeURIComponent(object) };
  } catch {
    return {};
  }
}

/** Serves one /_storage request against the disk store, with faults applied. */
export async function serveDiskStorage(
  store: DiskStore,
  secret: string,
  faults: FaultBook,
  log: StorageLog,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const method = req.method ?? 'GET';
  const op = operationOf(method, url.pathname);
  if (!op) {
    req.resume();
    return sendS3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource');
  }
  log.track(res, op, targetOf(url.pathname));
  const fault = faults.record(op);
  if (await applyStorageFault(fault, req, res)) return;
  // A GET link also serves HEAD, as a convenience for checking a download.
  const signedMethod = method === 'HEAD' ? 'GET' : method;
  const verdict = checkLink(secret, signedMethod, url.pathname, url.searchParams);
  if (verdict !== 'ok') {
    req.resume();
    const message = verdict === 'expired' ? 'Request has expired' : 'The request signature we calculated does not match the signature you provided';
    return sendS3Error(res, 403, verdict === 'expired' ? 'AccessDenied' : 'SignatureDoesNotMatch', message);
  }
  const body = fault?.stallAfterBytes !== undefined && method === 'PUT' ? req.pipe(stallAfter(fault.stallAfterBytes)) : req;
  try {
    if (op === 'storage.putPart') {
      const [, uploadId, part] = partPath.exec(url.pathname) as unknown as [string, string, string];
      const partNumber = Number(part);
      if (partNumber < 1 || partNumber > 10000) return sendS3Error(res, 400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000');
      const etag = await store.putPart(uploadId, partNumber, body);
      if (swallowAnswer(fault, res)) return;
      res.writeHead(200, { etag: fault?.corruptEtag ? corruptEtag : fault?.opaqueEtag ? opaqueEtagFor(etag) : etag, 'content-length': 0 });
      return void res.end();
    }
    const key = decodeURIComponent((objectPath.exec(url.pathname) as RegExpExecArray)[1] as string);
    if (op === 'storage.putObject') {
      const etag = await store.putObject(key, body);
      if (swallowAnswer(fault, res)) return;
      res.writeHead(200, { etag: fault?.opaqueEtag ? opaqueEtagFor(etag) : etag, 'content-length': 0 });
      return void res.end();
    }
    const path = store.objectPath(key);
    const size = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) return sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    const etag = (await store.objectEtag(key)) ?? '';
    res.writeHead(200, {
      'content-length': size,
      'content-type': 'application/octet-stream',
      etag: fault?.corruptEtag && etag ? corruptEtagLike(etag) : fault?.opaqueEtag && etag ? opaqueEtagFor(etag) : etag,
    });
    if (method === 'HEAD') return void res.end();
    const source = createReadStream(path);
    if (fault?.stallAfterBytes !== undefined) await pipeline(source, stallAfter(fault.stallAfterBytes), res);
    else await pipeline(source, res);
  } catch (error) {
    if (res.headersSent) return void res.destroy();
    if (error instanceof StoreRefusedError) return sendS3Error(res, error.s3Code === 'NoSuchUpload' ? 404 : 400, error.s3Code, error.message);
    sendS3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
  }
}
