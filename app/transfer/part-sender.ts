// Sends the parts of one upload: a usable link (asked for in windows, shared
// by concurrent senders), the streamed PUT, the ETag check against the MD5 of
// the bytes sent, the ETag recorded the moment it lands, and retries with
// backoff for what retrying can fix.
import { BiotError } from '../biot/errors.ts';
import { originOf } from '../biot/host-holds.ts';
import type { PartRow, UploadRow } from '../store/types.ts';
import { backoffDelay } from './backoff.ts';
import { checkPartEtag } from './etag-check.ts';
import type { LinkBook } from './link-book.ts';
import type { OrderedHasher } from './ordered-hash.ts';
import { PartGaveUp, PartRefused } from './outcome.ts';
import { putPart, StalledError } from './part-put.ts';
import { sleep } from './sleep.ts';
import { SourceReadError } from './source-read-error.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { StorageForgotUpload } from './upload-end.ts';
import { isSetupCode, netFailureOf } from '../net/failure.ts';

/** Sends parts of one upload: links, retries, ETag check, stall and stop handling. */
export class PartSender {
  readonly #deps: TransferDeps;
  readonly #job: TransferJob;
  readonly #upload: UploadRow;
  readonly #links: LinkBook;
  readonly #fetching = new Map<number, Promise<void>>();
  readonly #hasher: OrderedHasher | undefined;

  constructor(deps: TransferDeps, job: TransferJob, upload: UploadRow, links: LinkBook, hasher?: OrderedHasher) {
    this.#hasher = hasher;
    this.#deps = deps;
    this.#job = job;
    this.#upload = upload;
    this.#links = links;
  }

  /** Sends one part until storage accepts it with a sound ETag; returns the ETag. */
  async send(part: PartRow, signal: AbortSignal): Promise<string> {
    const { settings, ledger } = this.#deps;
    let lastCode = 'UNKNOWN';
    let refusal: string | undefined;
    for (let attempt = 1; attempt <= settings.maxPartAttempts; attempt++) {
      signal.throwIfAborted();
      let sent = 0;
      try {
        // Inside the try: a 5xx or timeout from BioT's partLinks is one failed attempt of this part, not the file's end.
        let url = await this.#link(part.partNumber, signal);
        // Storage asked (Retry-After) to be left alone: wait with every part aimed at it, then take a link still good.
        if (await this.#deps.holds?.wait(originOf(url), signal)) url = await this.#link(part.partNumber, signal);
        const result = await putPart({
          url,
          path: this.#job.path,
          offset: part.offset,
          size: part.size,
          dispatcher: this.#deps.dispatcher,
          throttle: this.#deps.throttle,
          stallMs: settings.stallMs,
          signal,
          ...(this.#hasher && { hasher: this.#hasher }),
          ...(this.#deps.holds && { holds: this.#deps.holds }),
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
        } else if (result.status === 404 && result.storageCode === 'NoSuchUpload') {
          throw new StorageForgotUpload();
        } else if (result.status >= 500 || result.status === 408 || result.status === 429) {
          lastCode = `STORAGE_${result.status}`;
        } else {
          throw new PartRefused(
            `STORAGE_${result.status}`,
            `storage refused part ${part.partNumber} (HTTP ${result.status} ${result.storageCode ?? ''})`.trim(),
          );
        }
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof BiotError) {
          // Lock-outs, refusals and a vanished upload are the file's business; outages are retried here.
          if (!error.retryable) throw error;
          lastCode = `LINKS_${error.code}`;
          refusal = error.message;
        } else if (error instanceof PartRefused || error instanceof PartGaveUp || error instanceof StorageForgotUpload || isSourceError(error)) {
          throw error;
        } else {
          lastCode = error instanceof StalledError ? 'STALLED' : (netFailureOf(error)?.code ?? 'NETWORK');
          refusal = netFailureOf(error)?.message;
          // The socket may have died with bytes in flight; the link may be fine.
        }
      }
      this.#job.onBytes?.(-sent);
      // A certificate or proxy refusal is the same on every attempt: the file waits for a person (banner), not for backoff.
      if (isSetupCode(lastCode.replace(/^LINKS_/, ''))) throw new PartGaveUp(lastCode, `${refusal ?? lastCode}; will try again`);
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
    // Two different faults: BioT's answers lacked this part's link (fewer than
    // asked), or every link it gave was already near its expiry (clocks apart).
    if (!this.#links.has(partNumber)) {
      throw new PartGaveUp('LINKS_MISSING', `BioT answered with fewer part links than asked (none for part ${partNumber}); will try again`);
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

/**
 * A read error of the source file (gone, locked, not a file), as opposed to a
 * network failure: decided by type, since a reset socket also carries an errno
 * and syscall 'read'.
 */
export function isSourceError(error: unknown): boolean {
  return error instanceof SourceReadError;
}
