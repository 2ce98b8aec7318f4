// The IO shell around the stability rules: for each candidate path it stats
// when due, asks stability.ts, checks that the file opens, and hands stable
// files on, a few at a time. A locked or unreadable file gets its own backoff;
// nothing here waits on one file while others are ready.
//
// Scale (issue 12): 100,000 files dropped at once must not mean 100,000 timers,
// 100,000 stats and opens queued on libuv at once, nor 4 files hashed and
// committed at a time. So: one timer wheel (due-heap.ts) for every path, a
// bounded number of looks (stat + open) in flight, no more files looked at
// ahead of the hand than it can take soon, and small files handed on many at
// a time (their hash is one short read; the intake commits them in batches).
//
// Memory (issue 20): every file of such a drop waits here at once, so a
// waiting file is one small entry: its path, the folder it came through
// (shared by all of that folder's files, which also makes its
// folder-relative path when it is handed on), and its track.
import { stat } from 'node:fs/promises';
import type { Logger } from '../common/logger.ts';
import type { Clock } from './clock.ts';
import { lockRetryDelay, type OpenCheck } from './open-check.ts';
import { DueHeap } from './due-heap.ts';
import { assess, type Track } from './stability.ts';
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

/** Where touched files come from: one per watched folder (or scan of it), shared by all its files. */
export interface WatchSource {
  folderId: string;
  /** How long a file must hold still before it is handed on. */
  quietMs: number;
  /** The path relative to the folder, posix separators (folder-scan.ts relPathIn). */
  relPath: (path: string) => string;
}

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
/** Stable files waiting for the hand beyond which no new look starts: looking further ahead only holds memory. */
const READY_AHEAD = 256;

/** Where an entry is in its hand: not handed, being handed, or being handed and touched since (look again after). */
type Handing = 'no' | 'yes' | 'again';

interface Entry {
  source: WatchSource;
  path: string;
  /** Which schedule of this entry is current: an older slot in the wheel or due list is stale. */
  ticket: number;
  /** Looks in a row that found it locked or unreadable. */
  failures: number;
  handing: Handing;
  /** Its size and mtime as last seen, and since when (stability.ts); undefined until its first look. */
  track: Track | undefined;
}

/** Shortest wait between two looks at a changing file (with quietSeconds 0 there would be none). */
const MIN_LOOK_MS = 200;

export class Settler {
  readonly #deps: SettlerDeps;
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

  /** Something happened at `path`, a file of `source` (event or scan): make sure it gets looked at. */
  touch(source: WatchSource, path: string): void {
    if (this.#closed) return;
    const entry = this.#entries.get(path);
    if (entry) {
      if (entry.handing !== 'no') entry.handing = 'again';
      return; // its next look is scheduled and sees the change
    }
    const fresh: Entry = { source, path, ticket: 0, failures: 0, handing: 'no', track: undefined };
    this.#entries.set(path, fresh);
    this.#schedule(fresh, 0);
  }

  /** The path is gone (unlink): stop looking at it. */
  forget(path: string): void {
    const entry = this.#entries.get(path);
    if (entry && entry.handing === 'no') this.#drop(entry);
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

  // Starts due looks, LOOKS_IN_FLIGHT at a time while the hand keeps up; skips slots a later schedule or a drop made stale.
  #pumpLooks(): void {
    while (
      !this.#closed &&
      this.#looking < LOOKS_IN_FLIGHT &&
      this.#ready.length - this.#readyHead < READY_AHEAD &&
      this.#dueHead < this.#due.length
    ) {
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
    const a = assess(entry.track, { size: s.size, mtimeMs: Math.trunc(s.mtimeMs), now }, entry.source.quietMs);
    entry.track = a.track;
    if (a.verdict !== 'stable') return this.#schedule(entry, Math.max(MIN_LOOK_MS, a.dueAt - now));
    const opened = await this.#deps.openCheck(entry.path);
    if (this.#closed) return;
    if (opened === 'missing') return this.#drop(entry);
    if (opened !== 'ok') return this.#backOff(entry, opened === 'locked' ? 'watch-locked' : 'watch-unreadable');
    entry.failures = 0;
    this.#ready.push(entry);
    this.#drain();
  }

  #backOff(entry: Entry, event: string, error?: unknown): void {
    entry.failures += 1;
    const delay = lockRetryDelay(entry.failures);
    // Once, then at powers of two: a file locked for a day must not flood the log.
    if ((entry.failures & (entry.failures - 1)) === 0) {
      this.#deps.log.log('info', event, {
        folderId: entry.source.folderId,
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
      const big = next.track!.size > SMALL_FILE_BYTES;
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
    this.#pumpLooks(); // room ahead of the hand again
  }

  async #handOne(entry: Entry): Promise<void> {
    if (this.#entries.get(entry.path) !== entry) return; // forgotten (unlinked) while waiting its turn
    entry.handing = 'yes';
    const { source, path } = entry;
    let ok = false;
    try {
      const { size, mtimeMs } = entry.track!; // stable: the size and mtime its last look found
      ok = await this.#deps.hand({ folderId: source.folderId, path, relPath: source.relPath(path), size, mtimeMs });
    } catch (error) {
      this.#deps.log.log('warn', 'watch-hand-failed', { folderId: source.folderId, ...errorFacts(error, 'watch.hand') });
    }
    const again = (entry.handing as Handing) === 'again'; // touch() may have set it meanwhile
    entry.handing = 'no';
    if (this.#closed) return;
    if (!ok) return this.#backOff(entry, 'watch-retry');
    if (again) {
      return this.#schedule(entry, MIN_LOOK_MS); // touched while handed on: its next look sees whether it changed
    }
    this.#drop(entry);
  }
}
