// V8 keeps the pages a burst made it take: after the 20,000-file burst the
// heap held ~40 MiB of live objects in ~150 MiB of pages, for as long as the
// process lived, because its own memory reducer only runs when it sees a low
// allocation rate, and it measures that rate at collections, which an idle
// engine hardly makes (issue 20). So once the process has been idle for a
// little while and has grown since the last time, one last-resort collection
// (the one V8 runs under memory pressure) gives the pages back to the system.
// At most once per busy spell: the growth is measured from what was left
// after the last one.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { disposable, type SyncDisposable } from './disposable.ts';

/** How often the process is looked at. */
export const SHRINK_CHECK_MS = 5_000;
/** Idle: less CPU than this share of one core over a whole check. */
const IDLE_CPU_SHARE = 0.03;
/** Checks in a row found idle before a shrink (a pause between two files is not idle). */
const IDLE_CHECKS = 2;
/** Grown by at least this much since the last shrink: worth a full collection. */
export const SHRINK_GROWTH_BYTES = 32 * 1024 * 1024;

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface IdleShrinkDeps {
  /** Resident set size now (bytes). */
  rss: () => number;
  /** CPU used by the process so far (µs, user + system). */
  cpuMicros: () => number;
  /** The last-resort collection. */
  collect: () => void;
  everyMs: number;
}

export interface IdleShrink extends SyncDisposable {
  /** Shrinks done so far. */
  readonly shrinks: number;
}

/** V8's gc(), reachable once --expose-gc is set: a new context gets it as a global. */
function lastResortCollection(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Collect;
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** This process: its RSS, its CPU and V8's last-resort collection, looked at every `everyMs`. */
export function processDeps(everyMs: number): IdleShrinkDeps {
  return {
    rss: () => process.memoryUsage.rss(),
    cpuMicros: () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    collect: lastResortCollection(),
    everyMs,
  };
}

/** Gives memory back once the process is idle after growing; dispose() stops watching. */
export function shrinkHeapWhenIdle(deps: IdleShrinkDeps = processDeps(SHRINK_CHECK_MS)): IdleShrink {
  let floor = deps.rss();
  let cpuBefore = deps.cpuMicros();
  let idleChecks = 0;
  let shrinks = 0;
  const check = () => {
    const cpu = deps.cpuMicros();
    const share = (cpu - cpuBefore) / 1000 / deps.everyMs;
    cpuBefore = cpu;
    idleChecks = share < IDLE_CPU_SHARE ? idleChecks + 1 : 0;
    const rss = deps.rss();
    floor = Math.min(floor, rss);
    if (idleChecks < IDLE_CHECKS || rss - floor < SHRINK_GROWTH_BYTES) return;
    deps.collect();
    shrinks++;
    idleChecks = 0;
    // What could not be given back (native memory, live objects) is the new floor.
    floor = deps.rss();
    cpuBefore = deps.cpuMicros(); // the collection's own CPU is not the process being busy
  };
  const timer = setInterval(check, deps.everyMs);
  // A tray app runs for weeks; this timer must never keep a finished process alive.
  timer.unref();
  const stop = disposable(() => clearInterval(timer));
  return {
    get shrinks() {
      return shrinks;
    },
    dispose: () => stop.dispose(),
  };
}
