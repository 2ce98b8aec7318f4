// Pure checks on what we are about to send, so a request BioT would refuse
// (or silently mis-assemble) fails here with a clear INVALID_REQUEST instead.
// Messages give lengths and numbers, never the file name itself.
import { BiotError } from './errors.ts';
import type { PartEtag } from './types.ts';

export const MAX_NAME_LENGTH = 128;
export const MAX_MIME_TYPE_LENGTH = 100;
export const MAX_PARTS = 10_000;

function invalid(operation: string, problem: string): never {
  throw new BiotError({
    status: 0,
    code: 'INVALID_REQUEST',
    operation,
    message: `${operation} refused before sending: ${problem}`,
  });
}

/** Name 1..128 and mimeType 1..100 characters, as BioT's file service requires. */
export function checkNameAndType(operation: string, name: string, mimeType: string): void {
  if (typeof name !== 'string' || name.length === 0) invalid(operation, 'name is empty');
  if (name.length > MAX_NAME_LENGTH) {
    invalid(operation, `name is ${name.length} characters, BioT allows at most ${MAX_NAME_LENGTH}`);
  }
  if (typeof mimeType !== 'string' || mimeType.length === 0) invalid(operation, 'mimeType is empty');
  if (mimeType.length > MAX_MIME_TYPE_LENGTH) {
    invalid(operation, `mimeType is ${mimeType.length} characters, BioT allows at most ${MAX_MIME_TYPE_LENGTH}`);
  }
}

function isPartNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_PARTS;
}

/** A part count or inclusive part range inside 1..10000. */
export function checkPartRange(operation: string, fromPart: number, toPart: number): void {
  if (!isPartNumber(fromPart) || !isPartNumber(toPart)) invalid(operation, `parts must be integers in 1..${MAX_PARTS}`);
  if (fromPart > toPart) invalid(operation, `fromPart ${fromPart} is larger than toPart ${toPart}`);
}

/** A non-empty list of distinct part numbers, each with a non-empty ETag. */
export function checkEtags(operation: string, parts: readonly PartEtag[]): void {
  if (!Array.isArray(parts) || parts.length === 0) invalid(operation, 'parts must not be empty');
  const seen = new Set<number>();
  for (const part of parts) {
    if (!isPartNumber(part.partNumber)) invalid(operation, `part numbers must be integers in 1..${MAX_PARTS}`);
    if (seen.has(part.partNumber)) invalid(operation, `part ${part.partNumber} is listed twice`);
    seen.add(part.partNumber);
    // A part without an ETag is silently left out of the assembled file.
    if (typeof part.etag !== 'string' || part.etag.length === 0) invalid(operation, `part ${part.partNumber} has no ETag`);
  }
}

/** A path segment for an id, so an odd id cannot change the path. */
export function idSegment(operation: string, id: string): string {
  if (typeof id !== 'string' || id.length === 0) invalid(operation, 'id is empty');
  return encodeURIComponent(id);
}
