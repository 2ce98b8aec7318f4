// When is a file finished? A pure state machine over observations of its size
// and mtime: no clock, no fs. The IO shell (settler.ts) feeds it stat results
// and acts on the verdict; tests feed it numbers.
//
// "Stable" means: size and mtime unchanged for the folder's quiet period, as
// seen by us (the time we first saw a value, not the file's mtime, starts the
// period: a share's mtime comes from the server's clock, which may be skewed).

export interface Observation {
  size: number;
  mtimeMs: number;
  now: number;
}

export interface Track {
  size: number;
  mtimeMs: number;
  /** When we first saw the current size + mtime. */
  stillSince: number;
  /** Consecutive observations in which the size went up: a file being written. */
  growthStreak: number;
}

/** pending: not quiet long enough; stable: hand it on; changed: differs from the last observation. */
export type Verdict = 'pending' | 'stable' | 'changed';

export interface Assessment {
  track: Track;
  verdict: Verdict;
  /** The size went up on at least GROWING_STREAK observations in a row (a hook for a later growing-file mode). */
  growing: boolean;
  /** When the file becomes stable if nothing changes: the time of the next useful look. */
  dueAt: number;
}

/** Observations with a rising size in a row before a file counts as growing. */
export const GROWING_STREAK = 2;

/** One observation in; the next track and what it means. */
export function assess(prev: Track | undefined, obs: Observation, quietMs: number): Assessment {
  if (!prev) {
    const track: Track = { size: obs.size, mtimeMs: obs.mtimeMs, stillSince: obs.now, growthStreak: 0 };
    return { track, verdict: quietMs <= 0 ? 'stable' : 'pending', growing: false, dueAt: obs.now + quietMs };
  }
  const changed = obs.size !== prev.size || obs.mtimeMs !== prev.mtimeMs;
  if (changed) {
    const growthStreak = obs.size > prev.size ? prev.growthStreak + 1 : 0;
    const track: Track = { size: obs.size, mtimeMs: obs.mtimeMs, stillSince: obs.now, growthStreak };
    return { track, verdict: 'changed', growing: growthStreak >= GROWING_STREAK, dueAt: obs.now + quietMs };
  }
  const dueAt = prev.stillSince + quietMs;
  return { track: prev, verdict: obs.now >= dueAt ? 'stable' : 'pending', growing: false, dueAt };
}

/** The stability of many paths at once: the tracker's map of tracks, still pure (time comes in observations). */
export class StabilityTracker {
  readonly #tracks = new Map<string, Track>();
  readonly #growing = new Set<string>();

  /** Records one observation of `key` and answers what it means. */
  observe(key: string, obs: Observation, quietMs: number): Assessment {
    const a = assess(this.#tracks.get(key), obs, quietMs);
    this.#tracks.set(key, a.track);
    if (a.growing) this.#growing.add(key);
    else if (a.verdict !== 'pending') this.#growing.delete(key);
    return a;
  }

  /** True while the file's size kept rising on recent observations. */
  isGrowing(key: string): boolean {
    return this.#growing.has(key);
  }

  forget(key: string): void {
    this.#tracks.delete(key);
    this.#growing.delete(key);
  }

  get size(): number {
    return this.#tracks.size;
  }
}
