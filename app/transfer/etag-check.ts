// S3 answers a part PUT with ETag "<hex md5 of the part>" for unencrypted and
// SSE-S3 objects; KMS-encrypted buckets answer something else. AWS calls ETags
// opaque, so a mismatch only counts where the ETag looks like an MD5.

export type EtagVerdict = 'match' | 'mismatch' | 'opaque';

/** Compares an S3 part ETag with the MD5 we computed while sending the part. */
export function checkPartEtag(etag: string, md5Hex: string): EtagVerdict {
  const bare = etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(bare)) return 'opaque';
  return bare === md5Hex.toLowerCase() ? 'match' : 'mismatch';
}
