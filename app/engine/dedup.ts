// "Were these bytes already uploaded?" Asked twice: at intake (after hashing)
// and again by the scheduler right before a claimed row's transfer starts,
// because two identical files queued together both pass the first check
// (findDoneBySha256 only sees done rows). The rules are here; the engine
// asks them through DedupPolicy (dedup-policy.ts), a row waits for an earlier
// twin in file-job.ts, and the store answers the queries.
import type { AttachTarget } from '../store/queue.ts';
import type { Store } from '../store/store.ts';
import type { FileRow } from '../store/types.ts';

export type DuplicatePolicy = 'skip' | 'upload';

/** What the scheduler does with a claimed row: send it, wait for an earlier twin in flight, or nothing (settled). */
export type TransferVerdict = 'go' | 'wait' | 'settled';

/**
 * With policy 'skip', settles `row` (queued, or claimed before its upload began)
 * as a duplicate of the earliest done row with the same SHA-256 and size that
 * went to the same attach target (`target`: where the row's folder rule attaches
 * it; null for none). The same bytes exported for another patient are sent:
 * that patient must have the file too.
 * Answers the settled row, or undefined when it must be sent.
 */
export function settleIfDuplicate(store: Store, row: FileRow, policy: DuplicatePolicy, target: AttachTarget | null): FileRow | undefined {
  if (policy !== 'skip' || row.sha256 === null) return undefined;
  const original = store.findDoneBySha256(row.sha256, row.size, target);
  if (!original || original.id === row.id) return undefined;
  return store.markDuplicate(row.id, original.id);
}

/**
 * The check the scheduler makes right before a transfer: a duplicate now is
 * settled; otherwise, under 'skip', the row should wait for any earlier row
 * with the same bytes that is in flight (the scheduler knows which are), and
 * ask again when it ends.
 */
export function vetBeforeTransfer(store: Store, row: FileRow, policy: DuplicatePolicy, target: AttachTarget | null): TransferVerdict {
  if (policy !== 'skip' || row.sha256 === null) return 'go';
  return settleIfDuplicate(store, row, policy, target) ? 'settled' : 'wait';
}

/**
 * Whether a file must be hashed before it is sent: only when dedup applies
 * and a row of the same size exists (done: maybe a duplicate; on its way:
 * maybe a twin to wait for). Otherwise its hash is taken in the read that
 * sends it (app/transfer/ordered-hash.ts), so the file is read once; a
 * duplicate found only then is cancelled at BioT rather than completed.
 */
export function hashUpFront(store: { hasSizeCandidate(size: number): boolean }, policy: 'skip' | 'upload', size: number): boolean {
  return policy === 'skip' && store.hasSizeCandidate(size);
}
