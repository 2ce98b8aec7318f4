// One claimed file's run, start to outcome: vet it (dedup may skip it or make
// it wait for a twin), transfer it (or reuse the upload BioT already holds),
// record its hash, run its folder's attach rule. It answers an outcome; what
// the outcome does to the row is the outcome policy's business.
import { stat } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import type { BiotClient } from '../biot/index.ts';
import type { FolderConfig } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import type { AttachTarget } from '../store/queue.ts';
import type { FileRow } from '../store/types.ts';
import { transferFile, type TransferSettings } from '../transfer/file-transfer.ts';
import { outcomeOf, type TransferOutcome } from '../transfer/outcome.ts';
import { stopReasonOf } from '../transfer/stop.ts';
import type { Throttle } from '../transfer/throttle.ts';
import { attachByRule, attachTargetOf, AttachTargetOccupied } from './attach.ts';
import type { DedupPort } from './dedup-policy.ts';
import type { OneAtATime } from './one-at-a-time.ts';
import { sha256CheckingRanges, sha256File } from '../common/hash-file.ts';
import { errorFacts } from '../common/error-facts.ts';
import { goesAsOnePut, sendUnits } from './lanes.ts';
import { storeLedger } from './ledger.ts';
import type { SendSlots } from './send-slots.ts';
import type { Logger } from '../common/logger.ts';
import type { SpeedMeter } from './speed-meter.ts';

export interface FileJobDeps {
  store: Store;
  biot: BiotClient;
  storage: Dispatcher;
  throttle: Throttle;
  settings: TransferSettings;
  folders: ReadonlyMap<string, FolderConfig>;
  log: Logger;
  /** Called whenever a row changed or bytes moved; the event pump throttles it. */
  changed: (fileId: number) => void;
  /** Dedup's questions (dedup-policy.ts): skip a duplicate, wait for a twin, hash before sending. Without it every row goes. */
  dedup?: DedupPort;
  /** The storage connections every file in flight shares (send-slots.ts, lanes.ts); without it files never wait for one. */
  sendSlots?: SendSlots;
  /** Attaches to one entity + attribute take turns across the whole engine (the scheduler makes one). */
  attachTurns?: OneAtATime;
  now?: () => number;
}

/** One file's run as the scheduler tracks it. */
export interface FileRun {
  row: FileRow;
  controller: AbortController;
  meter: SpeedMeter;
  /** Storage connections its transfer takes (lanes.ts): what the scheduler counts against the room. */
  units: number;
  /** Bytes that had their ETag when this run began (a resumed upload's earlier parts). */
  base: number;
  /** Bytes sent in this run, less those of attempts that failed and go again. */
  sent: number;
  done: Promise<void>;
}

/** The folder id of files queued by path (engine.enqueue) outside every configured folder. */
export const MANUAL_FOLDER = 'manual';

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

/**
 * Runs one file and answers its outcome, or undefined when vetting settled it
 * (a duplicate, a row a person moved meanwhile) and there is nothing to write.
 * `others` are the runs in flight, for the twin check.
 */
export async function runFileJob(deps: FileJobDeps, run: FileRun, others: () => Iterable<FileRun>): Promise<TransferOutcome | undefined> {
  if (!(await vetted(deps, run, others))) return undefined;
  const { row } = run;
  const folder = deps.folders.get(row.folderId);
  if (!folder && row.folderId !== MANUAL_FOLDER) return folderRemoved;
  // BioT already holds this file (an earlier run completed it, then its attach
  // failed or the app stopped before done): attach that file, never upload again.
  const completed = deps.store
    .uploadsFor(row.id)
    .filter((u) => u.state === 'completed')
    .at(-1);
  let outcome = completed ? { kind: 'done' as const, biotFileId: completed.biotFileId } : await transfer(deps, run, folder);
  // ENOENT for the whole folder (a share unmounted) is not a vanished file: try again later.
  if (outcome.kind === 'missing' && folder && !(await isDirectory(folder.path))) {
    outcome = { kind: 'retry', code: 'FOLDER_UNREACHABLE', message: 'its folder cannot be reached; will try again' };
  }
  if (outcome.kind === 'done') {
    await hashIfMissing(deps, row.id, row.sourcePath, outcome.sha256, run.controller.signal);
    outcome = await attach(deps, row, outcome, run.controller.signal);
  }
  return outcome;
}

async function transfer(deps: FileJobDeps, run: FileRun, folder: FolderConfig | undefined): Promise<TransferOutcome> {
  const { row } = run;
  const slots = deps.sendSlots;
  // Storage connections (lanes.ts): a file sent in parts holds its share for its whole transfer; a single PUT takes one for the PUT alone.
  const onePut = goesAsOnePut(row, deps.settings, folder);
  let release: (() => void) | undefined;
  if (slots && !onePut) {
    try {
      release = await slots.take(sendUnits(row, deps.settings, folder), run.controller.signal);
    } catch {
      return outcomeOf(run.controller.signal.reason); // stopped while waiting for its turn
    }
  }
  try {
    return await transferFile(
      {
        ledger: storeLedger(deps.store),
        api: deps.biot.files,
        dispatcher: deps.storage,
        throttle: deps.throttle,
        settings: deps.settings,
        log: ({ level, ...e }) => deps.log.log(level ?? (e.event === 'transfer-failed' ? 'warn' : 'info'), e.event, { ...e, event: undefined }),
        ...(deps.now && { now: deps.now }),
        holds: deps.biot.holds,
        ...(slots && onePut && { sendSlot: (signal: AbortSignal) => slots.take(1, signal) }),
      },
      {
        fileId: row.id,
        path: row.sourcePath,
        expected: { size: row.size, mtimeMs: row.mtimeMs },
        signal: run.controller.signal,
        ...(deps.dedup && { duplicateOf: (sha256: string) => deps.dedup?.duplicateOf(row, sha256) }),
        ...(folder?.growing && { growing: { quietMs: folder.quietSeconds * 1000 } }),
        // A source left in place needs no read-back of a single PUT (see TransferJob.readBackSingle).
        readBackSingle: folder?.afterUpload !== 'leave',
        onBytes: (delta) => {
          run.meter.add(delta);
          run.sent += delta;
          deps.changed(row.id);
        },
      },
    );
  } finally {
    release?.();
  }
}

// Waits only for twins with a smaller id, so two twins never wait for each other.
async function vetted(deps: FileJobDeps, run: FileRun, others: () => Iterable<FileRun>): Promise<boolean> {
  const { dedup } = deps;
  if (!dedup) return true;
  const signal = run.controller.signal;
  if (run.row.sha256 === null && dedup.hashBeforeSend(run.row)) await hashQueued(deps, run.row, signal);
  for (;;) {
    const row = deps.store.fileById(run.row.id);
    if (!row || row.state !== 'uploading' || signal.aborted) return false;
    const verdict = dedup.vet(row);
    if (verdict !== 'wait') return verdict === 'go';
    // A twin is the same bytes for the same target: the same export for another patient goes on its own.
    // One of the same size sent unhashed (its hash is taken while it is sent) may be a twin too.
    const target = JSON.stringify(targetOf(deps, row));
    const twin = [...others()].find(
      (a) =>
        a.row.id < row.id &&
        (a.row.sha256 === null || a.row.sha256 === row.sha256) &&
        a.row.size === row.size &&
        JSON.stringify(targetOf(deps, a.row)) === target,
    );
    if (!twin) return true;
    deps.log.log('info', 'transfer-waits-for-twin', { fileId: row.id, twinId: twin.row.id });
    await untilDoneOrAborted(twin.done, signal);
  }
}

function targetOf(deps: FileJobDeps, row: FileRow): AttachTarget | null {
  return attachTargetOf(deps.folders.get(row.folderId), row.relPath);
}

/**
 * Records the hash of the bytes BioT holds: the one thing a later move or
 * delete of the source is checked against (app/watch/source-content.ts), and
 * dedup's key. A transfer that read what it sent hashed it in that read
 * (`sent`), and that wins over a hash taken earlier from the same path (the
 * file was rewritten in between with the same size and mtime). Otherwise (a
 * resumed upload, a completed one reused) the file is read now and its hash
 * recorded only when every part's MD5 is still the one storage acknowledged:
 * then it is the hash of BioT's bytes; if not, none is recorded. The read
 * stops when the transfer is stopped.
 */
async function hashIfMissing(deps: FileJobDeps, fileId: number, path: string, sent: string | undefined, signal: AbortSignal): Promise<void> {
  const { store } = deps;
  const row = store.fileById(fileId);
  if (!row || (row.sha256 && (!sent || row.sha256 === sent))) return;
  try {
    if (sent) {
      if (row.sha256) deps.log.log('warn', 'hash-differs', { fileId });
      store.recordSentHash(fileId, sent);
      return;
    }
    const upload = store
      .uploadsFor(fileId)
      .filter((u) => u.state === 'completed')
      .at(-1);
    if (!upload) return;
    const { sha256, rangesMatch } = await sha256CheckingRanges(path, store.partsOf(upload.id), signal);
    if (rangesMatch) store.recordHash(fileId, sha256);
    else deps.log.log('warn', 'source-differs-from-sent', { fileId });
  } catch {
    // The upload is sound without it; a vanished or locked source must not undo it.
  }
}

/**
 * Hashes a queued row's file before it is sent, when its size and mtime are
 * still the queued ones before and after the read (otherwise the transfer
 * finds the change itself). A file that cannot be read now is left to the
 * transfer, which says why.
 */
async function hashQueued(deps: FileJobDeps, row: FileRow, signal: AbortSignal): Promise<void> {
  try {
    const sha256 = await hashWhileUnchanged(row.sourcePath, { size: row.size, mtimeMs: row.mtimeMs }, signal);
    if (!sha256) return;
    deps.store.recordHash(row.id, sha256);
    deps.log.log('info', 'hashed-before-send', { fileId: row.id });
  } catch (error) {
    if (signal.aborted) return;
    deps.log.log('warn', 'hash-before-send-failed', { fileId: row.id, ...errorFacts(error, 'fileJob.hashQueued') });
  }
}

/**
 * The file's SHA-256 when its size and mtime are `expected` both before and
 * after the read (so the hash is of those bytes); undefined when they are not.
 * Stat and read errors are thrown.
 */
async function hashWhileUnchanged(path: string, expected: { size: number; mtimeMs: number }, signal: AbortSignal): Promise<string | undefined> {
  const same = async () => {
    const now = await stat(path);
    return now.size === expected.size && Math.trunc(now.mtimeMs) === expected.mtimeMs;
  };
  if (!(await same())) return undefined;
  const sha256 = await sha256File(path, signal);
  return (await same()) ? sha256 : undefined;
}

/** Runs the folder's attach rule before the row is marked done: done means kept by BioT. */
async function attach(deps: FileJobDeps, row: FileRow, outcome: TransferOutcome & { kind: 'done' }, signal: AbortSignal): Promise<TransferOutcome> {
  const folder = deps.folders.get(row.folderId);
  if (!folder && row.folderId !== MANUAL_FOLDER) return folderRemoved; // removed while it was being sent
  const rule = folder?.attach;
  if (!rule) return outcome;
  try {
    const { entityId, genericEntityId } = await attachByRule(deps.biot.entities, rule, row.relPath, outcome.biotFileId, signal, deps.attachTurns);
    // The entity the path names is the row's target (dedup's key); a per-upload entity is logged by id.
    deps.store.recordAttached(row.id, { entityType: rule.entity, entityId });
    if (genericEntityId) deps.log.log('info', 'attached-per-upload', { fileId: row.id, genericEntityId });
    return outcome;
  } catch (error) {
    // Pause, cancel or shutdown: nobody's failure. The upload stays completed; the next run attaches it.
    const stop = stopReasonOf(signal);
    if (stop) return { kind: 'stopped', reason: stop };
    const code = (error as { code?: string }).code ?? 'ATTACH_FAILED';
    const retryable = (error as { retryable?: boolean }).retryable === true;
    const message =
      error instanceof AttachTargetOccupied
        ? `uploaded to BioT, but ${error.message} (${otherFile(deps.store, error.heldFileId)}): nothing was overwritten; clear it in BioT or give the folder a per-upload entity, then retry`
        : `uploaded to BioT, but attaching it failed (${code})`;
    return retryable ? { kind: 'retry', code, message } : { kind: 'needs-attention', code, message, locked: false };
  }
}

/** The file an attribute holds, as the queue window shows it (#id), with its BioT id; never by name. */
function otherFile(store: Store, biotFileId: string): string {
  const id = store.fileIdOfBiotFile(biotFileId);
  return id === undefined ? `BioT file ${biotFileId}` : `#${id}, BioT file ${biotFileId}`;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
