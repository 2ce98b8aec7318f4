// Before a source is moved or deleted: does it still hold the bytes BioT
// holds? Size and mtime cannot tell (an EDF writer updates its header at the
// end; a FAT32 card keeps mtimes to 2 s), so the file is read once more.
import { sha256CheckingRanges, sha256File } from '../common/hash-file.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';

/** What the source holds now, against BioT's copy of a done row. */
export type SourceContent = { sha256: string; rewritten: boolean } | 'unknown';

/**
 * The row's SHA-256 is of the bytes BioT holds (taken in the read that sent
 * them, or checked part by part against their MD5s: app/engine/file-job.ts),
 * so the source's own SHA-256 answers. A row without one is checked against
 * the MD5 of each part its completed upload sent (storage's ETags); with
 * neither there is nothing to compare with ('unknown': the source is kept).
 */
export async function sourceContent(row: FileRow, store: Store): Promise<SourceContent> {
  if (row.sha256 !== null) {
    const sha256 = await sha256File(row.sourcePath);
    return { sha256, rewritten: sha256 !== row.sha256 };
  }
  const upload = store
    .uploadsFor(row.id)
    .filter((u) => u.state === 'completed')
    .at(-1);
  const parts = upload ? store.partsOf(upload.id) : [];
  if (parts.length === 0 || parts.some((p) => p.md5 === null)) return 'unknown';
  const { sha256, rangesMatch } = await sha256CheckingRanges(row.sourcePath, parts);
  // Checked part by part against BioT's: now the row's hash, for dedup of later exports.
  if (rangesMatch) store.recordHash(row.id, sha256);
  return { sha256, rewritten: !rangesMatch };
}
