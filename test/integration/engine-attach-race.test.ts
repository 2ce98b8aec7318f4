// Issue 16, "two exports for one patient at once": rec.edf and rec.xml land
// together in one patient folder, the attach rule points at the patient's one
// FILE attribute, and several files go at once. BioT has no compare-and-set,
// so the engine serialises attaches to one entity + attribute, reads the
// attribute back after writing it, and a file the attribute does not hold
// stops in needs-attention with its source kept. Real engine, real sandbox
// over radosgw, real folders and SQLite.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Config } from '../../app/config/schema.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows, until } from '../support/watch-helpers.ts';

const attribute = 'holter_recording';
const PATIENTS = 6;
const idPattern = '^(?<id>[0-9a-f-]{36})/';

describeWithS3('engine: two exports for one patient at once', (target) => {
  const t = worldPerTest(target, { strictEntities: true });

  /** A recording and its header file, of different sizes (same-size files would wait for each other as possible twins). */
  const writeExport = (patient: string): void => {
    writeRandomFile(join(t.world.inbox, patient, 'rec.edf'), 96 * 1024);
    writeRandomFile(join(t.world.inbox, patient, 'rec.xml'), 40 * 1024);
  };

  /** Six registered patients, each with rec.edf and rec.xml in its folder. */
  const exportsForSixPatients = (): string[] =>
    Array.from({ length: PATIENTS }, () => {
      const id = randomUUID();
      t.world.sandbox.registerEntity('patient', id);
      mkdirSync(join(t.world.inbox, id));
      writeExport(id);
      return id;
    });

  const config = (attach: Record<string, unknown>): Config =>
    t.world.config({
      folders: [
        {
          id: 'inbox',
          path: t.world.inbox,
          quietSeconds: 0,
          afterUpload: 'move',
          archiveDir: join(t.world.root, 'archive'),
          attach: { entity: 'patient', idPattern, attribute, ...attach },
        },
      ],
      // Every file of the run in flight together: both files of a patient attach at the same moment.
      transfer: { parallelFiles: 2 * PATIENTS },
    });

  async function runOnce(c: Config): Promise<Engine> {
    t.engine = createEngine(c);
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await whenSettled(t.engine, { maxAttempts: 1 });
    // The move follows 'done' on its own (the watcher's post-upload action).
    const engine = t.engine;
    await until('every done file moved', () => allRows(engine).every((r) => r.state !== 'done' || r.postAction !== null));
    return engine;
  }

  it('6 patients x 2 files: each patient holds one, the other stops in needs-attention naming it, and only held files are moved', async () => {
    const patients = exportsForSixPatients();
    const engine = await runOnce(config({}));
    const rows = allRows(engine);
    expect(rows).toHaveLength(2 * PATIENTS);
    const held = new Map<string, string | undefined>();
    for (const patient of patients) {
      const entity = (await t.world.biot.entities.getEntity('patient', patient)) as unknown as Record<string, { id?: string } | undefined>;
      held.set(patient, entity[attribute]?.id);
    }
    // The figure on today's main: 11 claimed attached, 6 really attached.
    const claimedAttached = rows.filter((r) => r.attachEntityId !== null).length;
    const reallyAttached = rows.filter((r) => r.attachEntityId !== null && held.get(r.attachEntityId) === r.biotFileId).length;
    expect({ claimedAttached, reallyAttached }).toEqual({ claimedAttached: PATIENTS, reallyAttached: PATIENTS });
    for (const patient of patients) {
      const mine = rows.filter((r) => r.relPath.startsWith(`${patient}/`));
      // Whatever claims to be attached to this patient is what BioT holds.
      const claimed = mine.filter((r) => r.attachEntityId === patient);
      expect(claimed.map((r) => r.biotFileId)).toEqual([held.get(patient)]);
      expect(claimed[0]).toMatchObject({ state: 'done', postAction: 'moved' });
      const other = mine.find((r) => r !== claimed[0])!;
      expect(other).toMatchObject({ state: 'needs-attention', lastErrorCode: 'ATTACH_TARGET_OCCUPIED', attachEntityId: null, postAction: null });
      // Named by its queue number, the way the queue window shows rows (never by file name).
      expect(other.lastError).toContain(`#${claimed[0]!.id}`);
      // The export BioT does not keep attached is still where the device put it.
      expect(existsSync(other.sourcePath)).toBe(true);
      expect(existsSync(claimed[0]!.sourcePath)).toBe(false);
      // Its upload is kept: a retry after a person decided never sends it again.
      expect(engine.store.uploadsFor(other.id).map((u) => u.state)).toEqual(['completed']);
    }
  }, 90_000);

  it('reads and writes interleaved by a slow BioT: the second file reads the attribute only after the first wrote and read it back', async () => {
    const patient = randomUUID();
    t.world.sandbox.registerEntity('patient', patient);
    mkdirSync(join(t.world.inbox, patient));
    writeExport(patient);
    // Without turns: both first reads see the attribute free, the first file writes and reads
    // back its own id, then the second (slower) write replaces it: both would claim it.
    t.world.sandbox.faults.add({ op: 'entity.get', nth: 1, times: 2, delayMs: 300 });
    t.world.sandbox.faults.add({ op: 'entity.patch', nth: 2, delayMs: 500 });
    const engine = await runOnce(config({}));
    const rows = allRows(engine);
    const entity = (await t.world.biot.entities.getEntity('patient', patient)) as unknown as Record<string, { id?: string }>;
    const attached = rows.filter((r) => r.attachEntityId === patient);
    expect(attached.map((r) => r.biotFileId)).toEqual([entity[attribute]?.id]);
    expect(rows.map((r) => r.state).sort()).toEqual(['done', 'needs-attention']);
    expect(t.world.sandbox.calls('entity.patch')).toBe(1);
  }, 60_000);

  it('stopped after writing the attribute, before reading it back: the next start reads it, finds its file, and writes nothing again', async () => {
    const patient = randomUUID();
    t.world.sandbox.registerEntity('patient', patient);
    mkdirSync(join(t.world.inbox, patient));
    writeRandomFile(join(t.world.inbox, patient, 'rec.edf'), 64 * 1024);
    // The read-back (the second read of the entity) hangs: the engine is stopped right there.
    t.world.sandbox.faults.add({ op: 'entity.get', nth: 2, delayMs: 10_000 });
    t.engine = createEngine(config({}));
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await until('the read-back in flight', () => t.world.sandbox.calls('entity.get') === 2);
    expect(t.world.sandbox.calls('entity.patch')).toBe(1);
    await t.engine.close();
    t.world.sandbox.faults.clear();
    const engine = await runOnce(config({}));
    const [row] = allRows(engine);
    expect(row).toMatchObject({ state: 'done', attachEntityId: patient, postAction: 'moved' });
    const entity = (await t.world.biot.entities.getEntity('patient', patient)) as unknown as Record<string, { id?: string }>;
    expect(entity[attribute]?.id).toBe(row!.biotFileId);
    expect(t.world.sandbox.calls('entity.patch')).toBe(1);
    expect(t.world.sandbox.calls('file.createSingle')).toBe(1);
  }, 60_000);

  it('with a per-upload rule, all 12 exports are kept, each by its own generic entity', async () => {
    const patients = exportsForSixPatients();
    const engine = await runOnce(config({ attribute: 'recording', perUpload: { template: 'holter_recording', referenceAttribute: 'patient' } }));
    const rows = allRows(engine);
    expect(rows.map((r) => r.state)).toEqual(Array(2 * PATIENTS).fill('done'));
    expect(rows.every((r) => r.postAction === 'moved')).toBe(true);
    for (const patient of patients) expect(rows.filter((r) => r.attachEntityId === patient)).toHaveLength(2);
    expect(t.world.sandbox.calls('entity.create')).toBe(2 * PATIENTS);
    expect(t.world.sandbox.calls('entity.patch')).toBe(0);
  }, 90_000);
});
