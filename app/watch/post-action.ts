// The folder's post-upload action (leave, move to the archive, delete), run
// only for a row that is done: BioT confirmed the complete and the attach rule
// (if any) succeeded. Every failure leaves the source where it was; the
// outcome is recorded on the row (post_action / post_action_error) and in the
// audit, by code only.
import { rename, rm, stat, unlink } from 'node:fs/promises';
import type { FolderConfig } from '../config/schema.ts';
import { sha256File } from '../common/hash-file.ts';
import type { Logger } from '../common/logger.ts';
import type { Store } from '../store/store.ts';
import type { FileRow, PostAction } from '../store/types.ts';
import { copyVerified, placeWithoutReplacing, type CopyHooks } from './archive-copy.ts';
import { reserveArchivePath } from './archive-name.ts';

export interface PostActionResult {
  action: PostAction;
  code?: string;
}

/**
 * Runs the post-upload action recorded on a done row when it became done
 * (postActionIntent) and records the outcome; answers it (undefined when
 * nothing was owed: 'leave', or a row done before intents were recorded).
 * If the folder's setting has changed since, nothing is done to the source
 * (skipped, AFTER_UPLOAD_CHANGED): a person's change of mind never deletes.
 */
export async function runPostAction(
  folder: FolderConfig,
  row: FileRow,
  store: Store,
  log: Logger,
  hooks: CopyHooks = {},
): Promise<PostActionResult | undefined> {
  const current = store.fileById(row.id);
  if (current?.state !== 'done' || current.postAction !== null) return undefined; // never before BioT holds it, never twice
  const intent = current.postActionIntent;
  if (intent !== 'move' && intent !== 'delete') return undefined;
  // A single PUT checked by its own answer (PUT_ETAG, for a folder that left
  // its sources when the upload began) was not read back through BioT: not
  // enough for a delete or move the folder was switched to meanwhile.
  const verifiedAtBiot = current.verification === 'verified' && current.verificationReason !== 'PUT_ETAG';
  const result: PostActionResult =
    folder.afterUpload !== intent
      ? { action: 'skipped', code: 'AFTER_UPLOAD_CHANGED' }
      : !verifiedAtBiot && folder.afterUploadUnverified !== 'apply'
        ? // BioT's copy was not proven to be this file: the source is the only sure copy.
          { action: 'skipped', code: 'UNVERIFIED' }
        : await attempt(folder, current, hooks);
  store.recordPostAction(current.id, { action: result.action, code: result.code ?? null });
  const level = result.action === 'failed' ? 'error' : result.action === 'skipped' ? 'warn' : 'info';
  log.log(level, 'post-action', { fileId: current.id, folderId: folder.id, action: result.action, code: result.code });
  return result;
}

async function attempt(folder: FolderConfig, row: FileRow, hooks: CopyHooks): Promise<PostActionResult> {
  try {
    const now = await stat(row.sourcePath);
    // A different size or mtime is a new version of the export, not yet sent: keep it.
    if (now.size !== row.size || Math.trunc(now.mtimeMs) !== row.mtimeMs) return { action: 'skipped', code: 'SOURCE_CHANGED' };
  } catch (error) {
    return { action: 'skipped', code: codeOf(error) === 'ENOENT' ? 'SOURCE_GONE' : codeOf(error) };
  }
  try {
    if (folder.afterUpload === 'delete') {
      await unlink(row.sourcePath);
      return { action: 'deleted' };
    }
    await moveToArchive(row, folder.archiveDir!, hooks);
    return { action: 'moved' };
  } catch (error) {
    return { action: 'failed', code: codeOf(error) };
  }
}

// Same volume: one rename. Across volumes (EXDEV): a verified copy under a
// temporary name, given its real name only when whole (archive-copy.ts), and
// only then is the source deleted.
async function moveToArchive(row: FileRow, archiveDir: string, hooks: CopyHooks): Promise<void> {
  const target = await reserveArchivePath(archiveDir, row.relPath);
  try {
    await rename(row.sourcePath, target);
    return;
  } catch (error) {
    // The empty placeholder must not stay under the export's name while the copy is made.
    await rm(target, { force: true });
    if (codeOf(error) !== 'EXDEV') throw error;
  }
  const expected = row.sha256 ?? (await sha256File(row.sourcePath));
  const partial = await copyVerified(row.sourcePath, archiveDir, row.id, expected, hooks);
  try {
    await placeWithoutReplacing(partial, archiveDir, row.relPath, { sha256: expected, size: row.size });
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await unlink(row.sourcePath);
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? 'UNKNOWN';
}
