// A file rewritten in place with the same size and mtime (issue 16): an EDF
// writer updates its header at the end, or a FAT32 card keeps mtimes to 2 s.
// Each export's 32 header bytes are rewritten once its first part (or its
// single PUT) landed, and the mtime is put back. BioT then holds the old
// bytes; the folder deletes or moves what was sent. The new content must not
// be deleted or archived unsent: it must reach BioT as an upload of its own.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '../child-engine.ts';
import { writeExport } from '../export-files.ts';
import { partLanded, queueFiles } from '../queue-reader.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { rewriteHeaderKeepingMtime } from '../../support/rewrite-in-place.ts';
import { until } from '../../support/wait.ts';
import { exactly, type SoakScenario } from '../types.ts';

const MiB = 1024 * 1024;

interface Rewritten {
  path: string;
  archivedAt?: string;
  oldSha: string;
  newSha?: string;
}

export const sameMtimeRewrite: SoakScenario = {
  name: 'same-mtime-rewrite',
  describe: '32 header bytes rewritten after the first part landed, size and mtime put back, under delete and move',
  async run(ctx) {
    const each = ctx.scale === 'full' ? 8 : 1;
    const world = await createSoakWorld(ctx);
    try {
      const purge = world.folder('to-delete');
      const source = world.folder('to-archive');
      const archive = world.folder('archive');
      const config = world.writeConfig(
        { purged: { path: purge, afterUpload: 'delete' }, archived: { path: source, afterUpload: 'move', archiveDir: archive } },
        // One part at a time, and a bandwidth limit: the rest of a file takes long enough for the rewrite to land first.
        { parallelParts: 1, parallelFiles: 4, maxBytesPerSecond: 8 * MiB },
      );
      // A single upload's read-back is slow: the rewrite lands between its PUT and the delete or move.
      world.sandbox.faults.add({ op: 'file.download', times: Infinity, delayMs: 1_000 });
      const files: Rewritten[] = [];
      const stamp = 2 * Math.floor(Date.now() / 2000) - 10;
      const drop = (dir: string, name: string, size: number, archived: boolean) => {
        const file = writeExport(dir, name, size);
        utimesSync(file.path, stamp, stamp); // a FAT32 card's even second
        files.push({ path: file.path, oldSha: file.sha256, ...(archived && { archivedAt: join(archive, name) }) });
      };
      for (let i = 0; i < each; i++) {
        drop(purge, `multi-${i}.edf`, 12 * MiB + i * 4096, false);
        drop(source, `multi-${i}.edf`, 12 * MiB + i * 4096 + 1, true);
        drop(purge, `single-${i}.edf`, 1 * MiB + i * 4096, false);
      }
      const engine = startEngine(config);
      try {
        await until(
          'every export rewritten after its first part landed',
          () => {
            for (const f of files) if (!f.newSha && partLanded(world.dataDir, f.path, 1)) f.newSha = rewriteHeaderKeepingMtime(f.path);
            return files.every((f) => f.newSha);
          },
          { timeoutMs: 120_000, everyMs: 20, seen: () => files.filter((f) => !f.newSha).length + ' not yet rewritten' },
        );
        await until('every source deleted or moved', () => files.every((f) => !existsSync(f.path)), {
          timeoutMs: (ctx.scale === 'full' ? 5 : 2) * 60_000,
          seen: () => queueFiles(world.dataDir).map((r) => `${r.id} ${r.state} ${r.postAction ?? ''} ${r.postActionError ?? ''}`),
        }).catch((error: Error) => ctx.say(error.message));
      } finally {
        engine.child.kill('SIGTERM');
        await engine.exited;
      }
      const census = await takeCensus(world);
      const inBiot = new Set(census.contentOf.values());
      const rows = queueFiles(world.dataDir);
      const shaOf = (p: string | undefined) =>
        p !== undefined && existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : undefined;
      const onDisk = (f: Rewritten, sha: string) => shaOf(f.path) === sha || shaOf(f.archivedAt) === sha;
      // An archived file BioT does not hold was renamed into the archive unsent.
      const archivedUnsent = files.filter((f) => {
        const archived = shaOf(f.archivedAt);
        return archived !== undefined && !inBiot.has(archived);
      }).length;
      const name = `${files.length} exports rewritten in place`;
      return [
        exactly(name, 'new content in BioT', files.filter((f) => inBiot.has(f.newSha!)).length, files.length),
        exactly(name, 'new content lost (not in BioT, not on disk)', files.filter((f) => !inBiot.has(f.newSha!) && !onDisk(f, f.newSha!)).length, 0),
        exactly(
          name,
          'sources kept and queued again (SOURCE_REWRITTEN)',
          rows.filter((r) => r.postActionError === 'SOURCE_REWRITTEN').length,
          files.length,
        ),
        exactly(name, 'archived files BioT does not hold', archivedUnsent, 0),
        exactly(name, 'duplicate BioT files', census.duplicateCopies, 0),
      ];
    } finally {
      await world.dispose();
    }
  },
};
