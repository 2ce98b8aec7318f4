// What a transfer hands back to the scheduler: a status value, not an
// exception (Signal's JobManager habit). `outcomeOf` is the retry policy:
// which failures wait and try again, and which need a person.
import { BiotError } from '../biot/errors.ts';
import { netFailureOf } from '../net/failure.ts';
import { SourceReadError } from './source-read-error.ts';
import { StopRequest, type StopReason } from './stop.ts';
import { CodedError } from '../common/coded-error.ts';

export type TransferOutcome =
  /** sha256: of the bytes sent, when the transfer computed it in the same read (single uploads). */
  | { kind: 'done'; biotFileId: string; traceId?: string | undefined; sha256?: string | undefined }
  /** Try the whole file again later (the scheduler backs off). `signIn`: BioT refused the login itself (see signInRefused). */
  | { kind: 'retry'; code: string; message: string; traceId?: string | undefined; signIn?: boolean }
  /** Will not succeed without a person: wrong permissions, locked account, refused file. */
  | { kind: 'needs-attention'; code: string; message: string; traceId?: string | undefined; locked: boolean; signIn?: boolean }
  /** The source vanished. */
  | { kind: 'missing' }
  /** The source's size or mtime changed: queue it again from its new content. */
  | { kind: 'source-changed'; size: number; mtimeMs: number }
  | { kind: 'stopped'; reason: StopReason }
  /**
   * The hash taken while sending showed a file already done with these bytes
   * (`of`): the BioT upload was cancelled instead of completed.
   */
  | { kind: 'duplicate'; of: number; sha256: string };

/** A part that could not be sent after every attempt; the file is tried again later. */
export class PartGaveUp extends CodedError {
  override name = 'PartGaveUp';
}

/** Storage refused a part in a way retrying cannot fix (e.g. 400 EntityTooLarge). */
export class PartRefused extends CodedError {
  override name = 'PartRefused';
}

const lockedSourceCodes = new Set(['EBUSY', 'EPERM', 'EACCES', 'EAGAIN']);

/** BioT answered the login itself (password or service key) with 401 or 403, whatever its code: the login was refused. */
export function signInRefused(error: BiotError): boolean {
  return (error.operation === 'ums.login' || error.operation === 'ums.serviceToken') && (error.status === 401 || error.status === 403);
}

/**
 * Whether an errno error came from the source file: a SourceReadError (its
 * open and reads), or a stat of it (file-transfer's checks; sockets are never
 * stat'ed, so that syscall is unambiguous). Never decided by 'read' or the code.
 */
function isSourceFailure(error: unknown): boolean {
  if (error instanceof SourceReadError) return true;
  const syscall = (error as NodeJS.ErrnoException).syscall;
  return syscall === 'stat' || syscall === 'lstat' || syscall === 'fstat';
}

/**
 * Maps whatever ended a transfer to the scheduler's next step. Cases:
 * - a StopRequest (pause, cancel, shutdown): stopped, as asked;
 * - BioT lock-out codes: needs-attention, locked (retrying worsens a lock-out);
 * - BioT retryable (5xx, 504, 408, 429, timeouts, network): retry later;
 * - BioT other 4xx (ACCESS_DENIED, validation): needs-attention with the code;
 * - the source missing (ENOENT): missing; locked or unreadable now: retry later
 *   (only errors raised by the source itself: SourceReadError, or its stat);
 * - another errno error (ECONNRESET, ECONNREFUSED...): a network fault, retry later;
 * - a part that gave up after its attempts: retry later;
 * - storage refusing a part for good: needs-attention;
 * - anything unexpected: retry later (the scheduler's attempt cap ends loops).
 */
export function outcomeOf(error: unknown): TransferOutcome {
  if (error instanceof StopRequest) return { kind: 'stopped', reason: error.reason };
  if (error instanceof BiotError) {
    const signIn = signInRefused(error) && { signIn: true };
    if (error.locked) return { kind: 'needs-attention', code: error.code, message: error.message, traceId: error.traceId, locked: true, ...signIn };
    if (error.retryable) return { kind: 'retry', code: error.code, message: error.message, traceId: error.traceId, ...signIn };
    return { kind: 'needs-attention', code: error.code, message: error.message, traceId: error.traceId, locked: false, ...signIn };
  }
  if (error instanceof Error && error.name === 'SourceNotAFile') {
    return { kind: 'needs-attention', code: 'NOT_A_FILE', message: 'the path is not a regular file', locked: false };
  }
  // A connection that could not be made (a certificate, a proxy, a name): its own code, so the banner says which.
  const net = netFailureOf(error);
  if (net) return { kind: 'retry', code: net.code, message: `${net.message}; will try again` };
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && isSourceFailure(error)) {
    if (errno === 'ENOENT') return { kind: 'missing' };
    if (lockedSourceCodes.has(errno)) return { kind: 'retry', code: 'SOURCE_LOCKED', message: 'the file is locked or unreadable; will try again' };
    return { kind: 'retry', code: `SOURCE_${errno}`, message: `the file could not be read (${errno}); will try again` };
  }
  if (typeof errno === 'string' && (error as NodeJS.ErrnoException).syscall) {
    // An errno that is not the source's: a refused, reset or timed-out connection.
    return { kind: 'retry', code: 'NETWORK', message: `the connection failed (${errno}); will try again` };
  }
  if (error instanceof PartGaveUp) return { kind: 'retry', code: error.code, message: error.message };
  if (error instanceof PartRefused) {
    return { kind: 'needs-attention', code: error.code, message: error.message, locked: false };
  }
  return { kind: 'retry', code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}
