// When is a file finished? A pure state machine over observations of its size
// and mtime: no clock, no fs. The IO shell (settler.ts) feeds it stat results,
// keeps each file's track on its own entry and acts on the verdict; tests feed
// it numbers.
//
// "Stable" means: size and mtime unchanged for the folder's quiet period, as
// seen by us (the time we first saw a value, not the file's mtime, starts the
// period: a share's mtime comes from the server's clock, which may be skewed).
// A folder set to `growing` does not wait here (quiet period 0): its files go
// to the queue at once and app/transfer/growing-transfer.ts follows their growth.

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
}

/** pending: not quiet long enough; stable: hand it on; changed: differs from the last observation. */
export type Verdict = 'pending' | 'stable' | 'changed';

export interface Assessment {
  track: Track;
  verdict: Verdict;
  /** When the file becomes stable if nothing changes: the time of the next useful look. */
  dueAt: number;
}

/** One observation in; the next track and what it means. */
export function assess(prev: Track | undefined, obs: Observation, quietMs: number): Assessment {
  if (!prev) {
    const track: Track = { size: obs.size, mtimeMs: obs.mtimeMs, stillSince: obs.now };
    return { track, verdict: quietMs <= 0 ? 'stable' : 'pending', dueAt: obs.now + quietMs };
  }
  const changed = obs.size !== prev.size || obs.mtimeMs !== prev.mtimeMs;
  if (changed) {
    const track: Track = { size: obs.size, mtimeMs: obs.mtimeMs, stillSince: obs.now };
    return { track, verdict: 'changed', dueAt: obs.now + quietMs };
  }
  const dueAt = prev.stillSince + quietMs;
  return { track: prev, verdict: obs.now >= dueAt ? 'stable' : 'pending', dueAt };
}
