// The life of a queued file as a small state machine. Kept pure (no database)
// so the UI, the engine and the tests can all ask the same question.

/** Every state a files row can be in. */
export const FILE_STATES = [
  'queued', // waiting for the scheduler
  'uploading', // claimed: a transfer owns it
  'completing', // every part has its ETag; the complete call is in flight
  'done', // BioT holds the assembled file
  'failed', // will be retried by the scheduler at next_attempt_at
  'paused', // a person paused it; waits for resume
  'cancelled', // a person cancelled it; waits for retry, never automatic
  'needs-attention', // will not retry without a person (locked account, refused file...)
  'duplicate', // the same bytes were already uploaded (duplicate_of)
  'missing', // the source vanished before it was uploaded
] as const;

export type FileState = (typeof FILE_STATES)[number];

// from -> the states it may move to. Why the gaps:
// - completing cannot be paused or cancelled: the complete call may already have
//   assembled the file at BioT, so only its outcome (done/failed/...) or a crash
//   recovery (queued, to ask again) may follow.
// - uploading -> queued and completing -> queued exist for crash recovery only;
//   the verbs that use them are restricted further in lifecycle.ts.
// - uploading -> duplicate: the dedup check again right before a transfer
//   starts (twin files queued together), before any upload exists.
// - done, duplicate and missing are final: a reappearing source is a new row.
const ALLOWED: Readonly<Record<FileState, readonly FileState[]>> = {
  queued: ['uploading', 'paused', 'cancelled', 'duplicate', 'missing'],
  uploading: ['completing', 'done', 'failed', 'needs-attention', 'paused', 'cancelled', 'missing', 'queued', 'duplicate'],
  completing: ['done', 'failed', 'needs-attention', 'queued'],
  failed: ['uploading', 'queued', 'paused', 'cancelled', 'missing'],
  paused: ['queued', 'cancelled', 'missing'],
  cancelled: ['queued'],
  'needs-attention': ['queued', 'cancelled', 'missing'],
  done: [],
  duplicate: [],
  missing: [],
};

/** True when a row in `from` may move to `to`. */
export function canTransition(from: FileState, to: FileState): boolean {
  return ALLOWED[from].includes(to);
}

/** The allowed-transitions table, for documentation and the UI's enabled buttons. */
export function allowedTransitions(): Readonly<Record<FileState, readonly FileState[]>> {
  return ALLOWED;
}

/** Type guard for values read back from the database. */
export function isFileState(value: unknown): value is FileState {
  return typeof value === 'string' && (FILE_STATES as readonly string[]).includes(value);
}
