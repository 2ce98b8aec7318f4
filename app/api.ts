// The one contract between the engine and any UI (Electron preload, the web
// bridge, the CLI). Types only: main, preload, the control server and the
// renderer all derive from this file, so a mismatch is a compile error.
// It owns its shapes: the store's row types are checked equal to these at
// compile time (app/api-schemas.ts), never re-exported from here.

import type { ConnectionTest, SaveResult, SettingsInput, SettingsView } from './api-settings.ts';

// Settings' half of the contract lives beside this file; every UI imports it from here.
export type * from './api-settings.ts';

/** Every state a file can be in, as every UI shows it (the store's list is checked equal). */
export type FileState =
  'queued' | 'uploading' | 'completing' | 'done' | 'failed' | 'paused' | 'cancelled' | 'needs-attention' | 'duplicate' | 'missing';

/** One file as a UI shows it. Names and paths are for the screen only, never for logs. */
export interface QueueRow {
  id: number;
  folderId: string;
  /** Path relative to its watched folder (the export's name as staff know it). */
  relPath: string;
  size: number;
  state: FileState;
  bytesDone: number;
  /** Bytes per second over the last few seconds; 0 when not moving. */
  speed: number;
  /** Seconds until done at the current speed; null when unknown. */
  etaSeconds: number | null;
  /** Plain words for staff; null when all is well. */
  error: string | null;
  errorCode: string | null;
  attempts: number;
  biotFileId: string | null;
  duplicateOf: number | null;
  updatedAt: number;
  completedAt: number | null;
}

export type StateCounts = Record<FileState, number>;

/** What the engine knows about its link to BioT, for the connection banner. */
export interface ConnectionStatus {
  /** 'data-folder-unwritable': the queue cannot be written (disk full, read-only); uploads are held until it can. */
  state: 'ok' | 'unreachable' | 'credentials-refused' | 'locked' | 'data-folder-unwritable' | 'unknown';
  /** What staff should do about it, in plain words; null when ok. */
  advice: string | null;
  /**
   * Why BioT is unreachable, when known: TLS_UNTRUSTED (a certificate on the
   * way is not trusted: a TLS-inspecting proxy), TLS_HOSTNAME, PROXY_AUTH,
   * PROXY_REFUSED, PROXY_UNREACHABLE, DNS, or NETWORK (the rest).
   */
  code?: string | null;
  since: number;
}

export interface Totals {
  counts: StateCounts;
  doneToday: number;
  /** Bytes per second over all transfers. */
  speed: number;
  bytesRemaining: number;
  etaSeconds: number | null;
}

export interface QueueQuery {
  states?: FileState[];
  search?: string;
  limit?: number;
  offset?: number;
}

/** A watched folder as the banner shows it: a missing one uploads nothing until it is back. */
export interface FolderStatus {
  id: string;
  /** For the screen only, never for logs. */
  path: string;
  state: 'ok' | 'missing' | 'not-a-folder';
}

/** Whether the engine's log lines reach their files: a full or read-only disk stops the logs, never the uploads. */
export interface LogStatus {
  state: 'ok' | 'failing';
  /** The system's error code while failing (ENOSPC, EROFS, EACCES...); null when ok. */
  code: string | null;
  /** Lines lost since the engine started (while failing, lines are held in memory up to a limit, then dropped). */
  dropped: number;
  since: number;
}

/** What holds uploads back on purpose: the bandwidth timetable, and a timed pause. */
export interface Limits {
  bandwidth: {
    /** The limit in force now (0 = none). */
    maxBytesPerSecond: number;
    /** When it next changes (epoch ms); null: it does not. */
    until: number | null;
    /** The limit from `until` on. */
    then: number;
    /** A window of transfer.schedule is in force (not the plain limit). */
    scheduled: boolean;
  };
  /** "Pause for 1 hour" / "Pause until tomorrow": when uploads go on by themselves (epoch ms); null when not paused so. */
  pausedUntil: number | null;
}

/** A timed pause of every upload: an hour from now, or until the next local midnight. */
export type PauseFor = 'hour' | 'tomorrow';

/** Pause's target: one file, all files, or all files for a while (they resume by themselves). */
export type PauseTarget = Target | { all: true; for: PauseFor };

export interface Snapshot {
  at: number;
  /** The bandwidth timetable and a timed pause (absent from hosts that have neither). */
  limits?: Limits;
  totals: Totals;
  connection: ConnectionStatus;
  folders: FolderStatus[];
  logs: LogStatus;
  /** The rows the query asked for, newest first. */
  rows: QueueRow[];
  /** How many rows match the query in all (for a virtual list's height). */
  matching: number;
  /**
   * Uploads that a stop (quit, crash, power cut) interrupted and this run took
   * up again from the parts BioT already had, and when this run started (a UI
   * says it once per run); absent when there were none.
   */
  resumed?: { count: number; since: number };
}

/** A command's target: one file or every file it applies to. */
export type Target = { fileId: number } | { all: true };

/** An event as the engine builds it, before the event stream numbers it. */
export type EngineEventBody =
  | { type: 'progress'; at: number; totals: Totals; rows: Pick<QueueRow, 'id' | 'state' | 'bytesDone' | 'speed' | 'etaSeconds'>[] }
  | { type: 'changed'; at: number; fileIds: number[] }
  | { type: 'connection'; at: number; connection: ConnectionStatus }
  /** A watched folder went missing or came back (every folder's state). */
  | { type: 'folders'; at: number; folders: FolderStatus[] }
  /** The bandwidth limit or a timed pause began, changed or ended. */
  | { type: 'limits'; at: number; limits: Limits };

/**
 * Pushed to UIs a few times a second at most, never per chunk. `seq` counts
 * up by one per event of one engine run: a UI that sees a gap (a dropped
 * stream, a restarted engine) asks for a fresh snapshot instead of polling.
 */
export type EngineEvent = EngineEventBody & { seq: number };

export interface HistoryQuery {
  search?: string;
  limit?: number;
  offset?: number;
}

/** One finished file (uploaded, or recognised as a duplicate of an upload). */
export interface HistoryRow {
  id: number;
  folderId: string;
  relPath: string;
  size: number;
  state: 'done' | 'duplicate';
  /** When it finished (epoch ms). */
  at: number;
  /** The BioT file holding the bytes (the original's, for a duplicate). */
  biotFileId: string | null;
  entityType: string | null;
  entityId: string | null;
  /** For a duplicate: the queue id of the file that was uploaded. */
  duplicateOf: number | null;
  /** What reading BioT's object back proved (the original's, for a duplicate); null: never checked. */
  verification: 'verified' | 'not-checkable' | 'mismatch' | null;
  /** Why it is not verified (OPAQUE_ETAG, DOWNLOAD_LINK_...); null when verified. */
  verificationReason: string | null;
  /** What the post-upload action did, and why not when it was skipped (e.g. UNVERIFIED). */
  postAction: 'moved' | 'deleted' | 'failed' | 'skipped' | null;
  postActionError: string | null;
}

export interface HistoryPage {
  rows: HistoryRow[];
  matching: number;
}

/**
 * Why a call failed, as it crosses a process or network boundary (never an
 * exception's class name): `bad-payload` the argument was refused, `stale`
 * the file moved on meanwhile (refresh the list), `refused` the caller is not
 * allowed, `engine-stopped` the engine is not running (starting, restarting,
 * or stopped), `engine-error` anything else.
 */
export type ApiErrorCode = 'bad-payload' | 'stale' | 'refused' | 'engine-stopped' | 'engine-error';

/** What every UI host implements (window.uploader in the renderer). */
export interface UploaderApi {
  snapshot(query?: QueueQuery): Promise<Snapshot>;
  /** With `for`, every upload pauses until then and resumes by itself (Resume all ends it early). */
  pause(target: PauseTarget): Promise<number>;
  resume(target: Target): Promise<number>;
  cancel(target: Target): Promise<number>;
  retry(target: Target): Promise<number>;
  /** Finished files, newest first. */
  history(query?: HistoryQuery): Promise<HistoryPage>;
  settings(): Promise<SettingsView>;
  /** Validates, writes the config file and applies it to the running engine. */
  saveSettings(input: SettingsInput): Promise<SaveResult>;
  /** Walks the path to BioT (DNS, TCP, TLS, login, one storage round trip) and says where it breaks. */
  testConnection(): Promise<ConnectionTest>;
  /** Subscribes to the throttled event stream; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}
