// How a file is cut into parts. BioT/S3 limits: parts 5 MiB..5 GiB (the last
// may be smaller), at most 10,000 parts, so the part size grows with the file.
import type { PlannedPart } from '../store/types.ts';

export type { PlannedPart };

export const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;

/** The part size for a file: the preferred size, grown (to whole MiB) until the file fits in 10,000 parts. */
export function partSizeFor(fileSize: number, preferredPartSize: number): number {
  let size = Math.max(MIN_PART_SIZE, Math.min(preferredPartSize, MAX_PART_SIZE));
  const needed = Math.ceil(fileSize / MAX_PARTS);
  if (needed > size) size = Math.ceil(needed / MiB) * MiB;
  if (size > MAX_PART_SIZE) throw new RangeError(`file of ${fileSize} bytes exceeds BioT's 5 TiB multipart limit`);
  return size;
}

/** Every part of a file of known size; an empty file is one empty part. */
export function planParts(fileSize: number, partSize: number): PlannedPart[] {
  if (fileSize === 0) return [{ partNumber: 1, offset: 0, size: 0 }];
  const parts: PlannedPart[] = [];
  for (let offset = 0, n = 1; offset < fileSize; offset += partSize, n++) {
    parts.push({ partNumber: n, offset, size: Math.min(partSize, fileSize - offset) });
  }
  return parts;
}
