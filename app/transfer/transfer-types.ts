// The settings, dependencies and job shape shared by the plain and the growing
// transfer and by the part sender.
import type { Dispatcher } from 'undici';
import type { HostHolds } from '../biot/host-holds.ts';
import type { MultipartApi, TransferLedger } from './ports.ts';
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
  /** Files smaller than one part go as BioT single uploads (one PUT, no complete). */
  singleUploads: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Tries at reading a completed object back (size and ETag) before it is recorded not-checkable. */
  readBackAttempts: number;
  /** The first wait before a fresh upload of a file whose uploads storage keeps losing (doubles per loss). */
  lostUploadRetryMs: number;
}

export const defaultTransferSettings: TransferSettings = {
  partSize: 8 * 1024 * 1024,
  parallelParts: 4,
  stallMs: 60_000,
  maxPartAttempts: 6,
  etagBatch: 16,
  etagMaxAgeMs: 5_000,
  linkWindow: 64,
  singleUploads: true,
  retryBaseMs: 500,
  retryMaxMs: 15_000,
  readBackAttempts: 4,
  lostUploadRetryMs: 30_000,
};

/** Name-free facts for the log: ids, part numbers, codes, traceIds. `level` 'debug' marks a routine step (the line the engine writes for the file says it). */
export type TransferLogEvent = { event: string; fileId: number; uploadId?: number; part?: number; code?: string; traceId?: string; level?: 'debug' };

export interface TransferDeps {
  ledger: TransferLedger;
  api: MultipartApi;
  dispatcher: Dispatcher;
  throttle: Throttle;
  settings: TransferSettings;
  log?: (event: TransferLogEvent) => void;
  now?: () => number;
  /**
   * A connection for a single upload's PUT, shared with every file in flight
   * (the engine's send slots): resolves with its release, rejects when the
   * signal aborts first. The BioT file is made before it is asked for, so the
   * create of a file waiting for its turn overlaps other files' PUTs.
   */
  sendSlot?: (signal: AbortSignal) => Promise<() => void>;
  /** Retry-After holds by host (the BioT client's book): part PUTs wait out storage's and set them. */
  holds?: HostHolds;
}

export interface TransferJob {
  fileId: number;
  path: string;
  /** Aborted with a StopRequest to pause, cancel or shut down. */
  signal: AbortSignal;
  /**
   * The file may still be growing (a device writing a long recording): upload
   * the parts it has, complete once size and mtime held still for quietMs.
   */
  growing?: { quietMs: number; pollMs?: number };
  /**
   * The file as it was queued (the version whose hash is in the audit): a
   * plain upload does not start from a file that changed since.
   */
  expected?: { size: number; mtimeMs: number };
  /**
   * Asked with the file's SHA-256 when the transfer took it in the same read
   * that sent the parts, before completing: the id of a done file with the
   * same bytes (and attach target) means this upload is a duplicate.
   */
  duplicateOf?: (sha256: string) => number | undefined;
  /**
   * Read a single upload back through BioT before it is done. Needed when the
   * source is moved or deleted after upload (the irreversible step waits for
   * BioT's word); for a source left in place the PUT's own answer, storage's
   * ETag of the object at BioT's key equal to the MD5 of the bytes sent, is
   * the check (verdict 'verified', reason PUT_ETAG), saving a download link
   * and a GET per small file. Multipart uploads are always read back: BioT
   * assembles those objects. Default true.
   */
  readBackSingle?: boolean;
  /** Bytes sent (negative when an attempt failed and its bytes will be sent again). */
  onBytes?: (delta: number) => void;
}
