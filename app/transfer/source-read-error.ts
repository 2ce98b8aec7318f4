// An error raised by reading the source file, and only by that: the one
// thing that tells "the export could not be read" apart from a network
// failure. Both carry an errno code and a syscall (a reset socket fails with
// ECONNRESET on syscall 'read', just like a broken file read would), so the
// classification must rest on where the error was raised, not on its fields.
import { CodedError } from '../common/coded-error.ts';

/** The source file could not be opened or read; `code` is the errno (ENOENT, EBUSY, EIO...). */
export class SourceReadError extends CodedError {
  override name = 'SourceReadError';
  readonly syscall: string;
  constructor(cause: unknown) {
    const e = cause as NodeJS.ErrnoException | undefined;
    const code = typeof e?.code === 'string' ? e.code : 'EIO';
    // Node's own message names the path: the path is a patient's file name, so it stays out.
    super(code, `the file could not be read (${code})`, { cause });
    this.syscall = typeof e?.syscall === 'string' ? e.syscall : 'read';
  }
}
