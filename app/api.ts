// The one contract between the engine and any UI (Electron preload, the web
// bridge, the CLI). Types only: main, preload, the control server and the
// renderer all derive from this file, so a mismatch is a compile error.
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
  state: 'ok' | 'unreachable' | 'credentials-refused' | 'locked' | 'unknown';
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

export interface Snapshot {
  at: number;
  totals: Totals;
  connection: ConnectionStatus;
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

/** What every UI host implements (window.uploader in the renderer). */
export interface UploaderApi {
  snapshot(query?: QueueQuery): Promise<Snapshot>;
  pause(target: Target): Promise<number>;
  resume(target: Target): Promise<number>;
  cancel(target: Target): Promise<number>;
  retry(target: Target): Promise<number>;
  /** Subscribes to the throttled event stream; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}
