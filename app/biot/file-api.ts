// FileApi: BioT's file service (multipart and single upload, download links).
// Requests are checked before sending (request-checks.ts); answers are
// checked at runtime for every field the transfer engine reads (validate.ts).
import type { AccessTokenProvider, BiotHttp, HttpMethod } from './http.ts';
import { checkEtags, checkNameAndType, checkPartRange, idSegment } from './request-checks.ts';
import type {
  CompleteRequest,
  CompletedUpload,
  CreateMultipartRequest,
  CreateSingleRequest,
  DownloadLink,
  MultipartUpload,
  PartEtag,
  PartLinksRequest,
  SaveEtagsRequest,
  SingleUpload,
} from './types.ts';
import { localExpiry } from './token-plan.ts';
import { malformed, readIdAndLink, readMultipartUpload, type AnswerContext } from './validate.ts';

/**
 * Moves each link's expirationTime onto the local clock, as tokens are
 * (token-plan.ts localExpiry): a PC 2 hours ahead of BioT would otherwise take
 * every fresh link for expired and ask for links again and again (found by the
 * clock-skew soak scenario).
 */
function linksOnLocalClock(upload: MultipartUpload, serverTime: number | undefined): MultipartUpload {
  const receivedAt = Date.now();
  for (const link of upload.signedUrls ?? []) {
    const expires = Date.parse(link.expirationTime ?? '');
    if (Number.isFinite(expires)) link.expirationTime = new Date(localExpiry(expires, serverTime, receivedAt)).toISOString();
  }
  return upload;
}

/** Per-call options. */
export type CallOptions = { signal?: AbortSignal | undefined };

const PARTS = '/file/v1/files/upload/parts';

export class FileApi {
  readonly #http: BiotHttp;
  readonly #tokens: AccessTokenProvider;

  constructor(http: BiotHttp, tokens: AccessTokenProvider) {
    this.#http = http;
    this.#tokens = tokens;
  }

  /** Starts a multipart upload and gets links for parts 1..`parts` (more can be asked later). */
  async createMultipart(request: CreateMultipartRequest, options: CallOptions = {}): Promise<MultipartUpload> {
    const operation = 'file.createMultipart';
    checkNameAndType(operation, request.name, request.mimeType);
    checkPartRange(operation, 1, request.parts);
    const body: CreateMultipartRequest = { name: request.name, mimeType: request.mimeType, parts: request.parts };
    const answer = await this.#call('POST', PARTS, operation, body, options);
    const upload = readMultipartUpload(answer.body, answer.ctx);
    checkLinksInRange(upload, 1, request.parts, answer.ctx);
    return linksOnLocalClock(upload, answer.serverTime);
  }

  /** Fresh (or more) links for parts `fromPart`..`toPart`, inclusive. */
  async partLinks(id: string, fromPart: number, toPart: number, options: CallOptions = {}): Promise<MultipartUpload> {
    const operation = 'file.partLinks';
    checkPartRange(operation, fromPart, toPart);
    const body: PartLinksRequest = { fromPart, toPart };
    const answer = await this.#call('POST', `${PARTS}/${idSegment(operation, id)}`, operation, body, options);
    const upload = readMultipartUpload(answer.body, answer.ctx);
    checkLinksInRange(upload, fromPart, toPart, answer.ctx);
    return linksOnLocalClock(upload, answer.serverTime);
  }

  /** Saves ETags of uploaded parts on BioT's side (re-sending a part number overwrites it). */
  async saveEtags(id: string, parts: readonly PartEtag[], options: CallOptions = {}): Promise<void> {
    const operation = 'file.saveEtags';
    checkEtags(operation, parts);
    const body: SaveEtagsRequest = { parts: parts.map(copyPart) };
    await this.#call('PUT', `${PARTS}/${idSegment(operation, id)}`, operation, body, options);
  }

  /**
   * Assembles the file. With `parts`, exactly those; without, BioT uses the
   * ETags saved so far. Answers a download link for the assembled file.
   */
  async complete(id: string, parts?: readonly PartEtag[], options: CallOptions = {}): Promise<CompletedUpload> {
    const operation = 'file.complete';
    if (parts !== undefined) checkEtags(operation, parts);
    const body: CompleteRequest | undefined = parts === undefined ? undefined : { parts: parts.map(copyPart) };
    const answer = await this.#call('POST', `${PARTS}/${idSegment(operation, id)}/complete`, operation, body, options);
    return readIdAndLink<CompletedUpload>(answer.body, answer.ctx);
  }

  /** Cancels an incomplete multipart upload (BioT answers 403 once it is completed or cancelled). */
  async cancel(id: string, options: CallOptions = {}): Promise<void> {
    const operation = 'file.cancel';
    await this.#call('DELETE', `${PARTS}/${idSegment(operation, id)}/cancel`, operation, undefined, options);
  }

  /** Starts a single-PUT upload (small files, tenants older than 2.3.16). */
  async createSingle(request: CreateSingleRequest, options: CallOptions = {}): Promise<SingleUpload> {
    const operation = 'file.createSingle';
    checkNameAndType(operation, request.name, request.mimeType);
    const body: CreateSingleRequest = { name: request.name, mimeType: request.mimeType };
    const answer = await this.#call('POST', '/file/v1/files/upload', operation, body, options);
    return readIdAndLink<SingleUpload>(answer.body, answer.ctx);
  }

  /** A signed GET link to read an uploaded file back. */
  async downloadLink(id: string, options: CallOptions = {}): Promise<DownloadLink> {
    const operation = 'file.downloadLink';
    const answer = await this.#call('GET', `/file/v1/files/${idSegment(operation, id)}/download`, operation, undefined, options);
    return readIdAndLink<DownloadLink>(answer.body, answer.ctx);
  }

  #call(method: HttpMethod, path: string, operation: string, body: unknown, options: CallOptions) {
    return this.#http.call({ method, path, operation, body, auth: this.#tokens, signal: options.signal });
  }
}

function copyPart(part: PartEtag): PartEtag {
  return { partNumber: part.partNumber, etag: part.etag };
}

/** A link for a part we did not ask for would put bytes in the wrong place: refuse it. */
function checkLinksInRange(upload: MultipartUpload, fromPart: number, toPart: number, ctx: AnswerContext): void {
  upload.signedUrls.forEach((link, i) => {
    if (link.partNumber < fromPart || link.partNumber > toPart) {
      malformed(ctx, `body.signedUrls[${i}].partNumber is outside the requested ${fromPart}..${toPart}`);
    }
  });
}
