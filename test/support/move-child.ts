// Child process for the crash-during-move test: runs one row's post-upload
// action (a move to an archive on another volume) on the real queue file, and
// stops dead after `stopAfterBytes` of the copy so the parent can kill -9 it
// mid-copy. The pause is a fake, used only to hit that exact moment.
// argv: <queue.db> <fileId> <folder config JSON> <stopAfterBytes>
import { silentLogger } from '../../app/common/logger.ts';
import type { FolderConfig } from '../../app/config/schema.ts';
import { openStore } from '../../app/store/index.ts';
import { runPostAction } from '../../app/watch/post-action.ts';

const [database, fileId, folderJson, stopAfter] = process.argv.slice(2) as [string, string, string, string];
const store = openStore(database);
const row = store.fileById(Number(fileId));
if (!row) throw new Error('no such row');
await runPostAction(JSON.parse(folderJson) as FolderConfig, row, store, silentLogger, {
  async onCopied(bytes) {
    if (bytes < Number(stopAfter)) return;
    process.stdout.write(`copying ${bytes}\n`);
    await new Promise(() => setInterval(() => {}, 60_000)); // until killed (the timer keeps the process alive)
  },
});
process.stdout.write('finished\n');
