// Bench child: one `run --once` of the engine on a config, without the live
// view, reporting its phases as one JSON line. Run as its own process so its
// RSS and CPU are measured apart from the sandbox in the parent.
import { loadConfigFile } from '../../app/config/load.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { tuneHeapForEngine } from '../../app/common/engine-heap.ts';
import { shrinkHeapWhenIdle } from '../../app/common/idle-shrink.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: du-child.ts CONFIG');
// The heap settings `device-uploader run` applies: measure what a clinic runs.
tuneHeapForEngine();
shrinkHeapWhenIdle();
const started = performance.now();
const engine = createEngine(loadConfigFile(file));
// As `run --once`: no watcher, the folders' current contents only.
engine.start({ watch: false });
const { queued } = await scanFolders(engine);
const queuedAt = performance.now();
// maxAttempts 1: a failure shows up in the report instead of being retried for minutes.
await whenSettled(engine, { maxAttempts: 1, pollMs: 25 });
const settledAt = performance.now();
const counts = engine.store.countByState();
const failed = engine.store.listFiles({ states: ['failed', 'needs-attention', 'missing'], limit: 3 }).files;
await engine.close();
process.stdout.write(
  `${JSON.stringify({
    queued,
    done: counts.done,
    intakeMs: queuedAt - started,
    uploadMs: settledAt - queuedAt,
    errors: failed.map((f) => `${f.state} ${f.lastErrorCode ?? ''} ${f.lastError ?? ''}`.trim()),
  })}\n`,
);
process.exitCode = counts.done === queued && queued > 0 ? 0 : 1;
