// The folder's post-upload action (leave, move to the archive, delete), run
// only for a row that is done: BioT confirmed the complete and the attach rule
// (if any) succeeded. Every failure leaves the source where it was; the
// outcome is recorded on the row (post_action / post_action_error) and in the
// audit, by code only.
import { rename, rm, stat, unlink } from 'node:fs/promises';
import type { FolderConfig } from '../config/schema.ts';
import type { Logger } from '../common/logger.ts';
import type { Store } from '../store/store.ts';
import type { FileRow, PostAction } from '../store/types.ts';
import { copyVerified, placeWithoutReplacing, type CopyHooks } from './archive-copy.ts';
import { reserveArchivePath } from './archive-name.ts';
import { sourceContent } from './source-content.ts';

export interface PostActionResult {
  action: PostAction;
  code?: string;
  /** SOURCE_REWRITTEN: the SHA-256 of what the source holds now (queued as a new row). */
  rewritten?: string;
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
        : await attempt(folder, current, store, hooks);
  if (result.rewritten) {
    const queued = store.keepRewrittenSource(current.id, result.rewritten);
    log.log('warn', 'source-rewritten', { fileId: current.id, queuedAs: queued.id });
  } else store.recordPostAction(current.id, { action: result.action, code: result.code ?? null });
  const level = result.action === 'failed' ? 'error' : result.action === 'skipped' ? 'warn' : 'info';
  log.log(level, 'post-action', { fileId: current.id, folderId: folder.id, action: result.action, code: result.code });
  return result;
}

async function attempt(folder: FolderConfig, row: FileRow, store: Store, hooks: CopyHooks): Promise<PostActionResult> {
  let sha256: string;
  try {
    // A different size or mtime is a new version of the export, not yet sent: keep it.
    if (!(await sameStat(row))) return { action: 'skipped', code: 'SOURCE_CHANGED' };
    // The same size and mtime prove nothing (a header rewritten in place, a FAT32
    // card's 2 s mtimes): the bytes are compared with those BioT holds.
    const content = await sourceContent(row, store);
    if (content === 'unknown') return { action: 'skipped', code: 'UNVERIFIED' };
    if (content.rewritten) return { action: 'skipped', code: 'SOURCE_REWRITTEN', rewritten: content.sha256 };
    // Written to while it was read: what it holds now was not checked.
    if (!(await sameStat(row))) return { action: 'skipped', code: 'SOURCE_CHANGED' };
    sha256 = content.sha256;
  } catch (error) {
    return { action: 'skipped', code: codeOf(error) === 'ENOENT' ? 'SOURCE_GONE' : codeOf(error) };
  }
  // From here to the unlink or rename is the only window the check does not
  // cover: a same-size, same-mtime rewrite within it is not seen. A crash in it
  // leaves the row owing its action, and the next start checks again.
  try {
    if (folder.afterUpload === 'delete') {
      await unlink(row.sourcePath);
      return { action: 'deleted' };
    }
    await moveToArchive(row, folder.archiveDir!, sha256, hooks);
    return { action: 'moved' };
  } catch (error) {
    return { action: 'failed', code: codeOf(error) };
  }
}

// Same volume: one rename. Across volumes (EXDEV): a verified copy under a
// temporary name, given its real name only when whole (archive-copy.ts), and
// only then is the source deleted.
async function moveToArchive(row: FileRow, archiveDir: string, expected: string, hooks: CopyHooks): Promise<void> {
  const target = await reserveArchivePath(archiveDir, row.relPath);
  try {
    await rename(row.sourcePath, target);
    return;
  } catch (error) {
    // The empty placeholder must not stay under the export's name while the copy is made.
    await rm(target, { force: true });
    if (codeOf(error) !== 'EXDEV') throw error;
  }
  const partial = await copyVerified(row.sourcePath, archiveDir, row.id, expected, hooks);
  try {
    await placeWithoutReplacing(partial, archiveDir, row.relPath, { sha256: expected, size: row.size });
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await unlink(row.sourcePath);
}

async function sameStat(row: FileRow): Promise<boolean> {
  const now = await stat(row.sourcePath);
  return now.size === row.size && Math.trunc(now.mtimeMs) === row.mtimeMs;
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? 'UNKNOWN';
}
