import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../app/transfer/backoff.ts';
import { checkPartEtag } from '../../app/transfer/etag-check.ts';
import { MAX_PARTS, MiB, partSizeFor, planParts } from '../../app/transfer/part-plan.ts';

describe('part plan', () => {
  it('keeps the preferred size while the file fits in 10,000 parts', () => {
    expect(partSizeFor(300 * MiB, 8 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(1, 8 * MiB)).toBe(8 * MiB);
  });

  it('never goes below 5 MiB', () => {
    expect(partSizeFor(10 * MiB, 1 * MiB)).toBe(5 * MiB);
  });

  it('grows the part size so no file needs more than 10,000 parts', () => {
    const size = 200 * 1024 * MiB; // 200 GiB at 8 MiB would be 25,600 parts
    const part = partSizeFor(size, 8 * MiB);
    expect(part % MiB).toBe(0);
    expect(Math.ceil(size / part)).toBeLessThanOrEqual(MAX_PARTS);
    expect(Math.ceil(size / (part - MiB))).toBeGreaterThan(MAX_PARTS);
  });

  it('refuses files beyond 5 TiB of parts', () => {
    expect(() => partSizeFor(5120 * 1024 * MiB * 10_001, 8 * MiB)).toThrow(/5 TiB/);
  });

  it('covers every byte exactly once, last part smaller', () => {
    const parts = planParts(21 * MiB + 7, 8 * MiB);
    expect(parts.map((p) => p.size)).toEqual([8 * MiB, 8 * MiB, 5 * MiB + 7]);
    expect(parts.map((p) => p.offset)).toEqual([0, 8 * MiB, 16 * MiB]);
    expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(planParts(0, 8 * MiB)).toEqual([{ partNumber: 1, offset: 0, size: 0 }]);
    expect(planParts(8 * MiB, 8 * MiB)).toHaveLength(1);
  });
});

describe('ETag check', () => {
  const md5 = '5d41402abc4b2a76b9719d911017c592';
  it('matches quoted and bare MD5 ETags, any case', () => {
    expect(checkPartEtag(`"${md5}"`, md5)).toBe('match');
    expect(checkPartEtag(md5.toUpperCase(), md5)).toBe('match');
  });
  it('flags an MD5-looking ETag that differs', () => {
    expect(checkPartEtag('"00000000000000000000000000000000"', md5)).toBe('mismatch');
  });
  it('treats non-MD5 ETags (KMS buckets) as opaque, never as failure', () => {
    expect(checkPartEtag('"abc-3"', md5)).toBe('opaque');
    expect(checkPartEtag('"d41d8cd98f00b204e9800998ecf8427e-2"', md5)).toBe('opaque');
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and jitters within [ceiling/2, ceiling]', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, opts, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(400);
    expect(backoffDelay(10, opts, () => 0.999999)).toBe(1000);
    expect(backoffDelay(10, opts, () => 0)).toBe(500);
  });
});
