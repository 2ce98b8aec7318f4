// A BioT multipart answer with links for parts `from`..`to` on a test storage
// server, valid for an hour: what transfer tests script BioT to answer.
import type { MultipartUpload } from '../../app/biot/types.ts';

export function partLinksAnswer(storageUrl: string, from: number, to: number): MultipartUpload {
  return {
    id: 'biot-1',
    signedUrls: Array.from({ length: to - from + 1 }, (_, i) => ({
      partNumber: from + i,
      signedUrl: `${storageUrl}/part/${from + i}`,
      expirationTime: new Date(Date.now() + 3_600_000).toISOString(),
    })),
  } as MultipartUpload;
}
