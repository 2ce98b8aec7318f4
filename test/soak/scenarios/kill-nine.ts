// kill -9 at random moments in every phase: intake, parts, saving ETags,
// complete, attach, and the after-upload move and delete. New exports arrive
// between kills so every run has work in each phase. After the last kill the
// engine runs until all is done; then BioT and the folders are checked.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { killHard, startEngine } from '../child-engine.ts';
import { writeExport, type ExportFile } from '../export-files.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { etaggedParts, queueFiles } from '../queue-reader.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { until } from '../../support/wait.ts';
import { atMost, exactly, type SoakScenario } from '../types.ts';

const MiB = 1024 * 1024;
const parallelParts = 4;
const parallelFiles = 2;

export const killNine: SoakScenario = {
  name: 'kill-9',
  describe: 'kill -9 at random moments in every phase, restart after each',
  async run(ctx) {
    const full = ctx.scale === 'full';
    const kills = full ? 50 : 4;
    const random = seededRandom(29);
    const world = await createSoakWorld(ctx, {}, { proxyStorage: true });
    try {
      const keep = world.folder('keep');
      const archiveSource = world.folder('to-archive');
      const archive = world.folder('archive');
      const purge = world.folder('to-delete');
      const config = world.writeConfig(
        {
          keep: { path: keep, attach: { entity: 'patient', idPattern: '^(?<id>[0-9a-f-]{36})_', attribute: 'holter_file' } },
          archived: { path: archiveSource, afterUpload: 'move', archiveDir: archive },
          purged: { path: purge, afterUpload: 'delete' },
        },
        { parallelParts, parallelFiles, maxBytesPerSecond: 40 * MiB },
      );
      const exports: (ExportFile & { folder: 'keep' | 'archive' | 'purge'; archivedAt?: string })[] = [];
      let n = 0;
      const drop = () => {
        const size = random() < 0.6 ? Math.floor(random() * 512 * 1024) : 5 * MiB + Math.floor(random() * 20 * MiB);
        const which = (['keep', 'archive', 'purge'] as const)[n % 3]!;
        const dir = which === 'keep' ? keep : which === 'archive' ? archiveSource : purge;
        // One patient per recording: a second file for a patient whose attribute holds one stops in needs-attention by design.
        const name = which === 'keep' ? `${randomUUID()}_night-${++n}.edf` : `export-${++n}.edf`;
        const file = writeExport(dir, name, size);
        exports.push({ ...file, folder: which, ...(which === 'archive' && { archivedAt: join(archive, name) }) });
      };
      for (let i = 0; i < 6; i++) drop();

      let maxResent = 0;
      let resentWithEtag = 0;
      const pending: (() => void)[] = [];
      for (let kill = 0; kill < kills; kill++) {
        drop();
        if (kill % 2 === 0) drop();
        const engine = startEngine(config);
        await new Promise((done) => setTimeout(done, 300 + random() * 2500));
        await killHard(engine);
        // The sandbox's proxy logs an exchange when it ends: wait for the cut ones to be logged.
        await until('the exchanges the kill cut short to be logged', () => world.sandbox.storageOpen() === 0, { timeoutMs: 10_000, everyMs: 20 });
        const log = world.sandbox.storageLog();
        const etagged = etaggedParts(world.dataDir);
        const landed = new Set(log.filter((e) => e.op === 'storage.putPart' && e.status === 200).map((e) => `${e.fileId}:${e.partNumber}`));
        const from = log.length;
        // Judged once the next run has happened.
        pending.push(() => {
          const after = world.sandbox
            .storageLog()
            .slice(from)
            .filter((e) => e.op === 'storage.putPart');
          const again = new Set(after.map((e) => `${e.fileId}:${e.partNumber}`).filter((k) => landed.has(k)));
          maxResent = Math.max(maxResent, again.size);
          resentWithEtag += [...again].filter((k) => etagged.has(k)).length;
        });
      }
      ctx.say(`${kills} kills done; ${exports.length} exports; final run`);
      const final = startEngine(config);
      try {
        await until('every export to be done', () => queueFiles(world.dataDir).filter((f) => f.state === 'done').length >= exports.length, {
          timeoutMs: (full ? 10 : 3) * 60_000,
          seen: () =>
            queueFiles(world.dataDir)
              .filter((f) => f.state !== 'done')
              .map((f) => `${f.id} ${f.state} ${f.lastErrorCode ?? ''}`),
        }).catch((error: Error) => ctx.say(error.message));
        // The after-upload actions follow done: wait for the sources of moving folders to leave.
        await until('the after-upload actions to finish', () => exports.every((e) => e.folder === 'keep' || !existsSync(e.path)), {
          timeoutMs: 30_000,
          seen: () => exports.filter((e) => e.folder !== 'keep' && existsSync(e.path)).length + ' sources still in moving folders',
        }).catch((error: Error) => ctx.say(error.message));
      } finally {
        final.child.kill('SIGTERM');
        await final.exited;
      }
      for (const judge of pending) judge();

      const rows = queueFiles(world.dataDir);
      const census = await takeCensus(world);
      const inBiot = new Set(census.contentOf.values());
      let goneWithout = 0;
      for (const e of exports) {
        const sourceThere = existsSync(e.path) && sha256Of(e.path) === e.sha256;
        const archivedThere = e.archivedAt !== undefined && existsSync(e.archivedAt) && sha256Of(e.archivedAt) === e.sha256;
        if (!sourceThere && !archivedThere && !inBiot.has(e.sha256)) goneWithout++;
      }
      const done = rows.filter((r) => r.state === 'done').length;
      const name = `${kills} × kill -9`;
      return [
        exactly(name, `files complete (of ${exports.length})`, done, exports.length),
        exactly(name, 'duplicate BioT files', census.duplicateCopies, 0),
        exactly(name, 'sources gone without a completed BioT file', goneWithout, 0),
        exactly(name, 'parts re-sent that had their ETag on record', resentWithEtag, 0),
        atMost(name, 'parts re-sent after one kill (most)', maxResent, parallelParts * parallelFiles),
      ];
    } finally {
      await world.dispose();
    }
  },
};

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
