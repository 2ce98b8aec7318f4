// Device exports for soak runs: mixed sizes (0 B, small, medium, large) of
// random bytes, with the SHA-256 of each kept to check what BioT holds.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../support/seeded-random.ts';

const MiB = 1024 * 1024;

export interface ExportFile {
  name: string;
  path: string;
  size: number;
  sha256: string;
}

/** Sizes for `count` files up to `maxBytes`: 0 B first, then ~70 % under 256 KiB, ~25 % medium, ~5 % large. */
export function mixedSizes(count: number, maxBytes: number, seed: number): number[] {
  const random = seededRandom(seed);
  const sizes = [0];
  for (let i = 1; i < count; i++) {
    const r = random();
    if (r < 0.7) sizes.push(Math.floor(random() * 256 * 1024));
    else if (r < 0.95) sizes.push(MiB + Math.floor(random() * Math.min(15 * MiB, maxBytes - MiB)));
    else sizes.push(Math.floor(maxBytes / 2 + random() * (maxBytes / 2)));
  }
  // Always one file of the largest size, so the big-file path is exercised.
  if (count > 1) sizes[count - 1] = maxBytes;
  return sizes;
}

/** Writes one file of random bytes and returns it with its SHA-256. */
export function writeExport(dir: string, name: string, size: number): ExportFile {
  const path = join(dir, name);
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let left = size; left > 0;) {
      const chunk = randomBytes(Math.min(left, 4 * MiB));
      hash.update(chunk);
      writeSync(fd, chunk);
      left -= chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return { name, path, size, sha256: hash.digest('hex') };
}

/** Writes `sizes.length` exports named like a Holter recorder's (prefix-0001.edf ...). */
export function writeExports(dir: string, prefix: string, sizes: number[]): ExportFile[] {
  return sizes.map((size, i) => writeExport(dir, `${prefix}-${String(i + 1).padStart(4, '0')}.edf`, size));
}
