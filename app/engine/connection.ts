// What the engine knows about its link to BioT, learned from how calls end:
// the banner staff see ("BioT unreachable", "account locked", "the proxy
// refused the sign-in") and its advice. A connection that could not be made
// carries app/net's code (TLS_UNTRUSTED, PROXY_AUTH, DNS...), so the banner,
// the tray and `run --once` say which, not "check the cable".
import type { ConnectionStatus } from '../api.ts';
import { LOCKOUT_CODES, type TokenEvent } from '../biot/index.ts';
import { isNetCode, isSetupCode, netAdvice, type NetCode } from '../net/failure.ts';
import type { TransferOutcome } from '../transfer/outcome.ts';

const unreachableCodes = new Set(['NETWORK', 'TIMEOUT', 'GATEWAY_TIMEOUT', 'STALLED']);
// LOGIN_FAILED: BioT's 403 for a wrong user name, password or service key.
const refusedCodes = new Set(['LOGIN_FAILED', 'ACCESS_DENIED', 'INVALID_CREDENTIALS', 'TOKEN_NOT_VALID', 'REFRESH_TOKEN_NOT_VALID', 'MFA_REQUIRED']);

/** Whether a file's error code is BioT refusing or locking the login (it did nothing wrong itself). */
export function isLoginCode(code: string | null): boolean {
  return code !== null && (refusedCodes.has(code) || LOCKOUT_CODES.has(code));
}

/**
 * The banner while BioT refuses the login: a lock-out, or any other refusal
 * (401 or 403 to the login, whatever its code). Uploads wait; the engine
 * tries the login again by itself (sign-in-recovery.ts).
 */
export function signInRefusedConnection(locked: boolean, now: number): ConnectionStatus {
  return locked
    ? {
        state: 'locked',
        advice: 'The BioT account is locked. Ask your BioT administrator to unlock it; uploads go on by themselves once it is.',
        since: now,
      }
    : {
        state: 'credentials-refused',
        advice:
          'BioT refused the login. Check the user name and password (or service key) in Settings; uploads go on by themselves once BioT accepts it.',
        since: now,
      };
}

/** The connection state an outcome implies, or undefined when it says nothing new. */
export function connectionAfter(outcome: TransferOutcome, now: number): ConnectionStatus | undefined {
  if (outcome.kind === 'done') return { state: 'ok', advice: null, since: now };
  if (outcome.kind === 'needs-attention' && outcome.locked) return signInRefusedConnection(true, now);
  if ((outcome.kind === 'needs-attention' || outcome.kind === 'retry') && (outcome.signIn === true || refusedCodes.has(outcome.code))) {
    return signInRefusedConnection(false, now);
  }
  // A part or link failure names the network code after its own prefix (LINKS_TLS_UNTRUSTED).
  const net = outcome.kind === 'retry' ? netCodeIn(outcome.code) : undefined;
  if (outcome.kind === 'retry' && net && net !== 'NETWORK') {
    return { state: 'unreachable', code: net, advice: `${firstClause(outcome.message)}. ${netAdvice(net)}`, since: now };
  }
  if (outcome.kind === 'retry' && (unreachableCodes.has(outcome.code) || net || outcome.code.startsWith('STORAGE_5'))) {
    return { state: 'unreachable', code: 'NETWORK', advice: netAdvice('NETWORK'), since: now };
  }
  return undefined;
}

/** Whether the banner has something new to say (a new state, or another reason for the same one). */
export const connectionChanged = (before: ConnectionStatus, next: ConnectionStatus): boolean =>
  next.state !== before.state || (next.code ?? null) !== (before.code ?? null);

/** A network problem a person must fix (certificate, proxy, name): what `run --once` stops on. */
export function setupProblem(connection: ConnectionStatus): string | undefined {
  return connection.state === 'unreachable' && connection.code && isSetupCode(connection.code) ? connection.code : undefined;
}

function netCodeIn(code: string): NetCode | undefined {
  const bare = code.replace(/^LINKS_/, '');
  return isNetCode(bare) ? bare : undefined;
}

/** "ums.login failed: the proxy x refused ... (HTTP 407)" -> "The proxy x refused ... (HTTP 407)". */
function firstClause(message: string): string {
  const text = message.replace(/^[\w.]+ failed: /, '').replace(/; will try again$/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const unknownConnection = (now: number): ConnectionStatus => ({ state: 'unknown', advice: null, since: now });

/**
 * The connection state a token event implies: BioT handing out a token is
 * proof that it answers and accepts the login, long before the first file is
 * done (a 2 GB upload must not show "Connecting to BioT…" for an hour).
 * Refusals are left to the outcomes, which know whether they hold uploads.
 */
export function connectionAfterToken(event: TokenEvent, now: number): ConnectionStatus | undefined {
  return event.kind === 'login' || event.kind === 'refresh' || event.kind === 'service-token' ? { state: 'ok', advice: null, since: now } : undefined;
}

/**
 * The connection the banner shows: learned from transfer outcomes, told to
 * UIs when it changes, and overridden while the data folder holds uploads
 * (that is then what the banner says).
 */
export class ConnectionState {
  readonly #now: () => number;
  readonly #emit: (shown: ConnectionStatus) => void;
  readonly #override: () => ConnectionStatus | undefined;
  readonly #changed: (next: ConnectionStatus) => void;
  #connection: ConnectionStatus;

  /** `changed` hears every new state or reason (the log line with its code), shown or not. */
  constructor(
    now: () => number,
    emit: (shown: ConnectionStatus) => void,
    override: () => ConnectionStatus | undefined,
    changed: (next: ConnectionStatus) => void = () => {},
  ) {
    this.#now = now;
    this.#emit = emit;
    this.#override = override;
    this.#changed = changed;
    this.#connection = unknownConnection(now());
  }

  /** What UIs show: the data folder's hold, else the link to BioT. */
  get shown(): ConnectionStatus {
    return this.#override() ?? this.#connection;
  }

  noteOutcome(outcome: TransferOutcome): void {
    this.set(connectionAfter(outcome, this.#now()));
  }

  /** BioT handed out a token: connected (connectionAfterToken). */
  noteToken(event: TokenEvent): void {
    this.set(connectionAfterToken(event, this.#now()));
  }

  /** New server settings: what the old login taught says nothing about the new one (the banner asking to fix it goes). */
  forget(): void {
    this.set(unknownConnection(this.#now()));
  }

  /** A state learned other than from a transfer's outcome or a token (the login refused again on the engine's own try). */
  set(next: ConnectionStatus | undefined): void {
    if (!next || !connectionChanged(this.#connection, next)) return;
    this.#connection = next;
    this.#changed(next);
    // While the data folder holds uploads, that is what the banner says.
    if (!this.#override()) this.#emit(next);
  }
}
