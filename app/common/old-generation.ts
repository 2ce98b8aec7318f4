// V8 sizes the old generation (where every object that outlives two young
// collections ends up) at up to four times what survived the last full
// collection when collections are cheap, which they are for the engine's
// small live set. A burst of small files promotes a lot of short-lived
// objects (promises and stat results of files in flight), so the heap grew
// to ~150 MiB for ~40 MiB live, and a 100,000-file drop to ~400 MiB (issue
// 20). Growing by half instead keeps the heap near what is live, for a few
// more full collections (each a few ms, mostly off the main thread).
//
// Set at start, like the young generation's limit (young-generation.ts), so
// it holds however Node was launched. It is a growth factor, not a limit:
// the heap still grows as far as the live objects need.
import { setFlagsFromString } from 'node:v8';

/** Heap growth after a full collection, in percent of what survived it. */
export const HEAP_GROWING_PERCENT = 50;

/** Keeps the old generation within HEAP_GROWING_PERCENT of its live size, for the rest of this process. */
export function keepOldGenerationTight(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
