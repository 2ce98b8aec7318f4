// Pure mapping from a raw HTTP answer (status + body text) or a transport
// failure to either the parsed JSON body or a BiotError. No I/O here, so the
// whole table of outcomes is unit-testable without a server.
import { netFailureOf } from '../net/failure.ts';
import { BiotError } from './errors.ts';

/** The parsed JSON of a successful answer (undefined for an empty body), or throws BiotError. */
export function parseAnswer(status: number, text: string, operation: string): unknown {
  if (status >= 200 && status < 300) {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A captive portal's login page or an answer cut short: not BioT's last
      // word, so the error is retryable (errors.ts) and worded for what it is.
      const what = /^\s*</.test(text)
        ? "a web page came back instead of BioT's answer (a captive portal or proxy login page?)"
        : 'the answer was not readable JSON (cut short or garbled on the way)';
      throw new BiotError({
        status,
        code: 'MALFORMED_RESPONSE',
        operation,
        message: `${operation} failed: ${what} (HTTP ${status}); will try again`,
      });
    }
  }
  throw errorFromBody(status, text, operation);
}

/** A BiotError for a non-2xx answer: BioT's code and traceId when the body is BioT's ErrorResponse. */
export function errorFromBody(status: number, text: string, operation: string): BiotError {
  let code = 'HTTP_ERROR';
  let traceId: string | undefined;
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null) {
      const fields = body as Record<string, unknown>;
      if (typeof fields.code === 'string' && fields.code !== '') code = fields.code;
      if (typeof fields.traceId === 'string' && fields.traceId !== '') traceId = fields.traceId;
    }
  } catch {
    // A proxy's HTML page or an empty body: the status alone decides.
  }
  return new BiotError({ status, code, operation, traceId });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** What a thrown transport failure means, given which of our signals fired. */
export function errorFromFailure(
  failure: unknown,
  operation: string,
  signals: { callerAborted: boolean; callerReason?: unknown; deadlinePassed: boolean },
): BiotError {
  if (failure instanceof BiotError) return failure;
  if (signals.callerAborted) {
    // The caller's reason is kept as `cause` so a pause sentinel survives.
    return new BiotError({ status: 0, code: 'ABORTED', operation, cause: signals.callerReason });
  }
  // A connection that could not be made says why (TLS, proxy, DNS): its own code, decided at connect time.
  const net = netFailureOf(failure);
  if (net) return new BiotError({ status: 0, code: net.code, operation, message: `${operation} failed: ${net.message}`, cause: failure });
  const code = (failure as { code?: unknown } | null)?.code;
  if (signals.deadlinePassed || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new BiotError({ status: 0, code: 'TIMEOUT', operation, cause: failure });
  }
  return new BiotError({ status: 0, code: 'NETWORK', operation, cause: failure });
}
