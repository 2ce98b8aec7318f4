// One file's multipart transfer, from wherever its last run stopped to a
// completed BioT file. The database row is the truth: parts that already have
// an ETag are never sent again, links are re-asked for the rest, and complete
// is called only when every part has its ETag (BioT silently drops a part
// without one, biot-file-api.md).
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Dispatcher } from 'undici';
import { BiotError } from '../biot/errors.ts';
import type { PartRow, UploadRow } from '../store/types.ts';
import { backoffDelay } from './backoff.ts';
import { checkPartEtag } from './etag-check.ts';
import { EtagSaver } from './etag-saver.ts';
import { LinkBook } from './link-book.ts';
import { biotNameFor, mimeTypeFor } from './mime.ts';
import { outcomeOf, PartGaveUp, PartRefused, type TransferOutcome } from './outcome.ts';
import { partSizeFor, planParts } from './part-plan.ts';
import { putPart, StalledError } from './part-put.ts';
import type { MultipartApi, TransferLedger } from './ports.ts';
import { runPool } from './pool.ts';
import { StopRequest } from './stop.ts';
import type { Throttle } from './throttle.ts';

export interface TransferSettings {
  partSize: number;
  parallelParts: number;
  stallMs: number;
  /** Attempts per part within one run before the file is tried again later. */
  maxPartAttempts: number;
  /** ETags saved to BioT per call, and at the latest after this long. */
  etagBatch: number;
  etagMaxAgeMs: number;
  /** How many part links are asked for at once. */
  linkWindow: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const defaultTransferSettings: TransferSettings = {
  partSize: 8 * 1024 * 1024,
  parallelParts: 4,
  stallMs: 60_000,
  maxPartAttempts: 6,
  etagBatch: 16,
  etagMaxAgeMs: 5_000,
  linkWindow: 64,
  retryBaseMs: 500,
  retryMaxMs: 15_000,
};

/** Name-free facts for the log: ids, part numbers, codes, traceIds. */
export type TransferLogEvent = { event: string; fileId: number; uploadId?: number; part?: number; code?: string; traceId?: string };

export interface TransferDeps {
  ledger: TransferLedger;
  api: MultipartApi;
  dispatcher: Dispatcher;
  throttle: Throttle;
  settings: TransferSettings;
  log?: (event: TransferLogEvent) => void;
  now?: () => number;
}

export interface TransferJob {
  fileId: number;
  path: string;
  /** Aborted with a StopRequest to pause, cancel or shut down. */
  signal: AbortSignal;
  /** Bytes sent (negative when an attempt failed and its bytes will be sent again). */
  onBytes?: (delta: number) => void;
}

/** Runs one file's transfer to its end and says how it ended; never throws. */
export async function transferFile(deps: TransferDeps, job: TransferJob): Promise<TransferOutcome> {
  let upload: UploadRow | undefined;
  try {
    // A file whose BioT upload vanished (404, cancelled elsewhere) starts once more.
    for (let restart = 0; ; restart++) {
      upload = undefined;
      const result = await runUpload(deps, job, (u) => (upload = u));
      if (result !== 'restart' || restart >= 1) {
        return result === 'restart'
          ? { kind: 'retry', code: 'UPLOAD_LOST', message: 'BioT no longer knows this upload; will start again' }
          : result;
      }
    }
  } catch (error) {
    const reason = job.signal.aborted && job.signal.reason instanceof StopRequest ? job.signal.reason : error;
    if (reason instanceof StopRequest && reason.reason === 'cancel' && upload) await cancelAtBiot(deps, job, upload);
    const outcome = outcomeOf(reason);
    if (outcome.kind === 'retry' || outcome.kind === 'needs-attention') {
      deps.log?.({ event: 'transfer-failed', fileId: job.fileId, code: outcome.code, ...(outcome.traceId && { traceId: outcome.traceId }) });
    }
    return outcome;
  }
}

async function runUpload(
  deps: TransferDeps,
  job: TransferJob,
  started: (upload: UploadRow) => void,
): Promise<TransferOutcome | 'restart'> {
  const { ledger, api, settings } = deps;
  const source = await stat(job.path);
  const mtimeMs = Math.trunc(source.mtimeMs);
  const links = new LinkBook(deps.now);
  let upload = ledger.currentUpload(job.fileId);
  if (upload && (upload.fileSize !== source.size || upload.fileMtimeMs !== mtimeMs)) {
    // The bytes changed since this upload began: its parts are worthless.
    await abandon(deps, job, upload);
    return { kind: 'source-changed', size: source.size, mtimeMs };
  }
  if (!upload) {
    const partSize = partSizeFor(source.size, settings.partSize);
    const plan = planParts(source.size, partSize);
    const name = basename(job.path);
    const created = await api.createMultipart(
      { name: biotNameFor(name), mimeType: mimeTypeFor(name), parts: Math.min(plan.length, settings.linkWindow) },
      { signal: job.signal },
    );
    links.add(created);
    upload = ledger.startUpload(
      job.fileId,
      { biotFileId: created.id, kind: 'multipart', partSize, partCount: plan.length, fileSize: source.size, fileMtimeMs: mtimeMs },
      plan,
    );
    deps.log?.({ event: 'upload-created', fileId: job.fileId, uploadId: upload.id });
  }
  started(upload);
  const current = upload;
  const parts = ledger.parts(current.id);
  const saver = new EtagSaver({
    save: (batch) => api.saveEtags(current.biotFileId, batch, { signal: job.signal }),
    markSaved: (numbers) => ledger.markEtagsSaved(current.id, numbers),
    onError: (error) => deps.log?.({ event: 'etag-save-failed', fileId: job.fileId, uploadId: current.id, ...biotFacts(error) }),
    batchSize: settings.etagBatch,
    maxAgeMs: settings.etagMaxAgeMs,
    ...(deps.now && { now: deps.now }),
  });
  // ETags recorded locally but not yet at BioT (a crash between the two).
  for (const part of parts) if (part.etag && !part.etagSavedToBiot) saver.add({ partNumber: part.partNumber, etag: part.etag });

  const sender = new PartSender(deps, job, current, links);
  try {
    await runPool(
      parts.filter((p) => !p.etag),
      settings.parallelParts,
      job.signal,
      async (part, signal) => {
        const etag = await sender.send(part, signal);
        saver.add({ partNumber: part.partNumber, etag });
      },
    );
  } catch (error) {
    if (isUploadGone(error)) return restartFrom(deps, job, current);
    if (await sourceChanged(job.path, current)) return changedOutcome(deps, job, current);
    throw error;
  }
  await saver.flush();
  if (await sourceChanged(job.path, current)) return changedOutcome(deps, job, current);
  return complete(deps, job, current);
}

async function complete(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome | 'restart'> {
  const parts = deps.ledger.parts(upload.id);
  const missing = parts.filter((p) => !p.etag);
  if (missing.length > 0 || parts.length !== upload.partCount) {
    // Never complete with a gap: BioT would assemble a file without those bytes.
    throw new PartGaveUp('PARTS_MISSING', `${missing.length} part(s) have no ETag; will try again`);
  }
  deps.ledger.markCompleting(job.fileId);
  const etags = parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag as string }));
  try {
    await deps.api.complete(upload.biotFileId, etags, { signal: job.signal });
  } catch (error) {
    if (!(error instanceof BiotError)) throw error;
    if (error.code === 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD' && (await isDownloadable(deps, upload))) {
      // An earlier complete went through but its answer was lost (crash, dropped connection).
      deps.log?.({ event: 'complete-already-done', fileId: job.fileId, uploadId: upload.id });
    } else if (isUploadGone(error)) {
      return restartFrom(deps, job, upload);
    } else {
      throw error;
    }
  }
  deps.ledger.closeUpload(upload.id, 'completed');
  deps.log?.({ event: 'completed', fileId: job.fileId, uploadId: upload.id });
  return { kind: 'done', biotFileId: upload.biotFileId };
}

/** Sends parts of one upload: links, retries, ETag check, stall and stop handling. */
class PartSender {
  readonly #deps: TransferDeps;
  readonly #job: TransferJob;
  readonly #upload: UploadRow;
  readonly #links: LinkBook;
  readonly #fetching = new Map<number, Promise<void>>();

  constructor(deps: TransferDeps, job: TransferJob, upload: UploadRow, links: LinkBook) {
    this.#deps = deps;
    this.#job = job;
    this.#upload = upload;
    this.#links = links;
  }

  /** Sends one part until storage accepts it with a sound ETag; returns the ETag. */
  async send(part: PartRow, signal: AbortSignal): Promise<string> {
    const { settings, ledger } = this.#deps;
    let lastCode = 'UNKNOWN';
    for (let attempt = 1; attempt <= settings.maxPartAttempts; attempt++) {
      signal.throwIfAborted();
      const url = await this.#link(part.partNumber, signal);
      let sent = 0;
      try {
        const result = await putPart({
          url,
          path: this.#job.path,
          offset: part.offset,
          size: part.size,
          dispatcher: this.#deps.dispatcher,
          throttle: this.#deps.throttle,
          stallMs: settings.stallMs,
          signal,
          onBytes: (n) => {
            sent += n;
            this.#job.onBytes?.(n);
          },
        });
        if (result.ok) {
          if (checkPartEtag(result.etag, result.md5) !== 'mismatch') {
            ledger.recordPartEtag(this.#upload.id, part.partNumber, result.etag, result.md5);
            return result.etag;
          }
          lastCode = 'ETAG_MISMATCH';
        } else if (result.status === 403) {
          // Expired or refused link: a fresh one is asked for on the next attempt.
          this.#links.drop(part.partNumber);
          lastCode = `STORAGE_${result.status}_${result.storageCode ?? 'AccessDenied'}`;
        } else if (result.status >= 500 || result.status === 408 || result.status === 429) {
          lastCode = `STORAGE_${result.status}`;
        } else {
          throw new PartRefused(`STORAGE_${result.status}`, `storage refused part ${part.partNumber} (HTTP ${result.status} ${result.storageCode ?? ''})`.trim());
        }
      } catch (error) {
        if (signal.aborted || error instanceof PartRefused) throw signal.aborted ? signal.reason : error;
        lastCode = error instanceof StalledError ? 'STALLED' : 'NETWORK';
        // The socket may have died with bytes in flight; the link may be fine.
      }
      this.#job.onBytes?.(-sent);
      this.#deps.log?.({ event: 'part-retry', fileId: this.#job.fileId, uploadId: this.#upload.id, part: part.partNumber, code: lastCode });
      if (lastCode.startsWith('STORAGE_403') && attempt === 1) continue; // a fresh link usually fixes it at once
      await sleep(backoffDelay(attempt, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }), signal);
    }
    throw new PartGaveUp(lastCode, `part ${part.partNumber} failed ${settings.maxPartAttempts} times (${lastCode}); will try again`);
  }

  async #link(partNumber: number, signal: AbortSignal): Promise<string> {
    for (let i = 0; i < 3; i++) {
      const url = this.#links.usable(partNumber);
      if (url) return url;
      await this.#fetchWindow(partNumber, signal);
    }
    throw new PartGaveUp('LINKS_UNUSABLE', 'BioT keeps handing out links that are about to expire; check the PC clock');
  }

  /** Asks BioT for the window of links holding partNumber; concurrent askers share one call. */
  #fetchWindow(partNumber: number, signal: AbortSignal): Promise<void> {
    const size = this.#deps.settings.linkWindow;
    const index = Math.floor((partNumber - 1) / size);
    let pending = this.#fetching.get(index);
    if (!pending) {
      const from = index * size + 1;
      const to = Math.min(from + size - 1, this.#upload.partCount);
      pending = this.#deps.api
        .partLinks(this.#upload.biotFileId, from, to, { signal })
        .then((answer) => this.#links.add(answer))
        .finally(() => this.#fetching.delete(index));
      this.#fetching.set(index, pending);
    }
    return pending;
  }
}

async function sourceChanged(path: string, upload: UploadRow): Promise<boolean> {
  try {
    const now = await stat(path);
    return now.size !== upload.fileSize || Math.trunc(now.mtimeMs) !== upload.fileMtimeMs;
  } catch {
    return true;
  }
}

async function changedOutcome(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<TransferOutcome> {
  await abandon(deps, job, upload);
  const now = await stat(job.path); // throws ENOENT -> missing
  return { kind: 'source-changed', size: now.size, mtimeMs: Math.trunc(now.mtimeMs) };
}

async function restartFrom(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<'restart'> {
  deps.ledger.closeUpload(upload.id, 'abandoned');
  deps.log?.({ event: 'upload-lost', fileId: job.fileId, uploadId: upload.id });
  return 'restart';
}

/** Gives up an upload whose parts no longer match the file; tells BioT, best effort. */
async function abandon(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<void> {
  deps.ledger.closeUpload(upload.id, 'abandoned');
  deps.log?.({ event: 'source-changed', fileId: job.fileId, uploadId: upload.id });
  await bestEffortCancel(deps, job.fileId, upload);
}

async function cancelAtBiot(deps: TransferDeps, job: TransferJob, upload: UploadRow): Promise<void> {
  deps.ledger.closeUpload(upload.id, 'cancelled');
  await bestEffortCancel(deps, job.fileId, upload);
}

async function bestEffortCancel(deps: TransferDeps, fileId: number, upload: UploadRow): Promise<void> {
  try {
    await deps.api.cancel(upload.biotFileId, { signal: AbortSignal.timeout(10_000) });
    deps.log?.({ event: 'biot-upload-cancelled', fileId, uploadId: upload.id });
  } catch (error) {
    // An incomplete upload left at BioT is harmless; the local record is closed.
    deps.log?.({ event: 'biot-cancel-failed', fileId, uploadId: upload.id, ...biotFacts(error) });
  }
}

async function isDownloadable(deps: TransferDeps, upload: UploadRow): Promise<boolean> {
  try {
    await deps.api.downloadLink(upload.biotFileId, { signal: AbortSignal.timeout(30_000) });
    return true;
  } catch {
    return false;
  }
}

function isUploadGone(error: unknown): boolean {
  return (
    error instanceof BiotError &&
    (error.code === 'FILE_ID_NOT_FOUND' || error.code === 'FILE_IS_NOT_UNCOMPLETED_MULTIPLE_PART_UPLOAD')
  );
}

function biotFacts(error: unknown): { code?: string; traceId?: string } {
  if (error instanceof BiotError) return { code: error.code, ...(error.traceId && { traceId: error.traceId }) };
  return { code: 'UNEXPECTED' };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
