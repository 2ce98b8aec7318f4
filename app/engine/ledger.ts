// The store seen through the transfer's port: the transfer never learns
// about states, audit or SQL, and the store never learns about BioT.
import type { Store } from '../store/store.ts';
import type { TransferLedger } from '../transfer/ports.ts';

/** Adapts the Store to what one file's transfer needs. */
export function storeLedger(store: Store): TransferLedger {
  return {
    currentUpload: (fileId) => store.currentUpload(fileId),
    startUpload: (fileId, upload, parts) => store.startUpload(fileId, upload, parts),
    parts: (uploadId) => store.partsOf(uploadId),
    planParts: (uploadId, parts) => store.planParts(uploadId, parts),
    noteGrowth: (fileId, size, mtimeMs) => store.noteGrowth(fileId, size, mtimeMs),
    finalizeUpload: (uploadId, final) => store.finalizeUpload(uploadId, final),
    recordPartEtag: (uploadId, partNumber, etag, md5) => store.recordPartEtag(uploadId, partNumber, { etag, md5 }),
    markEtagsSaved: (uploadId, partNumbers) => void store.markEtagsSaved(uploadId, partNumbers),
    closeUpload: (uploadId, state, reason) => void store.closeUpload(uploadId, state, reason),
    lostInARow: (fileId) => store.lostInARow(fileId),
    markCompleting: (fileId) => void store.markCompleting(fileId),
    recordVerification: (uploadId, result) => store.recordVerification(uploadId, result),
  };
}
