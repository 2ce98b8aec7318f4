// --proxy-storage: part and download links point at <sandbox>/_s3/<path>?<signed
// query> and the sandbox streams each request through to the S3 endpoint
// unchanged, so storage calls can be counted, delayed, failed or stalled. The
// SigV4 signature covers the Host header, so requests go out with the
// endpoint's host, not the sandbox's.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FaultBook } from './faults.ts';
import { sendS3Error } from './http-io.ts';
import { applyStorageFault, corruptEtagLike, opaqueEtagFor, stallAfter, swallowAnswer } from './storage-faults.ts';
import type { StorageLog, StorageOperation, StorageTarget } from './storage-log.ts';

/** Headers that describe one hop, not the request; never forwarded. */
const hopHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

function operationOf(method: string, query: URLSearchParams): StorageOperation {
  if (method === 'PUT') return query.has('partNumber') && query.has('uploadId') ? 'storage.putPart' : 'storage.putObject';
  return 'storage.get';
}

/** What a path-style S3 URL (/<bucket>/<key>?partNumber&uploadId) names, for the storage log. */
function targetOf(url: URL): StorageTarget {
  const key = url.pathname.split('/').slice(2).join('/');
  const partNumber = url.searchParams.get('partNumber');
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    decoded = undefined;
  }
  return { key: decoded, uploadId: url.searchParams.get('uploadId') ?? undefined, partNumber: partNumber === null ? undefined : Number(partNumber) };
}

/** Rewrites an S3 pre-signed URL so it goes through the sandbox's /_s3/ proxy. */
export function proxiedUrl(signedUrl: string, endpoint: string, sandboxUrl: string): string {
  const target = new URL(signedUrl);
  const base = new URL(endpoint);
  if (target.origin !== base.origin) return signedUrl;
  return `${sandboxUrl}/_s3${target.pathname}${target.search}`;
}

/** Streams one /_s3/ request to the S3 endpoint and its answer back, with faults applied. */
export async function proxyToS3(endpoint: string, faults: FaultBook, log: StorageLog, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = (req.url ?? '/').slice('/_s3'.length) || '/';
  const method = req.method ?? 'GET';
  const parsed = new URL(raw, 'http://sandbox');
  const op = operationOf(method, parsed.searchParams);
  log.track(res, op, targetOf(parsed));
  const fault = faults.record(op);
  if (await applyStorageFault(fault, req, res)) return;
  const base = new URL(endpoint);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !hopHeaders.has(name)) headers[name] = value;
  }
  headers.host = base.host;
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send({ host: base.hostname, port: base.port || undefined, method, path: raw, headers }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !hopHeaders.has(name)) out[name] = value;
    }
    // On a download (storage.get) this makes the read-back see an object other than the one sent.
    if (fault?.corruptEtag && typeof out.etag === 'string') out.etag = corruptEtagLike(out.etag);
    if (fault?.opaqueEtag && typeof out.etag === 'string') out.etag = opaqueEtagFor(out.etag);
    if (swallowAnswer(fault, res)) {
      // S3 has acted (the object or part is stored); its answer is thrown away.
      answer.resume();
      return;
    }
    res.writeHead(answer.statusCode ?? 502, out);
    const body = fault?.stallAfterBytes !== undefined && method !== 'PUT' ? answer.pipe(stallAfter(fault.stallAfterBytes)) : answer;
    body.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendS3Error(res, 502, 'BadGateway', 'The sandbox could not reach the S3 endpoint');
  });
  // If the client gives up mid-body, stop the upstream request too.
  req.on('aborted', () => upstream.destroy());
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  const body = fault?.stallAfterBytes !== undefined && method === 'PUT' ? req.pipe(stallAfter(fault.stallAfterBytes)) : req;
  body.pipe(upstream);
}
