// BiotHttp: the one place that talks HTTP to BioT. JSON in and out over an
// undici keep-alive pool made by app/net (the OS trust store, the configured
// proxy), a deadline on
// every call, the caller's AbortSignal, bearer tokens, and every failure
// turned into a BiotError (see answer.ts for the mapping).
import { request, type Dispatcher } from 'undici';
import { openNet, type Net } from '../net/index.ts';
import { errorFromFailure, parseAnswer } from './answer.ts';
import { BiotError } from './errors.ts';
import type { HostHolds } from './host-holds.ts';
import type { AnswerContext } from './validate.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Supplies bearer tokens; BiotHttp invalidates one the server called TOKEN_NOT_VALID. */
export interface AccessTokenProvider {
  token(signal?: AbortSignal): Promise<string>;
  invalidate(token: string): void;
}

/** One BioT call. `path` starts with the service prefix, e.g. /file/v1/files/upload. */
export type BiotCall = {
  method: HttpMethod;
  path: string;
  operation: string;
  body?: unknown;
  auth?: AccessTokenProvider;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
};

/**
 * A successful answer: its parsed JSON (undefined when empty), where it came
 * from, and the server's clock (its Date header, epoch ms) when it sent one.
 */
export type BiotAnswer = { body: unknown; ctx: AnswerContext; serverTime: number | undefined };

export type BiotHttpOptions = {
  baseUrl: string;
  /** Deadline per call, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** Bring your own undici dispatcher (tests, a shared pool); it is not closed by close(). */
  dispatcher?: Dispatcher;
  /** Answers longer than this are refused as MALFORMED_RESPONSE. Default 4 MiB. */
  maxResponseBytes?: number;
  /** Retry-After holds (host-holds.ts): every call waits out BioT's, and a 429/503 that asks sets one. */
  holds?: HostHolds;
  /** The engine's network (trust, proxy) for the default dispatcher; default: system trust, proxy from the environment. */
  net?: Net;
};

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** The default dispatcher: keep-alive pool over app/net's connections (trust and proxy). */
export function createDefaultDispatcher(timeoutMs = DEFAULT_TIMEOUT_MS, net: Net = openNet()): Dispatcher {
  return net.dispatcher({
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeoutMs: Math.min(timeoutMs, 10_000),
  });
}

export class BiotHttp {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #maxResponseBytes: number;
  readonly #holds: HostHolds | undefined;

  constructor(options: BiotHttpOptions) {
    const parsed = new URL(options.baseUrl);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new TypeError('BioT baseUrl must be http:// or https://');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createDefaultDispatcher(this.timeoutMs, options.net);
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#holds = options.holds;
  }

  /** Sends one call; with `auth`, a 401 TOKEN_NOT_VALID is retried once with a fresh token. */
  async call(call: BiotCall): Promise<BiotAnswer> {
    if (!call.auth) return this.#send(call, undefined);
    const token = await call.auth.token(call.signal);
    try {
      return await this.#send(call, token);
    } catch (error) {
      if (!(error instanceof BiotError) || error.status !== 401 || error.code !== 'TOKEN_NOT_VALID') throw error;
      // The token was revoked or the clocks disagree: drop it and try once more.
      // A 401 means the server did not act on the call, so even a POST is safe to resend.
      call.auth.invalidate(token);
      return this.#send(call, await call.auth.token(call.signal));
    }
  }

  /** Closes the pool if this BiotHttp created it (waits for calls in flight). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Closes the pool now, failing calls in flight (close() took too long). */
  async destroy(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.destroy();
  }

  async #send(call: BiotCall, token: string | undefined): Promise<BiotAnswer> {
    // BioT asked (Retry-After) to be left alone a while: the wait is not part of the call's deadline.
    await this.#holds?.wait(new URL(this.baseUrl).origin, call.signal).catch((reason: unknown) => {
      throw errorFromFailure(reason, call.operation, { callerAborted: true, callerReason: call.signal?.reason, deadlinePassed: false });
    });
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let status: number;
    let text: string;
    let date: string | string[] | undefined;
    try {
      signal.throwIfAborted();
      const response = await request(this.baseUrl + call.path, {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        dispatcher: this.#dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      date = response.headers.date;
      this.#holds?.noteAnswer(this.baseUrl, status, response.headers);
      text = await readLimited(response.body, this.#maxResponseBytes, status, call.operation);
    } catch (failure) {
      throw errorFromFailure(failure, call.operation, {
        callerAborted: call.signal?.aborted ?? false,
        callerReason: call.signal?.reason,
        deadlinePassed: deadline.aborted,
      });
    }
    const body = parseAnswer(status, text, call.operation);
    const serverTime = typeof date === 'string' ? Date.parse(date) : Number.NaN;
    return { body, ctx: { operation: call.operation, status }, serverTime: Number.isNaN(serverTime) ? undefined : serverTime };
  }
}

/** Reads a body as UTF-8, refusing one past `max` bytes (a misrouted download, a proxy page). */
async function readLimited(body: Dispatcher.ResponseData['body'], max: number, status: number, operation: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) {
      body.destroy();
      throw new BiotError({
        status,
        code: 'MALFORMED_RESPONSE',
        operation,
        message: `${operation} failed: malformed response, body larger than ${max} bytes (HTTP ${status})`,
      });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
