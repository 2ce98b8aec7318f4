// The one contract between the engine and any UI (Electron preload, the web
// bridge, the CLI). Types only: main, preload, the control server and the
// renderer all derive from this file, so a mismatch is a compile error.
import type { HistoryEntry } from './store/history.ts';
import type { FileState } from './store/states.ts';

export type { FileState };

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

export interface Snapshot {
  at: number;
  totals: Totals;
  connection: ConnectionStatus;
  folders: FolderStatus[];
  /** The rows the query asked for, newest first. */
  rows: QueueRow[];
  /** How many rows match the query in all (for a virtual list's height). */
  matching: number;
}

/** A command's target: one file or every file it applies to. */
export type Target = { fileId: number } | { all: true };

/** Pushed to UIs a few times a second at most, never per chunk. */
export type EngineEvent =
  | { type: 'progress'; at: number; totals: Totals; rows: Pick<QueueRow, 'id' | 'state' | 'bytesDone' | 'speed' | 'etaSeconds'>[] }
  | { type: 'changed'; at: number; fileIds: number[] }
  | { type: 'connection'; at: number; connection: ConnectionStatus };

export interface HistoryQuery {
  search?: string;
  limit?: number;
  offset?: number;
}

/** One finished file (uploaded, or recognised as a duplicate of an upload); the store's own row shape. */
export type HistoryRow = HistoryEntry;

export interface HistoryPage {
  rows: HistoryRow[];
  matching: number;
}

/** One watched folder's options, as Settings edits them (same keys as the config file). */
export interface FolderSettings {
  id: string;
  path: string;
  include: string[];
  exclude: string[];
  recursive: boolean;
  quietSeconds: number;
  afterUpload: 'leave' | 'move' | 'delete';
  archiveDir?: string | undefined;
  ignoreTemporary: boolean;
  duplicates: 'skip' | 'upload';
  /** Upload while the device is still writing (completes quietSeconds after the last write). */
  growing: boolean;
}

export interface TransferLimits {
  partSizeMiB: number;
  parallelParts: number;
  parallelFiles: number;
  /** 0 = unlimited. */
  maxBytesPerSecond: number;
  stallSeconds: number;
  requestTimeoutSeconds: number;
}

/** What Settings shows. Secrets are write-only: only whether one is set comes back. */
export interface SettingsView {
  server: {
    baseUrl: string;
    auth: { type: 'user'; username: string; hasSecret: boolean } | { type: 'service'; id: string; hasSecret: boolean };
  };
  folders: FolderSettings[];
  transfer: TransferLimits;
}

/** What Settings saves. An empty or absent secret keeps the one already stored. */
export interface SettingsInput {
  server: {
    baseUrl: string;
    auth: { type: 'user'; username: string; password?: string } | { type: 'service'; id: string; secretKey?: string };
  };
  folders: FolderSettings[];
  transfer: TransferLimits;
}

/** `field` is the config key in error, e.g. "folders[0].path". */
export interface FieldError {
  field: string;
  message: string;
}

/** On success, `restartNeeded` lists the keys that apply only after a restart (the BioT login, part size, pools). */
export type SaveResult = { ok: true; restartNeeded: string[] } | { ok: false; errors: FieldError[] };

/** What every UI host implements (window.uploader in the renderer). */
export interface UploaderApi {
  snapshot(query?: QueueQuery): Promise<Snapshot>;
  pause(target: Target): Promise<number>;
  resume(target: Target): Promise<number>;
  cancel(target: Target): Promise<number>;
  retry(target: Target): Promise<number>;
  /** Finished files, newest first. */
  history(query?: HistoryQuery): Promise<HistoryPage>;
  settings(): Promise<SettingsView>;
  /** Validates, writes the config file and applies it to the running engine. */
  saveSettings(input: SettingsInput): Promise<SaveResult>;
  /** Subscribes to the throttled event stream; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}
