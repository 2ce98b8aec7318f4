// The read-back verdict's logic: S3's multipart ETag computed from the parts'
// MD5s, and what counts as verified, not checkable or a mismatch.
import { createHash, randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { PartRow } from '../../app/store/types.ts';
import { multipartEtag, verdictOf } from '../../app/transfer/read-back.ts';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const part = (n: number, bytes: Buffer): PartRow => ({
  uploadId: 1,
  partNumber: n,
  offset: 0,
  size: bytes.length,
  md5: md5(bytes),
  etag: `"${md5(bytes)}"`,
  uploadedAt: 1,
  etagSavedToBiot: true,
});

it('computes the multipart ETag as the MD5 of the binary part MD5s plus -N', () => {
  const a = randomBytes(1000);
  const b = randomBytes(10);
  const expected = createHash('md5')
    .update(Buffer.concat([createHash('md5').update(a).digest(), createHash('md5').update(b).digest()]))
    .digest('hex');
  expect(multipartEtag([part(1, a), part(2, b)])).toBe(`${expected}-2`);
  expect(multipartEtag([{ ...part(1, a), md5: null }])).toBeUndefined();
});

it('judges size first, then an MD5-shaped ETag; anything else is not checkable', () => {
  const etag = 'a'.repeat(32);
  expect(verdictOf({ size: 10, etag: `"${etag}"` }, { size: 10, etag })).toMatchObject({ verdict: 'verified' });
  expect(verdictOf({ size: 10, etag: `"${etag}-3"` }, { size: 10, etag: `${etag}-3` })).toMatchObject({ verdict: 'verified' });
  expect(verdictOf({ size: 11, etag: `"${etag}"` }, { size: 10, etag })).toMatchObject({ verdict: 'mismatch', reason: 'SIZE_MISMATCH' });
  expect(verdictOf({ size: 10, etag: `"${'b'.repeat(32)}"` }, { size: 10, etag })).toMatchObject({ verdict: 'mismatch', reason: 'ETAG_MISMATCH' });
  expect(verdictOf({ size: 10, etag: '"kms-0f3a"' }, { size: 10, etag })).toMatchObject({ verdict: 'not-checkable', reason: 'OPAQUE_ETAG' });
  expect(verdictOf({ size: 10, etag: '' }, { size: 10, etag })).toMatchObject({ verdict: 'not-checkable', reason: 'OPAQUE_ETAG' });
});
