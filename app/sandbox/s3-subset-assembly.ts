// radosgw (Ceph 16, our test S3) refuses a CompleteMultipartUpload that leaves
// out parts it holds (InvalidPart), while AWS S3 drops the unlisted parts, and
// BioT relies on that ("a part without a saved ETag is silently left out").
// To keep BioT's behaviour on radosgw: assemble every held part, then build the
// final object again from just the chosen byte ranges with UploadPartCopy.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { minPartBytes, StoreRefusedError, type SelectedPart } from './object-store.ts';

export interface HeldPart {
  partNumber: number;
  size: number;
  etag: string;
}

/** Every part S3 holds for an upload, in part-number order. */
export async function listHeldParts(client: S3Client, bucket: string, key: string, uploadId: string): Promise<HeldPart[]> {
  const held: HeldPart[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
    for (const p of page.Parts ?? []) held.push({ partNumber: p.PartNumber ?? 0, size: p.Size ?? 0, etag: p.ETag ?? '' });
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return held.sort((a, b) => a.partNumber - b.partNumber);
}

const bare = (etag: string) => etag.replaceAll('"', '');

/** Whether `selected` is a proper subset of `held` with matching ETags: the case to assemble by copy. */
export function isHeldSubset(held: HeldPart[], selected: SelectedPart[]): boolean {
  const byNumber = new Map(held.map((p) => [p.partNumber, p]));
  return (
    selected.length < held.length &&
    selected.every((s) => byNumber.has(s.partNumber) && bare(byNumber.get(s.partNumber)?.etag ?? '') === bare(s.etag))
  );
}

/** Assembles only `selected` of the held parts into key (see the file comment). */
export async function assembleSubset(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  held: HeldPart[],
  selected: SelectedPart[],
): Promise<void> {
  const byNumber = new Map(held.map((p) => [p.partNumber, p]));
  // Refuse what S3 would refuse before consuming the upload, so a failed complete can be retried.
  for (const [index, part] of selected.entries()) {
    if (index < selected.length - 1 && (byNumber.get(part.partNumber)?.size ?? 0) < minPartBytes) {
      throw new StoreRefusedError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', part.partNumber);
    }
  }
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: held.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
    }),
  );
  const offsets = new Map<number, number>();
  let offset = 0;
  for (const part of held) {
    offsets.set(part.partNumber, offset);
    offset += part.size;
  }
  const copy = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  try {
    const parts = [];
    for (const [index, part] of selected.entries()) {
      const start = offsets.get(part.partNumber) ?? 0;
      const size = byNumber.get(part.partNumber)?.size ?? 0;
      const answer = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: copy.UploadId,
          PartNumber: index + 1,
          CopySource: `${bucket}/${encodeURIComponent(key)}`,
          CopySourceRange: `bytes=${start}-${start + size - 1}`,
        }),
      );
      parts.push({ PartNumber: index + 1, ETag: answer.CopyPartResult?.ETag });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: copy.UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: copy.UploadId })).catch(() => {});
    throw error;
  }
}
