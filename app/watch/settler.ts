// The IO shell around the stability tracker: for each candidate path it stats
// when due, asks the tracker, checks that the file opens, and hands stable
// files on, a few at a time. A locked or unreadable file gets its own backoff;
// nothing here waits on one file while others are ready.
//
// Scale (issue 12): 100,000 files dropped at once must not mean 100,000 timers,
// 100,000 stats and opens queued on libuv at once, nor 4 files hashed and
// committed at a time. So: one timer wheel (due-heap.ts) for every path, a
// bounded number of looks (stat + open) in flight, and small files handed on
// many at a time (their hash is one short read; the intake commits them in
// batches).
import { stat } from 'node:fs/promises';
import type { Logger } from '../common/logger.ts';
import type { Clock } from './clock.ts';
import { lockRetryDelay, type OpenCheck } from './open-check.ts';
import { DueHeap } from './due-heap.ts';
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

/** A file this small is hashed in one short read: it takes no hashing slot, only one of SMALL_IN_FLIGHT. */
export const SMALL_FILE_BYTES = 256 * 1024;
/** Small files handed on at once: enough for the intake to commit them in batches. */
const SMALL_IN_FLIGHT = 128;
/** Stats and open checks in flight at once: enough to keep a disk busy, few enough to hold little memory. */
const LOOKS_IN_FLIGHT = 32;

interface Entry {
  folderId: string;
  path: string;
  relPath: string;
  quietMs: number;
  /** Which schedule of this entry is current: an older slot in the wheel or due list is stale. */
  ticket: number;
  /** Looks in a row that found it locked or unreadable. */
  failures: number;
  handing: boolean;
  /** Touched while being handed: look again afterwards. */
  dirty: boolean;
  /** The size and mtime found stable, handed on with the file (fields, not an object: 100,000 entries can wait at once). */
  size: number;
  mtimeMs: number;
}

/** Shortest wait between two looks at a changing file (with quietSeconds 0 there would be none). */
const MIN_LOOK_MS = 200;

export class Settler {
  readonly #deps: SettlerDeps;
  readonly #tracker = new StabilityTracker();
  readonly #entries = new Map<string, Entry>();
  readonly #wheel = new DueHeap<Entry>();
  /** Entries whose look is due, in order, and the ticket each was due under (two arrays: no object per schedule). */
  #due: Entry[] = [];
  #dueTickets: number[] = [];
  #dueHead = 0;
  #looking = 0;
  #timer: unknown;
  #timerAt = Infinity;
  readonly #ready: Entry[] = [];
  #readyHead = 0;
  readonly #inFlight = new Set<Promise<void>>();
  /** Hands in flight of files bigger than SMALL_FILE_BYTES (limited by `concurrency`). */
  #bigInFlight = 0;
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
      return; // its next look is scheduled and sees the change
    }
    const fresh: Entry = { folderId, path, relPath, quietMs, ticket: 0, failures: 0, handing: false, dirty: false, size: 0, mtimeMs: 0 };
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
    this.#deps.clock.clearTimeout(this.#timer);
    this.#wheel.clear();
    this.#due = [];
    this.#dueTickets = [];
    this.#dueHead = 0;
    this.#ready.length = 0;
    this.#readyHead = 0;
    await Promise.allSettled([...this.#inFlight]);
    this.#entries.clear();
  }

  #schedule(entry: Entry, ms: number): void {
    if (this.#closed) return;
    const ticket = ++entry.ticket;
    if (ms <= 0) {
      this.#due.push(entry);
      this.#dueTickets.push(ticket);
      return this.#pumpLooks();
    }
    const at = this.#deps.clock.now() + ms;
    this.#wheel.push(at, entry, ticket);
    if (at < this.#timerAt) this.#arm(at);
  }

  // One timer, for the earliest slot in the wheel.
  #arm(at: number): void {
    this.#deps.clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#deps.clock.setTimeout(() => this.#tick(), Math.max(0, at - this.#deps.clock.now()));
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    if (this.#closed) return;
    for (const slot of this.#wheel.popDue(this.#deps.clock.now())) {
      this.#due.push(slot.key);
      this.#dueTickets.push(slot.ticket);
    }
    if (this.#wheel.size > 0) this.#arm(this.#wheel.nextAt);
    this.#pumpLooks();
  }

  // Starts due looks, LOOKS_IN_FLIGHT at a time; skips slots a later schedule or a drop made stale.
  #pumpLooks(): void {
    while (!this.#closed && this.#looking < LOOKS_IN_FLIGHT && this.#dueHead < this.#due.length) {
      const entry = this.#due[this.#dueHead]!;
      const ticket = this.#dueTickets[this.#dueHead++]!;
      if (entry.ticket !== ticket || this.#entries.get(entry.path) !== entry) continue;
      this.#looking++;
      void this.#look(entry).finally(() => {
        this.#looking--;
        this.#pumpLooks();
      });
    }
    // Compact the consumed head now and then rather than shift() per item (O(n) each at 100k).
    if (this.#dueHead > 1024 && this.#dueHead * 2 > this.#due.length) {
      this.#due.splice(0, this.#dueHead);
      this.#dueTickets.splice(0, this.#dueHead);
      this.#dueHead = 0;
    }
  }

  #drop(entry: Entry): void {
    entry.ticket++;
    this.#entries.delete(entry.path);
    this.#tracker.forget(entry.path);
  }

  async #look(entry: Entry): Promise<void> {
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
    entry.size = s.size;
    entry.mtimeMs = Math.trunc(s.mtimeMs);
    this.#ready.push(entry);
    this.#drain();
  }

  #backOff(entry: Entry, event: string, error?: unknown): void {
    entry.failures += 1;
    const delay = lockRetryDelay(entry.failures);
    // Once, then at powers of two: a file locked for a day must not flood the log.
    if ((entry.failures & (entry.failures - 1)) === 0) {
      this.#deps.log.log('info', event, {
        folderId: entry.folderId,
        attempt: entry.failures,
        retryMs: delay,
        code: (error as NodeJS.ErrnoException | undefined)?.code,
      });
    }
    this.#schedule(entry, delay);
  }

  // Hands files on in the order they became ready: at most `concurrency` big
  // ones (each a streamed read of the whole file) and SMALL_IN_FLIGHT in all.
  #drain(): void {
    const limit = this.#deps.concurrency ?? 4;
    while (!this.#closed && this.#inFlight.size < Math.max(limit, SMALL_IN_FLIGHT) && this.#readyHead < this.#ready.length) {
      const next = this.#ready[this.#readyHead]!;
      const big = next.size > SMALL_FILE_BYTES;
      if (big && this.#bigInFlight >= limit) break; // order kept: the next big file waits for a slot
      if (!big && this.#inFlight.size >= SMALL_IN_FLIGHT) break;
      this.#readyHead++;
      if (big) this.#bigInFlight++;
      const run = this.#handOne(next).finally(() => {
        if (big) this.#bigInFlight--;
        this.#inFlight.delete(run);
        this.#drain();
      });
      this.#inFlight.add(run);
    }
    if (this.#readyHead > 1024 && this.#readyHead * 2 > this.#ready.length) {
      this.#ready.splice(0, this.#readyHead);
      this.#readyHead = 0;
    }
  }

  async #handOne(entry: Entry): Promise<void> {
    if (this.#entries.get(entry.path) !== entry) return; // forgotten (unlinked) while waiting its turn
    entry.handing = true;
    let ok = false;
    try {
      ok = await this.#deps.hand({ folderId: entry.folderId, path: entry.path, relPath: entry.relPath, size: entry.size, mtimeMs: entry.mtimeMs });
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
