// Memory of a running process read from outside, as `top` or a clinic's IT
// would see it: /proc/PID/status VmRSS (resident now) and VmHWM (the peak so
// far), sampled on a timer. The process measured is the tool itself: under
// GNU time it is time's only child, found through /proc's children list.
import { readFileSync } from 'node:fs';

export interface MemorySample {
  /** ms since sampling began */
  at: number;
  rssKiB: number;
  hwmKiB: number;
}

export interface MemoryTrace {
  /** performance.now() when sampling began (the samples' `at` counts from it). */
  startedAt: number;
  samples: MemorySample[];
  /** The highest VmHWM read (the kernel's own peak, not only the sampled moments). */
  peakKiB: number;
}

/** VmRSS and VmHWM of `pid` in KiB, or undefined once it is gone. */
export function readMemory(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  const rssKiB = field('VmRSS');
  const hwmKiB = field('VmHWM');
  return Number.isFinite(rssKiB) && Number.isFinite(hwmKiB) ? { rssKiB, hwmKiB } : undefined;
}

/** The first child of `pid` (the tool GNU time runs), or undefined while there is none. */
export function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples `pid()` every `everyMs` until stop(); `pid` may answer undefined until the process exists. */
export function sampleMemory(pid: () => number | undefined, everyMs = 250): { trace: MemoryTrace; stop(): MemoryTrace } {
  const started = performance.now();
  const trace: MemoryTrace = { startedAt: started, samples: [], peakKiB: 0 };
  const take = () => {
    const p = pid();
    const m = p === undefined ? undefined : readMemory(p);
    if (!m) return;
    trace.samples.push({ at: performance.now() - started, ...m });
    trace.peakKiB = Math.max(trace.peakKiB, m.hwmKiB);
  };
  const timer = setInterval(take, everyMs);
  take();
  return {
    trace,
    stop() {
      take();
      clearInterval(timer);
      return trace;
    },
  };
}

/** The last sample at or before `at` ms (the RSS at that moment). */
export function rssAt(trace: MemoryTrace, at: number): number | undefined {
  let found: MemorySample | undefined;
  for (const s of trace.samples) if (s.at <= at) found = s;
  return found?.rssKiB;
}
