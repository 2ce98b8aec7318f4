// The one error type every BioT call throws, and the pure rules that classify it.
// Messages are built from operation, status, code and traceId only: BioT's own
// `message` and `details` can echo request data (names, attributes marked PHI),
// so they never reach `message` and so never reach a log.
import { CodedError } from '../common/coded-error.ts';
import { isNetCode } from '../net/failure.ts';

/** Codes the client itself produces when the server gave no BioT code. */
export type ClientErrorCode =
  | 'TIMEOUT' // no answer (headers or body) within the call's timeout
  | 'NETWORK' // connection refused or reset (TLS, proxy and DNS failures have their own codes: app/net/failure.ts)
  | 'ABORTED' // the caller's AbortSignal fired; `cause` holds its reason
  | 'MALFORMED_RESPONSE' // not JSON, or the fields we read have the wrong shape
  | 'INVALID_REQUEST' // refused before sending (name too long, bad part range...)
  | 'MFA_REQUIRED' // the login answered with an MFA challenge: unattended login impossible
  | 'HTTP_ERROR'; // an error status whose body carried no BioT code

/** BioT codes that mean an account or service user is locked: stop, never retry. */
export const LOCKOUT_CODES: ReadonlySet<string> = new Set(['USER_LOCKED', 'USER_LOCKED_WITH_TIME', 'SERVICE_LOCKED']);

export type BiotErrorInit = {
  status: number;
  code: string;
  operation: string;
  traceId?: string | undefined;
  message?: string;
  cause?: unknown;
};

/** Any failure of a BioT call: HTTP status (0 when none), BioT or client code, traceId, operation. */
export class BiotError extends CodedError {
  override name = 'BiotError';
  readonly status: number;
  readonly traceId: string | undefined;
  readonly operation: string;
  readonly retryable: boolean;
  readonly locked: boolean;

  constructor(init: BiotErrorInit) {
    super(init.code, init.message ?? describeFailure(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.traceId = init.traceId;
    this.operation = init.operation;
    this.locked = isLockout(init.status, init.code);
    this.retryable = isRetryable(init.status, init.code);
  }
}

/** True when the code is a lock-out: the engine must stop and tell the user. */
export function isLockout(status: number, code: string): boolean {
  // BioT documents these under 401; accept them under any status so a proxy
  // rewriting the status cannot turn a lock-out into a retry loop.
  void status;
  return LOCKOUT_CODES.has(code);
}

/**
 * Whether the same call may succeed if tried again later. Cases:
 * - lock-out codes: never (each try makes the lock-out worse);
 * - status 0: TIMEOUT, NETWORK and app/net's codes (TLS_UNTRUSTED, PROXY_AUTH...) yes; ABORTED, INVALID_REQUEST, MFA_REQUIRED no;
 * - 401 TOKEN_NOT_VALID: yes, with a fresh token (BiotHttp does it once itself);
 * - 408 and 429: yes (the server asked us to slow down or was too slow);
 * - other 4xx: no (the request itself is wrong, or the upload is gone);
 * - 5xx, including 504 GATEWAY_TIMEOUT: yes;
 * - a 2xx whose body we could not read (a captive portal's page, an answer
 *   garbled or cut short on the way): yes, the next answer may well be BioT's;
 * - anything else (a 3xx, a 2xx with another code): no, a person must look.
 */
export function isRetryable(status: number, code: string): boolean {
  if (LOCKOUT_CODES.has(code)) return false;
  if (status >= 200 && status < 300 && code === 'MALFORMED_RESPONSE') return true;
  // A proxy or certificate problem heals when IT fixes it: tried again, while the banner says which.
  if (status === 0) return code === 'TIMEOUT' || isNetCode(code);
  if (status === 401) return code === 'TOKEN_NOT_VALID';
  if (status === 408 || status === 429) return true;
  if (status >= 500 && status <= 599) return true;
  return false;
}

const PLAIN_WORDS: Record<string, string> = {
  TIMEOUT: 'no answer in time',
  NETWORK: 'could not reach the server',
  ABORTED: 'cancelled',
  MALFORMED_RESPONSE: 'the server answered something unreadable',
  USER_LOCKED: 'account locked: ask your BioT admin',
  USER_LOCKED_WITH_TIME: 'account locked for a while: ask your BioT admin',
  SERVICE_LOCKED: 'service user locked: ask your BioT admin',
  MFA_REQUIRED: 'this account needs MFA: use a service user for unattended uploads',
};

/** The default message: no body text, only what is safe to log. */
export function describeFailure(init: Pick<BiotErrorInit, 'status' | 'code' | 'operation' | 'traceId'>): string {
  const words = PLAIN_WORDS[init.code] ?? init.code;
  const status = init.status === 0 ? 'no HTTP status' : `HTTP ${init.status}`;
  const trace = init.traceId ? `, traceId ${init.traceId}` : '';
  return `${init.operation} failed: ${words} (${status}${trace})`;
}
