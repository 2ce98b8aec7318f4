// The BioT client the engine uses: one HTTP pool, one token source, the file
// API and entity attachment, wired together.
import type { Dispatcher } from 'undici';
import type { Net } from '../net/index.ts';
import { Entities } from './entities.ts';
import { FileApi } from './file-api.ts';
import { HostHolds, type HoldEvent } from './host-holds.ts';
import { BiotHttp } from './http.ts';
import { TokenSource, type BiotAuth, type TokenEvent } from './token-source.ts';

export type BiotClientOptions = {
  /** Tenant API root, e.g. https://api.example.biot-med.com, or http://127.0.0.1:port for the sandbox. */
  baseUrl: string;
  auth: BiotAuth;
  /** Deadline per call (headers and body). Default 30 s. */
  timeoutMs?: number;
  /** Renew tokens this long before they expire. Default 30 s. */
  refreshMarginMs?: number;
  /** An undici dispatcher to use instead of the default keep-alive pool over app/net; not closed by close(). */
  dispatcher?: Dispatcher;
  /** The engine's network (trust, proxy) for the default dispatcher. */
  net?: Net;
  /** Injectable clock for token expiry, epoch ms. */
  now?: () => number;
  /** Token life-cycle events for the log (never carries secrets). */
  onTokenEvent?: (event: TokenEvent) => void;
  /** A host asked to be left alone a while (Retry-After): for the log. */
  onHold?: (event: HoldEvent) => void;
  /** The Retry-After book to use instead of a new one (a client replacing another keeps its holds). */
  holds?: HostHolds;
};

/** A class's public calls without its private fields, so a stand-in that forwards them (app/engine/server-switch.ts) fits too. */
export type CallsOf<T> = Pick<T, keyof T>;

export type BiotClient = {
  tokens: TokenSource;
  files: CallsOf<FileApi>;
  entities: CallsOf<Entities>;
  /** Retry-After holds by host, BioT's and (for the transfers' part PUTs) storage's. */
  holds: HostHolds;
  /** Closes the HTTP pool (if the client created it). */
  close(): Promise<void>;
  /** Closes now, failing calls in flight (when close() took too long). */
  destroy(): Promise<void>;
};

/** Builds a BioT client over one keep-alive pool and one token source. */
export function createBiotClient(options: BiotClientOptions): BiotClient {
  const holds = options.holds ?? new HostHolds({ ...(options.onHold && { onHold: options.onHold }) });
  const http = new BiotHttp({
    holds,
    baseUrl: options.baseUrl,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.dispatcher !== undefined && { dispatcher: options.dispatcher }),
    ...(options.net !== undefined && { net: options.net }),
  });
  const tokens = new TokenSource({
    http,
    auth: options.auth,
    ...(options.refreshMarginMs !== undefined && { refreshMarginMs: options.refreshMarginMs }),
    ...(options.now !== undefined && { now: options.now }),
    ...(options.onTokenEvent !== undefined && { onEvent: options.onTokenEvent }),
  });
  return {
    tokens,
    files: new FileApi(http, tokens),
    entities: new Entities(http, tokens),
    holds,
    close: () => http.close(),
    destroy: () => http.destroy(),
  };
}

export { BiotError, isRetryable, isLockout, LOCKOUT_CODES } from './errors.ts';
export type { BiotAuth, TokenEvent } from './token-source.ts';
export { HostHolds, type HoldEvent } from './host-holds.ts';
export type { AttachFileRequest } from './entities.ts';
export type { CallOptions } from './file-api.ts';
export type * from './types.ts';
