// Issue 9, "dedup ignores the attach target": dedup is per content AND target
// (the same bytes exported for two patients are two uploads, one per patient),
// and a FILE attribute that already holds another file is never overwritten
// silently (BioT does not keep a file that nothing references).
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Config } from '../../app/config/schema.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import type { Engine } from '../../app/engine/engine.ts';
import { downloadedSha256, patientAttachConfig, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { allRows } from '../support/watch-helpers.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
const attribute = 'ecg_export';

describeWithS3('engine: dedup per content and attach target', (target) => {
  const t = worldPerTest(target, { strictEntities: true });

  const attachConfig = (folder: Record<string, unknown> = {}): Config => patientAttachConfig(t.world, attribute, folder);

  const patient = (): string => {
    const id = randomUUID();
    t.world.sandbox.registerEntity('patient', id);
    mkdirSync(join(t.world.inbox, id));
    return id;
  };

  const attachedFileId = async (patientId: string): Promise<unknown> => {
    const entity = (await t.world.biot.entities.getEntity('patient', patientId)) as Record<string, unknown>;
    return (entity[attribute] as { id?: string } | undefined)?.id;
  };

  async function runEngine(config: Config): Promise<Engine> {
    t.engine = createEngine(config);
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await whenSettled(t.engine, { maxAttempts: 1 });
    return t.engine;
  }

  it('the same bytes for two patients are two uploads, each attached; for the same patient again, a duplicate', async () => {
    const [a, b] = [patient(), patient()];
    const sha = writeRandomFile(join(t.world.inbox, a, 'scan.dat'), 6 * MiB);
    const engine = await runEngine(attachConfig());
    const first = allRows(engine)[0]!;
    expect(first).toMatchObject({ state: 'done', attachEntityId: a });

    copyFileSync(join(t.world.inbox, a, 'scan.dat'), join(t.world.inbox, b, 'scan.dat'));
    copyFileSync(join(t.world.inbox, a, 'scan.dat'), join(t.world.inbox, a, 'scan-again.dat'));
    await scanFolders(engine);
    await whenSettled(engine, { maxAttempts: 1 });
    const rows = allRows(engine);
    const forB = rows.find((r) => r.relPath.startsWith(b))!;
    const again = rows.find((r) => r.relPath.endsWith('scan-again.dat'))!;
    expect(forB).toMatchObject({ state: 'done', attachEntityType: 'patient', attachEntityId: b });
    expect(forB.biotFileId).not.toBe(first.biotFileId);
    expect(again).toMatchObject({ state: 'duplicate', duplicateOf: first.id });
    expect(await attachedFileId(a)).toBe(first.biotFileId);
    expect(await attachedFileId(b)).toBe(forB.biotFileId);
    expect(await downloadedSha256(t.world.biot, forB.biotFileId!)).toEqual({ sha256: sha, size: 6 * MiB });
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(2);
  }, 60_000);

  it('twins for two patients queued together are both sent', async () => {
    const [a, b] = [patient(), patient()];
    writeRandomFile(join(t.world.inbox, a, 'scan.dat'), 6 * MiB);
    copyFileSync(join(t.world.inbox, a, 'scan.dat'), join(t.world.inbox, b, 'scan.dat'));
    const engine = await runEngine(attachConfig());
    const rows = allRows(engine);
    expect(rows.map((r) => [r.state, r.attachEntityId]).sort()).toEqual(
      [
        ['done', a],
        ['done', b],
      ].sort(),
    );
    expect(await attachedFileId(a)).toBe(rows.find((r) => r.attachEntityId === a)!.biotFileId);
    expect(await attachedFileId(b)).toBe(rows.find((r) => r.attachEntityId === b)!.biotFileId);
  }, 60_000);

  it('a second export for a patient whose attribute holds the first stops in needs-attention: nothing overwritten, source kept', async () => {
    const a = patient();
    writeRandomFile(join(t.world.inbox, a, 'monday.dat'), 6 * MiB);
    const engine = await runEngine(attachConfig({ afterUpload: 'delete' }));
    const monday = allRows(engine)[0]!;
    expect(monday).toMatchObject({ state: 'done', attachEntityId: a });

    writeRandomFile(join(t.world.inbox, a, 'tuesday.dat'), 6 * MiB);
    await scanFolders(engine);
    await whenSettled(engine, { maxAttempts: 1 });
    const tuesday = allRows(engine).find((r) => r.relPath.endsWith('tuesday.dat'))!;
    expect(tuesday).toMatchObject({ state: 'needs-attention', lastErrorCode: 'ATTACH_TARGET_OCCUPIED', attachEntityId: null });
    expect(tuesday.lastError).toMatch(/already holds another file/);
    // Monday's file is still the one the patient references; Tuesday's export is still on disk.
    expect(await attachedFileId(a)).toBe(monday.biotFileId);
    expect(existsSync(join(t.world.inbox, a, 'tuesday.dat'))).toBe(true);
    // Its upload is kept: a retry after the person decided never sends it again.
    expect(engine.store.uploadsFor(tuesday.id).map((u) => u.state)).toEqual(['completed']);
  }, 60_000);

  it('with a per-upload rule, every export gets its own generic entity referencing the patient: none is lost', async () => {
    const a = patient();
    const generic: string[] = [];
    const logger = {
      log: (_level: string, event: string, facts: Record<string, unknown> = {}) => {
        if (event === 'attached-per-upload') generic.push(String(facts.genericEntityId));
      },
    };
    writeRandomFile(join(t.world.inbox, a, 'monday.dat'), 6 * MiB);
    writeRandomFile(join(t.world.inbox, a, 'tuesday.dat'), 200_000);
    const config = attachConfig({
      attach: {
        entity: 'patient',
        idPattern: '^(?<id>[0-9a-f-]{36})/',
        attribute: 'recording',
        perUpload: { template: 'holter_recording', referenceAttribute: 'patient' },
      },
    });
    t.engine = createEngine(config, { logger });
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await whenSettled(t.engine, { maxAttempts: 1 });
    const rows = allRows(t.engine);
    expect(rows.map((r) => [r.state, r.attachEntityType, r.attachEntityId])).toEqual([
      ['done', 'patient', a],
      ['done', 'patient', a],
    ]);
    expect(generic).toHaveLength(2);
    const held = await Promise.all(
      generic.map(async (id) => {
        const entity = (await t.world.biot.entities.getEntity('generic-entity', id)) as Record<string, { id?: string }>;
        expect(entity.patient?.id).toBe(a);
        return entity.recording?.id;
      }),
    );
    expect(held.sort()).toEqual(rows.map((r) => r.biotFileId).sort());
    expect(t.world.sandbox.calls('entity.patch')).toBe(0); // the patient itself is not touched
  }, 60_000);
});
