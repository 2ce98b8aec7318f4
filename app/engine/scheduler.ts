// Claims due rows up to the file concurrency, runs each one's transfer, and
// writes its outcome back as one state transition. Commands from people
// (pause, cancel) move the row first and then abort its transfer with a
// StopRequest, so a transfer's late outcome never overrides a person.
import { stat } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import type { BiotClient } from '../biot/index.ts';
import type { FolderConfig } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import type { AttachTarget } from '../store/queue.ts';
import type { FileRow } from '../store/types.ts';
import { backoffDelay } from '../transfer/backoff.ts';
import { transferFile, type TransferSettings } from '../transfer/file-transfer.ts';
import type { TransferOutcome } from '../transfer/outcome.ts';
import { StopRequest, stopReasonOf, type StopReason } from '../transfer/stop.ts';
import type { Throttle } from '../transfer/throttle.ts';
import { attachByRule, attachTargetOf, AttachTargetOccupied } from './attach.ts';
import { sha256File } from './hash-file.ts';
import { storeLedger } from './ledger.ts';
import type { Logger } from './logger.ts';
import { SpeedMeter } from './speed-meter.ts';

export interface SchedulerDeps {
  store: Store;
  biot: BiotClient;
  storage: Dispatcher;
  throttle: Throttle;
  settings: TransferSettings;
  parallelFiles: number;
  folders: ReadonlyMap<string, FolderConfig>;
  log: Logger;
  /** Called whenever a row changed or bytes moved; the event pump throttles it. */
  changed: (fileId: number) => void;
  /**
   * Called when signing in to BioT stopped for good: a lock-out (`locked`), or
   * credentials refused (wrong password or key, MFA). Nothing more is claimed
   * until release(); the rows that met a refused login go back to the queue.
   */
  signInStopped: (code: string, locked: boolean) => void;
  /** Every outcome, for the connection banner. */
  onOutcome?: (outcome: TransferOutcome) => void;
  /**
   * Asked right before a claimed row's transfer starts (app/watch/dedup.ts):
   * 'settled' skips it (it became a duplicate), 'wait' waits for an earlier
   * row with the same bytes in flight and asks again, 'go' sends it.
   */
  vet?: (row: FileRow) => 'go' | 'wait' | 'settled';
  /** The id of a done file with these bytes for the row's target, when dedup applies (asked once a transfer hashed what it sent). */
  duplicateOf?: (row: FileRow, sha256: string) => number | undefined;
  /** Called once a row is marked done: BioT holds it and its attach rule succeeded (post-upload actions). */
  onDone?: (row: FileRow) => void;
  now?: () => number;
}

interface Active {
  row: FileRow;
  controller: AbortController;
  meter: SpeedMeter;
  /** Bytes that had their ETag when this run began (a resumed upload's earlier parts). */
  base: number;
  /** Bytes sent in this run, less those of attempts that failed and go again. */
  sent: number;
  done: Promise<void>;
}

/** Retry delays for whole files: clinic internet can be down for hours, so keep trying, slowly. */
const fileBackoff = { baseMs: 2_000, maxMs: 10 * 60_000 };

/** The folder id of files queued by path (engine.enqueue) outside every configured folder. */
const MANUAL_FOLDER = 'manual';

/** A row whose folder left the config: without it there is no attach rule, and BioT drops unattached files. */
const folderRemoved: TransferOutcome = {
  kind: 'needs-attention',
  code: 'FOLDER_REMOVED',
  message: 'its folder was removed from the settings; add it back and retry, or cancel',
  locked: false,
};

/** Resolves when `work` settles or `signal` aborts, whichever is first, leaving no listener on the signal. */
export function untilDoneOrAborted(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const end = (): void => {
      signal.removeEventListener('abort', end);
      resolve();
    };
    signal.addEventListener('abort', end, { once: true });
    work.then(end, end);
  });
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #active = new Map<number, Active>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #held = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Starts claiming; checks for due retries every second. */
  start(): void {
    this.#running = true;
    this.#timer = setInterval(() => this.pump(), 1_000);
    this.pump();
  }

  /** Stops claiming (lock-out) until release(); running transfers go on. */
  hold(): void {
    this.#held = true;
  }

  release(): void {
    this.#held = false;
    this.pump();
  }

  /** Claims and starts as many due rows as there is room for. */
  pump(): void {
    if (!this.#running || this.#held) return;
    const room = this.#deps.parallelFiles - this.#active.size;
    if (room <= 0) return;
    // A file whose last run is still ending (a cancel waiting for BioT's answer)
    // stays queued until that run is gone: one file never has two runs.
    const running = new Set(this.#active.keys());
    for (const row of this.#deps.store.claimNext(room, this.#now(), running)) this.#start(row);
  }

  /** Speed and bytes done (including parts still in flight) of an active transfer, for the queue view. */
  progressOf(fileId: number): { speed: number; bytesDone: number } | undefined {
    const active = this.#active.get(fileId);
    return active && { speed: active.meter.rate(), bytesDone: active.base + active.sent };
  }

  activeIds(): number[] {
    return [...this.#active.keys()];
  }

  /** Aborts one file's transfer (after its row was moved by a command). */
  stop(fileId: number, reason: StopReason): Promise<void> {
    const active = this.#active.get(fileId);
    if (!active) return Promise.resolve();
    active.controller.abort(new StopRequest(reason));
    return active.done;
  }

  /** Stops claiming and aborts every transfer; uploads stay resumable. */
  async shutdown(): Promise<void> {
    this.#running = false;
    clearInterval(this.#timer);
    await Promise.all([...this.#active.keys()].map((id) => this.stop(id, 'shutdown')));
  }

  get busy(): boolean {
    return this.#active.size > 0;
  }

  #start(row: FileRow): void {
    const controller = new AbortController();
    const meter = new SpeedMeter(this.#deps.now);
    const active: Active = { row, controller, meter, base: row.bytesDone, sent: 0, done: Promise.resolve() };
    this.#active.set(row.id, active);
    this.#deps.log.log('info', 'transfer-start', { fileId: row.id, attempt: row.attempts + 1 });
    active.done = this.#run(active)
      .catch((error: unknown) => {
        // A bug, not a transfer failure (those come back as outcomes): keep the row retryable.
        this.#deps.log.log('error', 'scheduler-error', { fileId: row.id, error: error instanceof Error ? error.name : 'unknown' });
        this.#settle(row.id, { kind: 'retry', code: 'INTERNAL', message: 'internal error; will try again' });
      })
      .finally(() => {
        if (this.#active.get(row.id) === active) this.#active.delete(row.id);
        this.#deps.log.log('info', 'transfer-end', { fileId: row.id });
        this.#deps.changed(row.id);
        this.pump();
      });
  }

  async #run(active: Active): Promise<void> {
    if (!(await this.#vetted(active))) return;
    const { row } = active;
    const folder = this.#deps.folders.get(row.folderId);
    if (!folder && row.folderId !== MANUAL_FOLDER) return this.#settle(row.id, folderRemoved);
    // BioT already holds this file (an earlier run completed it, then its attach
    // failed or the app stopped before done): attach that file, never upload again.
    const completed = this.#deps.store.uploadsFor(row.id).filter((u) => u.state === 'completed').at(-1);
    let outcome = completed ? { kind: 'done' as const, biotFileId: completed.biotFileId } : await this.#transfer(active, folder);
    // ENOENT for the whole folder (a share unmounted) is not a vanished file: try again later.
    if (outcome.kind === 'missing' && folder && !(await isDirectory(folder.path))) {
      outcome = { kind: 'retry', code: 'FOLDER_UNREACHABLE', message: 'its folder cannot be reached; will try again' };
    }
    if (outcome.kind === 'done') {
      await this.#hashIfMissing(row.id, row.sourcePath, outcome.sha256, active.controller.signal);
      outcome = await this.#attach(row, outcome, active.controller.signal);
    }
    this.#settle(row.id, outcome);
  }

  #transfer(active: Active, folder: FolderConfig | undefined): Promise<TransferOutcome> {
    const { row } = active;
    return transferFile(
      {
        ledger: storeLedger(this.#deps.store),
        api: this.#deps.biot.files,
        dispatcher: this.#deps.storage,
        throttle: this.#deps.throttle,
        settings: this.#deps.settings,
        log: (e) => this.#deps.log.log(e.event === 'transfer-failed' ? 'warn' : 'info', e.event, { ...e, event: undefined }),
        ...(this.#deps.now && { now: this.#deps.now }),
      },
      {
        fileId: row.id,
        path: row.sourcePath,
        expected: { size: row.size, mtimeMs: row.mtimeMs },
        signal: active.controller.signal,
        ...(this.#deps.duplicateOf && { duplicateOf: (sha256: string) => this.#deps.duplicateOf?.(row, sha256) }),
        ...(folder?.growing && { growing: { quietMs: folder.quietSeconds * 1000 } }),
        onBytes: (delta) => {
          active.meter.add(delta);
          active.sent += delta;
          this.#deps.changed(row.id);
        },
      },
    );
  }

  // Waits only for twins with a smaller id, so two twins never wait for each other.
  async #vetted(active: Active): Promise<boolean> {
    const { vet } = this.#deps;
    if (!vet) return true;
    const signal = active.controller.signal;
    for (;;) {
      const row = this.#deps.store.fileById(active.row.id);
      if (!row || row.state !== 'uploading' || signal.aborted) return false;
      const verdict = vet(row);
      if (verdict !== 'wait') return verdict === 'go';
      // A twin is the same bytes for the same target: the same export for another patient goes on its own.
      // One of the same size sent unhashed (its hash is taken while it is sent) may be a twin too.
      const target = JSON.stringify(this.#targetOf(row));
      const twin = [...this.#active.values()].find(
        (a) => a.row.id < row.id && (a.row.sha256 === null || a.row.sha256 === row.sha256) && a.row.size === row.size
          && JSON.stringify(this.#targetOf(a.row)) === target,
      );
      if (!twin) return true;
      this.#deps.log.log('info', 'transfer-waits-for-twin', { fileId: row.id, twinId: twin.row.id });
      await untilDoneOrAborted(twin.done, signal);
    }
  }

  #targetOf(row: FileRow): AttachTarget | null {
    return attachTargetOf(this.#deps.folders.get(row.folderId), row.relPath);
  }

  /**
   * Files sent while still growing, or re-queued after a change, have no hash
   * yet: record it now, for the audit and for dedup of later exports. It must
   * be the hash of the bytes sent: a single upload computed it in the same
   * read that sent them (`sent`); otherwise the file is hashed only while its
   * size and mtime are still those of the completed upload, before and after
   * the read, and the read stops when the transfer is stopped.
   */
  async #hashIfMissing(fileId: number, path: string, sent: string | undefined, signal: AbortSignal): Promise<void> {
    const { store } = this.#deps;
    const row = store.fileById(fileId);
    if (!row || row.sha256) {
      if (row?.sha256 && sent && row.sha256 !== sent) this.#deps.log.log('warn', 'hash-differs', { fileId });
      return;
    }
    try {
      if (sent) {
        store.recordHash(fileId, sent);
        return;
      }
      const upload = store.uploadsFor(fileId).filter((u) => u.state === 'completed').at(-1);
      const same = async () => {
        const now = await stat(path);
        return upload !== undefined && now.size === upload.fileSize && Math.trunc(now.mtimeMs) === upload.fileMtimeMs;
      };
      if (!(await same())) return;
      const sha256 = await sha256File(path, signal);
      if (await same()) store.recordHash(fileId, sha256);
    } catch {
      // The upload is sound without it; a vanished or locked source must not undo it.
    }
  }

  /** Runs the folder's attach rule before the row is marked done: done means kept by BioT. */
  async #attach(row: FileRow, outcome: TransferOutcome & { kind: 'done' }, signal: AbortSignal): Promise<TransferOutcome> {
    const folder = this.#deps.folders.get(row.folderId);
    if (!folder && row.folderId !== MANUAL_FOLDER) return folderRemoved; // removed while it was being sent
    const rule = folder?.attach;
    if (!rule) return outcome;
    try {
      const { entityId, genericEntityId } = await attachByRule(this.#deps.biot.entities, rule, row.relPath, outcome.biotFileId, signal);
      // The entity the path names is the row's target (dedup's key); a per-upload entity is logged by id.
      this.#deps.store.recordAttached(row.id, { entityType: rule.entity, entityId });
      if (genericEntityId) this.#deps.log.log('info', 'attached-per-upload', { fileId: row.id, genericEntityId });
      return outcome;
    } catch (error) {
      // Pause, cancel or shutdown: nobody's failure. The upload stays completed; the next run attaches it.
      const stop = stopReasonOf(signal);
      if (stop) return { kind: 'stopped', reason: stop };
      const code = (error as { code?: string }).code ?? 'ATTACH_FAILED';
      const retryable = (error as { retryable?: boolean }).retryable === true;
      const message = error instanceof AttachTargetOccupied
        ? `uploaded to BioT, but ${error.message}: nothing was overwritten; clear it in BioT or give the folder a per-upload entity, then retry`
        : `uploaded to BioT, but attaching it failed (${code})`;
      return retryable ? { kind: 'retry', code, message } : { kind: 'needs-attention', code, message, locked: false };
    }
  }

  /** Writes an outcome to the row, unless a person's command already moved it. */
  #settle(fileId: number, outcome: TransferOutcome): void {
    const { store, log } = this.#deps;
    this.#deps.onOutcome?.(outcome);
    const row = store.fileById(fileId);
    if (!row || (row.state !== 'uploading' && row.state !== 'completing')) return;
    if ((outcome.kind === 'retry' || outcome.kind === 'needs-attention') && this.#signInStopped(row, outcome)) return;
    switch (outcome.kind) {
      case 'done':
        this.#deps.onDone?.(store.markDone(fileId, {
          biotFileId: outcome.biotFileId,
          traceId: outcome.traceId ?? null,
          // What happens to the source is decided now, with the folder as it is set now.
          afterUpload: this.#deps.folders.get(row.folderId)?.afterUpload ?? 'leave',
        }));
        log.log('info', 'file-done', { fileId, biotFileId: outcome.biotFileId });
        break;
      case 'retry':
        store.markFailed(fileId, {
          error: outcome.message,
          code: outcome.code,
          retryAt: this.#now() + backoffDelay(row.attempts + 1, fileBackoff),
          traceId: outcome.traceId ?? null,
        });
        break;
      case 'needs-attention':
        store.markNeedsAttention(fileId, { error: outcome.message, code: outcome.code, traceId: outcome.traceId ?? null });
        if (outcome.locked) this.#deps.signInStopped(outcome.code, true);
        break;
      case 'missing':
        store.markMissing(fileId);
        log.log('warn', 'file-missing', { fileId });
        break;
      case 'duplicate':
        // Its BioT upload was cancelled, not completed: the row points at the file that holds these bytes.
        store.recordHash(fileId, outcome.sha256);
        store.markDuplicate(fileId, outcome.of);
        log.log('info', 'duplicate', { fileId, duplicateOf: outcome.of });
        break;
      case 'source-changed':
        store.requeueChanged(fileId, { size: outcome.size, mtimeMs: outcome.mtimeMs });
        log.log('info', 'file-changed', { fileId });
        break;
      case 'stopped':
        // Pause and cancel already moved the row; shutdown leaves it for recoverAtStartup.
        break;
    }
  }

  /**
   * Signing in was refused for good (wrong password or key: the token source
   * stopped, see TokenSource.lockedBy) and this row failed meanwhile: it did
   * nothing wrong, so it goes back to the queue and the scheduler holds, rather
   * than every claimed file landing in needs-attention. A lock-out keeps its
   * own path (needs-attention, locked) in the switch.
   */
  #signInStopped(row: FileRow, outcome: TransferOutcome & { kind: 'retry' | 'needs-attention' }): boolean {
    const stop = this.#deps.biot.tokens.lockedBy;
    if (!stop || stop.locked) return false;
    this.#deps.store.holdForSignIn(row.id, { error: outcome.message, code: outcome.code, traceId: outcome.traceId ?? null });
    this.#deps.signInStopped(stop.code, false);
    return true;
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
