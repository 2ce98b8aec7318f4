// The store seen through the transfer's port: the transfer never learns
// about states, audit or SQL, and the store never learns about BioT.
import type { Store } from '../store/store.ts';
import type { TransferLedger } from '../transfer/ports.ts';

/** Adapts the Store to what one file's transfer needs. */
export function storeLedger(store: Store): TransferLedger {
  return {
    currentUpload: (fileId) => store.currentUpload(fileId),
    // The durable steps answer once on disk (one group sync for the steps of every file in flight).
    startUpload: async (fileId, upload, parts) => {
      const row = store.startUpload(fileId, upload, parts);
      await store.whenDurable();
      return row;
    },
    parts: (uploadId) => store.partsOf(uploadId),
    planParts: (uploadId, parts) => store.planParts(uploadId, parts),
    noteGrowth: (fileId, size, mtimeMs) => store.noteGrowth(fileId, size, mtimeMs),
    finalizeUpload: (uploadId, final) => store.finalizeUpload(uploadId, final),
    recordPartEtag: (uploadId, partNumber, etag, md5) => store.recordPartEtag(uploadId, partNumber, { etag, md5 }),
    markEtagsSaved: (uploadId, partNumbers) => void store.markEtagsSaved(uploadId, partNumbers),
    closeUpload: (uploadId, state, reason) => void store.closeUpload(uploadId, state, reason),
    lostInARow: (fileId) => store.lostInARow(fileId),
    markCompleting: async (fileId) => {
      store.markCompleting(fileId);
      await store.whenDurable();
    },
    recordVerification: (uploadId, result) => store.recordVerification(uploadId, result),
    inOneCommit: (steps) => store.inOneCommit(steps),
  };
}
