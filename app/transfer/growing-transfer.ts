// A file still being written (BioT's "unknown final size"): parts are sent as
// soon as the file holds them, more links are asked for as it grows, and the
// upload completes once size and mtime held still for the quiet period, so a
// long recording is in BioT seconds after the device finishes, not minutes.
// A file that shrinks, or whose head was rewritten, starts again from scratch.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { PartRow, UploadRow } from '../store/types.ts';
import { LinkBook } from './link-book.ts';
import type { TransferOutcome } from './outcome.ts';
import { MAX_PARTS, partSizeFor, type PlannedPart } from './part-plan.ts';
import { GrowingHash } from './growing-hash.ts';
import { sleep } from './sleep.ts';
import type { TransferDeps, TransferJob } from './transfer-types.ts';
import { isUploadGone, restartFrom, SourceNotAFile } from './upload-end.ts';
import { changedOutcome, complete, createUpload, UploadSender } from './upload-steps.ts';

const GiB = 1024 ** 3;
/** The part size is fixed before the final size is known: large enough for 64 GiB in 10,000 parts. */
const assumedMaxSize = 64 * GiB;

interface Observation {
  size: number;
  mtimeMs: number;
  /** When size or mtime last changed (local clock). */
  changedAt: number;
}

/** Runs a growing file's upload until it completes; same contract as the plain run. */
export async function transferGrowing(
  deps: TransferDeps,
  job: TransferJob,
  started: (upload: UploadRow) => void,
): Promise<TransferOutcome | 'restart'> {
  const growing = job.growing ?? { quietMs: 2_000 };
  // The quiet period is a duration: on the monotonic clock, so a PC clock stepped
  // forward mid-recording does not end it early (a truncated file marked done).
  const now = () => performance.now();
  const links = new LinkBook(deps.now);
  let seen = await observe(job.path, undefined, now);
  let upload = deps.ledger.currentUpload(job.fileId);
  if (!upload) {
    const partSize = partSizeFor(Math.max(seen.size, assumedMaxSize), deps.settings.partSize);
    upload = await createUpload(deps, job, links, { partSize, partCount: MAX_PARTS, plan: [], fileSize: seen.size, fileMtimeMs: seen.mtimeMs });
  }
  started(upload);
  const current = upload;
  const sender = new UploadSender(deps, job, current, links);
  // SHA-256 while it grows, so none is left to take after the last write.
  const hash = new GrowingHash(job.path);
  let parts = deps.ledger.parts(current.id);
  // What the ledger last heard: each noteGrowth is a commit, so only changes are written.
  let noted: Observation | undefined;
  try {
    for (;;) {
      job.signal.throwIfAborted();
      seen = await observe(job.path, seen, now);
      const plannedEnd = endOf(parts);
      // Less than we already planned, or a short "last" part that is no longer last: rewritten.
      if (seen.size < plannedEnd || (hasShortPart(parts, current.partSize) && seen.size > plannedEnd)) {
        return changedOutcome(deps, job, current);
      }
      if (seen !== noted) {
        deps.ledger.noteGrowth(job.fileId, seen.size, seen.mtimeMs);
        noted = seen;
      }
      const settled = now() - seen.changedAt >= growing.quietMs;
      const fresh = nextParts(parts, current.partSize, seen.size, settled);
      if (fresh.length > 0) {
        deps.ledger.planParts(current.id, fresh);
        parts = deps.ledger.parts(current.id);
      }
      const unsent = parts.filter((p) => !p.etag);
      if (unsent.length > 0) {
        await sender.send(unsent);
        parts = deps.ledger.parts(current.id); // now with their ETags
        await hash.advance(parts);
      } else if (settled && endOf(parts) === seen.size && parts.length > 0) break;
      else await sleep(growing.pollMs ?? 200, job.signal);
    }
    if (!(await headUnchanged(job.path, parts[0]!))) return changedOutcome(deps, job, current);
    await sender.flush();
    const finalUpload = deps.ledger.finalizeUpload(current.id, { partCount: parts.length, fileSize: seen.size, fileMtimeMs: seen.mtimeMs });
    deps.log?.({ event: 'growth-ended', fileId: job.fileId, uploadId: current.id });
    await hash.advance(parts);
    const sha256 = hash.digest(parts);
    const outcome = await complete(deps, job, finalUpload);
    return sha256 && outcome !== 'restart' && outcome.kind === 'done' ? { ...outcome, sha256 } : outcome;
  } catch (error) {
    if (isUploadGone(error)) return restartFrom(deps, job, current, error);
    throw error;
  }
}

async function observe(path: string, previous: Observation | undefined, now: () => number): Promise<Observation> {
  const s = await stat(path);
  if (!s.isFile()) throw new SourceNotAFile();
  const mtimeMs = Math.trunc(s.mtimeMs);
  if (previous && previous.size === s.size && previous.mtimeMs === mtimeMs) return previous;
  // Quiet time is measured on the local clock only, from when we first saw the
  // file: its mtime comes from whoever wrote it (a share with a skewed clock
  // would look settled at once). A file found long after its last write waits
  // one quiet period.
  return { size: s.size, mtimeMs, changedAt: now() };
}

/** The parts the file now holds beyond those planned: whole parts, and the short last one once settled. */
export function nextParts(planned: readonly PartRow[], partSize: number, size: number, settled: boolean): PlannedPart[] {
  const fresh: PlannedPart[] = [];
  let offset = endOf(planned);
  let number = planned.length + 1;
  while (size - offset >= partSize && number <= MAX_PARTS) {
    fresh.push({ partNumber: number++, offset, size: partSize });
    offset += partSize;
  }
  if (settled && (size > offset || (size === 0 && number === 1))) fresh.push({ partNumber: number, offset, size: size - offset });
  return fresh;
}

function endOf(parts: readonly Pick<PartRow, 'offset' | 'size'>[]): number {
  return parts.reduce((end, p) => Math.max(end, p.offset + p.size), 0);
}

function hasShortPart(parts: readonly PartRow[], partSize: number): boolean {
  return parts.some((p) => p.size < partSize);
}

/** Re-reads the first part: a device that rewrote the file in place changed its head. */
async function headUnchanged(path: string, first: PartRow): Promise<boolean> {
  if (!first.md5 || first.size === 0) return true;
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { start: first.offset, end: first.offset + first.size - 1 })) hash.update(chunk as Buffer);
  return hash.digest('hex') === first.md5;
}
