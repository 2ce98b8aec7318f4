// Errors the store throws on purpose. Each carries the numbers a caller needs
// to explain itself, and none carries a file name or path (they reach logs).
import type { FileState } from './states.ts';

/** The database was written by a newer Device Uploader; refuse rather than guess at its schema. */
export class StoreTooNewError extends Error {
  readonly databaseVersion: number;
  readonly codeVersion: number;
  constructor(databaseVersion: number, codeVersion: number) {
    super(`database schema v${databaseVersion} is newer than this Device Uploader (v${codeVersion}); update the app`);
    this.name = 'StoreTooNewError';
    this.databaseVersion = databaseVersion;
    this.codeVersion = codeVersion;
  }
}

/** A migration threw; the whole batch was rolled back and user_version is unchanged. */
export class MigrationFailedError extends Error {
  readonly version: number;
  constructor(version: number, name: string, cause: unknown) {
    super(`migration ${String(version).padStart(3, '0')}-${name} failed: ${messageOf(cause)}`, { cause });
    this.name = 'MigrationFailedError';
    this.version = version;
  }
}

/** A state change the transitions table (or the verb) does not allow; nothing was written. */
export class IllegalTransitionError extends Error {
  readonly fileId: number;
  readonly from: FileState;
  readonly to: FileState;
  constructor(fileId: number, from: FileState, to: FileState, verb: string) {
    super(`file ${fileId}: ${verb} cannot move it from '${from}' to '${to}'`);
    this.name = 'IllegalTransitionError';
    this.fileId = fileId;
    this.from = from;
    this.to = to;
  }
}

/** No row with that id (file or upload). */
export class NotFoundError extends Error {
  constructor(what: 'file' | 'upload' | 'part', id: number | string) {
    super(`${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** The caller asked for something the row's current shape forbids (e.g. an ETag for a closed upload). */
export class StoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
