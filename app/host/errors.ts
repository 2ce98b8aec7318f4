// Errors become codes at the boundary: the other side of a port cannot
// `instanceof` a class from this process, and an exception's name is not a
// contract. Messages here are for staff and never carry a path or a secret.
import type { ApiErrorCode } from '../api.ts';
import { ApiError } from '../api-schemas.ts';
import { ConfigError } from '../config/load.ts';
import { IllegalTransitionError, NotFoundError, StoreTooNewError } from '../store/errors.ts';
import type { StartFailure } from './protocol.ts';
import { DataFolderInUse } from '../engine/data-lock.ts';
import { QueueDamagedError } from '../store/damage.ts';

/** The code a failed call crosses as. */
export function errorCode(error: unknown): ApiErrorCode {
  if (error instanceof ApiError) return error.code;
  // A row that moved on meanwhile (cancel on a file that just finished): the person's view was stale.
  if (error instanceof IllegalTransitionError || error instanceof NotFoundError) return 'stale';
  return 'engine-error';
}

/** A message safe to send: ours are written without paths; anything else is reduced to its code. */
export function safeMessage(error: unknown, code: ApiErrorCode): string {
  if (error instanceof ApiError || error instanceof IllegalTransitionError || error instanceof NotFoundError) return error.message;
  return code === 'engine-error' ? 'the engine could not do that' : code;
}

/** Why the engine could not start, and words for the person who must fix it. */
export function startFailure(error: unknown): { reason: StartFailure; message: string } {
  // ConfigError names the file and the key; the file is the person's own config (not a device path).
  if (error instanceof ConfigError) return { reason: 'bad-config', message: error.message };
  if (error instanceof StoreTooNewError) return { reason: 'newer-database', message: error.message };
  if (error instanceof QueueDamagedError) return { reason: 'damaged-database', message: error.message };
  if (error instanceof DataFolderInUse) return { reason: 'locked-data-folder', message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return { reason: 'locked-data-folder', message: 'the queue database is in use by another program' };
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return { reason: 'locked-data-folder', message: `the data folder cannot be written (${code})` };
  }
  return { reason: 'other', message: error instanceof Error ? `${error.name}${typeof code === 'string' ? ` (${code})` : ''}` : 'unknown error' };
}
