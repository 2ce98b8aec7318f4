// The IO shell around the stability tracker: for each candidate path it stats
// on a timer, asks the tracker, checks that the file opens, and hands stable
// files on, a few at a time. A locked or unreadable file gets its own backoff
// timer; nothing here waits on one file while others are ready.
import { stat } from 'node:fs/promises';
import type { Logger } from '../common/logger.ts';
import type { Clock } from './clock.ts';
import { lockRetryDelay, type OpenCheck } from './open-check.ts';
import { StabilityTracker } from './stability.ts';
import { errorFacts } from '../common/error-facts.ts';

/** A finished file, as handed to the engine's intake. */
export interface StableFile {
  folderId: string;
  path: string;
  relPath: string;
  size: number;
  mtimeMs: number;
}

/** The engine's intake (hash, dedup, enqueue); false means "could not take it now, try later". */
export type Hand = (file: StableFile) => Promise<boolean>;

export interface SettlerDeps {
  hand: Hand;
  openCheck: OpenCheck;
  clock: Clock;
  log: Logger;
  /** Files hashed and queued at once (each is a streamed read of the whole file). */
  concurrency?: number;
}

interface Entry {
  folderId: string;
  path: string;
  relPath: string;
  quietMs: number;
  timer: unknown;
  /** Looks in a row that found it locked or unreadable. */
  failures: number;
  handing: boolean;
  /** Touched while being handed: look again afterwards. */
  dirty: boolean;
  /** The size and mtime found stable, handed on with the file. */
  version: { size: number; mtimeMs: number };
}

/** Shortest wait between two looks at a changing file (with quietSeconds 0 there would be none). */
const MIN_LOOK_MS = 200;

export class Settler {
  readonly #deps: SettlerDeps;
  readonly #tracker = new StabilityTracker();
  readonly #entries = new Map<string, Entry>();
  readonly #ready: Entry[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(deps: SettlerDeps) {
    this.#deps = deps;
  }

  /** Something happened at `path` (event or scan): make sure it gets looked at. */
  touch(folderId: string, quietMs: number, path: string, relPath: string): void {
    if (this.#closed) return;
    const entry = this.#entries.get(path);
    if (entry) {
      if (entry.handing) entry.dirty = true;
      return; // its timer is set; the next look sees the change
    }
    const fresh: Entry = { folderId, path, relPath, quietMs, timer: undefined, failures: 0, handing: false, dirty: false, version: { size: 0, mtimeMs: 0 } };
    this.#entries.set(path, fresh);
    this.#schedule(fresh, 0);
  }

  /** The path is gone (unlink): stop looking at it. */
  forget(path: string): void {
    const entry = this.#entries.get(path);
    if (entry && !entry.handing) this.#drop(entry);
  }

  /** Paths being watched for stability or being handed on. */
  get pending(): number {
    return this.#entries.size;
  }

  /** Cancels every timer and waits for hands in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#entries.values()) this.#deps.clock.clearTimeout(entry.timer);
    this.#ready.length = 0;
    await Promise.allSettled([...this.#inFlight]);
    this.#entries.clear();
  }

  #schedule(entry: Entry, ms: number): void {
    if (this.#closed) return;
    this.#deps.clock.clearTimeout(entry.timer);
    entry.timer = this.#deps.clock.setTimeout(() => void this.#look(entry), ms);
  }

  #drop(entry: Entry): void {
    this.#deps.clock.clearTimeout(entry.timer);
    this.#entries.delete(entry.path);
    this.#tracker.forget(entry.path);
  }

  async #look(entry: Entry): Promise<void> {
    entry.timer = undefined;
    if (this.#closed || this.#entries.get(entry.path) !== entry) return;
    let s;
    try {
      s = await stat(entry.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.#drop(entry);
      return this.#backOff(entry, 'watch-unreadable', error);
    }
    if (!s.isFile()) return this.#drop(entry);
    const now = this.#deps.clock.now();
    const a = this.#tracker.observe(entry.path, { size: s.size, mtimeMs: Math.trunc(s.mtimeMs), now }, entry.quietMs);
    if (a.verdict !== 'stable') return this.#schedule(entry, Math.max(MIN_LOOK_MS, a.dueAt - now));
    const opened = await this.#deps.openCheck(entry.path);
    if (this.#closed) return;
    if (opened === 'missing') return this.#drop(entry);
    if (opened !== 'ok') return this.#backOff(entry, opened === 'locked' ? 'watch-locked' : 'watch-unreadable');
    entry.failures = 0;
    entry.version = { size: s.size, mtimeMs: Math.trunc(s.mtimeMs) };
    this.#ready.push(entry);
    this.#drain();
  }

  #backOff(entry: Entry, event: string, error?: unknown): void {
    entry.failures += 1;
    const delay = lockRetryDelay(entry.failures);
    // Once, then at powers of two: a file locked for a day must not flood the log.
    if ((entry.failures & (entry.failures - 1)) === 0) {
      this.#deps.log.log('info', event, { folderId: entry.folderId, attempt: entry.failures, retryMs: delay, code: (error as NodeJS.ErrnoException | undefined)?.code });
    }
    this.#schedule(entry, delay);
  }

  // Runs `concurrency` hands at a time, in the order files became ready.
  #drain(): void {
    const limit = this.#deps.concurrency ?? 4;
    while (!this.#closed && this.#inFlight.size < limit && this.#ready.length > 0) {
      const next = this.#ready.shift()!;
      const run = this.#handOne(next).finally(() => {
        this.#inFlight.delete(run);
        this.#drain();
      });
      this.#inFlight.add(run);
    }
  }

  async #handOne(entry: Entry): Promise<void> {
    if (this.#entries.get(entry.path) !== entry) return; // forgotten (unlinked) while waiting its turn
    entry.handing = true;
    let ok = false;
    try {
      ok = await this.#deps.hand({ folderId: entry.folderId, path: entry.path, relPath: entry.relPath, ...entry.version });
    } catch (error) {
      this.#deps.log.log('warn', 'watch-hand-failed', { folderId: entry.folderId, ...errorFacts(error, 'watch.hand') });
    }
    entry.handing = false;
    if (this.#closed) return;
    if (!ok) return this.#backOff(entry, 'watch-retry');
    if (entry.dirty) {
      entry.dirty = false;
      return this.#schedule(entry, MIN_LOOK_MS); // changed while hashing: the tracker sees a new version
    }
    this.#drop(entry);
  }
}
