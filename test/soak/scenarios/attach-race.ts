// Two exports for one patient at once (issue 16): a recording and its header
// file land together in each patient's folder, the attach rule points at the
// patient's one FILE attribute, several files go at once, and the folder
// moves what was sent. BioT keeps only the last write of an attribute, so
// every file the queue calls attached must be the one BioT holds, the other
// must stop in needs-attention, and only held files may leave the folder.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '../child-engine.ts';
import { writeExport, type ExportFile } from '../export-files.ts';
import { queueFiles } from '../queue-reader.ts';
import { createSoakWorld } from '../soak-world.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { exactly, type Figure, type SoakScenario } from '../types.ts';

const attribute = 'holter_recording';

export const attachRace: SoakScenario = {
  name: 'attach-race',
  describe: 'a recording and its header file for each patient at once, one FILE attribute, 8 files in flight, move after upload',
  async run(ctx) {
    const patients = ctx.scale === 'full' ? 60 : 6;
    const random = seededRandom(16);
    const world = await createSoakWorld(ctx, {}, { strictEntities: true });
    try {
      const inbox = world.folder('inbox');
      const archive = world.folder('archive');
      const exports: (ExportFile & { patient: string })[] = [];
      for (let i = 0; i < patients; i++) {
        const patient = randomUUID();
        world.sandbox.registerEntity('patient', patient);
        const dir = join(inbox, patient);
        mkdirSync(dir);
        // Different sizes: same-size files would wait for each other as possible twins.
        exports.push({ ...writeExport(dir, 'rec.edf', 200_000 + Math.floor(random() * 2_000_000)), patient });
        exports.push({ ...writeExport(dir, 'rec.xml', 1_000 + Math.floor(random() * 50_000)), patient });
      }
      const config = world.writeConfig(
        {
          inbox: {
            path: inbox,
            afterUpload: 'move',
            archiveDir: archive,
            attach: { entity: 'patient', idPattern: '^(?<id>[0-9a-f-]{36})/', attribute },
          },
        },
        { parallelFiles: 8 },
      );
      const run = startEngine(config, { once: true });
      const timer = setTimeout(() => run.child.kill('SIGKILL'), (ctx.scale === 'full' ? 10 : 2) * 60_000);
      const { code } = await run.exited;
      clearTimeout(timer);
      ctx.say(`run --once exit ${code}`);

      const held = new Map<string, string | undefined>();
      for (const patient of new Set(exports.map((e) => e.patient))) {
        const entity = (await world.biot.entities.getEntity('patient', patient)) as unknown as Record<string, { id?: string } | undefined>;
        held.set(patient, entity[attribute]?.id);
      }
      const rows = queueFiles(world.dataDir);
      const claimed = rows.filter((r) => r.attachEntityId !== null);
      const reallyHeld = claimed.filter((r) => held.get(r.attachEntityId!) === r.biotFileId);
      const occupied = rows.filter((r) => r.state === 'needs-attention' && r.lastErrorCode === 'ATTACH_TARGET_OCCUPIED');
      const heldIds = new Set(held.values());
      // A source that left the folder must be a file BioT keeps attached.
      const movedUnheld = rows.filter((r) => !existsSync(r.sourcePath) && !heldIds.has(r.biotFileId ?? undefined)).length;
      const keptInPlace = occupied.filter((r) => existsSync(r.sourcePath)).length;
      const name = `${patients} patients × 2 files`;
      const figures: Figure[] = [
        exactly(name, 'claimed attached', claimed.length, patients),
        exactly(name, 'claimed attached that BioT does not hold', claimed.length - reallyHeld.length, 0),
        exactly(name, 'patients whose attribute holds one of their files', [...held.values()].filter(Boolean).length, patients),
        exactly(name, 'second files in needs-attention (ATTACH_TARGET_OCCUPIED)', occupied.length, patients),
        exactly(name, 'of those, source still in the folder', keptInPlace, patients),
        exactly(name, 'sources moved whose file BioT does not keep attached', movedUnheld, 0),
      ];
      return figures;
    } finally {
      await world.dispose();
    }
  },
};
