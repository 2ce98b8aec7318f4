// Events are numbered by the engine (EngineEvent.seq, one up per event). A
// window that sees a number out of order missed some (a dropped stream, a
// restarted engine) and takes a fresh snapshot, instead of polling for what
// it might have missed. Pure, so it is tested under Node.

/** Answers, per event, whether the caller must resync (the first event needs none: the window loaded a snapshot). */
export function createGapDetector(): (seq: number) => boolean {
  let last: number | undefined;
  return (seq) => {
    const gap = last !== undefined && seq !== last + 1;
    last = seq;
    return gap;
  };
}
