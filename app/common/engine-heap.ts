// The heap settings every process that runs an engine applies at start: the
// CLI (`run`, `serve`), the desktop's engine process, and the bench's own
// children, so that what the bench measures is what a clinic runs (issue 20:
// its harness children without them showed 30-100 MiB more than the CLI).
import { keepOldGenerationTight } from './old-generation.ts';
import { keepYoungGenerationSmall } from './young-generation.ts';

/** V8's young generation at its first size and the old generation near its live size, for the rest of this process. */
export function tuneHeapForEngine(): void {
  keepYoungGenerationSmall();
  keepOldGenerationTight();
}
