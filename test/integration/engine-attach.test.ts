// The scheduler's path after a transfer: attach to the entity the path names,
// and what happens when attaching fails, is interrupted, or cannot be judged
// (a folder gone from the config, an unmounted share, a refused login).
// The one rule under all of them: a file BioT already holds is never sent twice,
// and nothing is marked done or missing that is not.
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Config } from '../../app/config/schema.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { downloadedSha256, patientAttachConfig, writeRandomFile, worldPerTest } from '../support/engine-harness.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';
import { allRows } from '../support/watch-helpers.ts';
import { scanFolders, whenSettled } from '../../app/cli/once-scan.ts';

const MiB = 1024 * 1024;
const attribute = 'ecg_export';

describeWithS3('engine: attach and holding rows it cannot judge', (target) => {
  const t = worldPerTest(target, { strictEntities: true });

  const attachConfig = (): Config => patientAttachConfig(t.world, attribute);

  /** A 6 MiB export under the patient's folder; answers its SHA-256. */
  const exportFor = (patientId: string, name = 'scan.dat'): string => {
    mkdirSync(join(t.world.inbox, patientId), { recursive: true });
    return writeRandomFile(join(t.world.inbox, patientId, name), 6 * MiB);
  };

  const attachedFileId = async (patientId: string): Promise<unknown> => {
    const entity = (await t.world.biot.entities.getEntity('patient', patientId)) as Record<string, unknown>;
    return (entity[attribute] as { id?: string } | undefined)?.id;
  };

  it('attaches a finished export to the patient its path names', async () => {
    const patientId = randomUUID();
    t.world.sandbox.registerEntity('patient', patientId);
    const sha = exportFor(patientId);
    t.engine = createEngine(attachConfig());
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await whenSettled(t.engine, { maxAttempts: 1 });
    const [row] = allRows(t.engine);
    expect(row).toMatchObject({ state: 'done', attachEntityType: 'patient', attachEntityId: patientId });
    expect(await attachedFileId(patientId)).toBe(row!.biotFileId);
    expect(await downloadedSha256(t.world.biot, row!.biotFileId!)).toEqual({ sha256: sha, size: 6 * MiB });
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
  }, 60_000);

  it('after an attach refused (unknown patient), a retry attaches the same BioT file without uploading again', async () => {
    const patientId = randomUUID(); // not registered yet: PATCH answers 404
    exportFor(patientId);
    t.engine = createEngine(attachConfig());
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await whenSettled(t.engine, { maxAttempts: 1 });
    const [stuck] = allRows(t.engine);
    expect(stuck).toMatchObject({ state: 'needs-attention', lastErrorCode: 'USER_NOT_FOUND' });
    expect(t.engine.store.uploadsFor(stuck!.id).map((u) => u.state)).toEqual(['completed']);

    t.world.sandbox.registerEntity('patient', patientId);
    await t.engine.retry({ fileId: stuck!.id });
    await until('done', () => t.engine!.store.fileById(stuck!.id)!.state === 'done');
    const row = t.engine.store.fileById(stuck!.id)!;
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
    expect(t.engine.store.uploadsFor(row.id)).toHaveLength(1);
    expect(row.biotFileId).toBe(t.engine.store.uploadsFor(row.id)[0]!.biotFileId);
    expect(row).toMatchObject({ attachEntityId: patientId });
    expect(await attachedFileId(patientId)).toBe(row.biotFileId);
  }, 60_000);

  it('after a failing attach (503), the automatic retry attaches without uploading again', async () => {
    const patientId = randomUUID();
    t.world.sandbox.registerEntity('patient', patientId);
    exportFor(patientId);
    t.world.sandbox.faults.add({ op: 'entity.patch', status: 503 });
    t.engine = createEngine(attachConfig());
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await until('done', () => allRows(t.engine!)[0]?.state === 'done');
    const [row] = allRows(t.engine);
    expect(t.world.sandbox.calls('entity.patch')).toBe(2);
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
    expect(t.engine.store.uploadsFor(row!.id)).toHaveLength(1);
    expect(await attachedFileId(patientId)).toBe(row!.biotFileId);
  }, 60_000);

  it('a shutdown during the attach is a stop, and the next start attaches the same BioT file', async () => {
    const patientId = randomUUID();
    t.world.sandbox.registerEntity('patient', patientId);
    exportFor(patientId);
    t.world.sandbox.faults.add({ op: 'entity.patch', delayMs: 5_000 });
    t.engine = createEngine(attachConfig());
    t.engine.start({ watch: false });
    await scanFolders(t.engine);
    await until('the attach in flight', () => t.world.sandbox.calls('entity.patch') === 1);
    await t.engine.close();
    t.engine = createEngine(attachConfig());
    // Not needs-attention: a shutdown is nobody's failure (recovered to queued at start-up).
    expect(allRows(t.engine)[0]).toMatchObject({ state: 'queued', lastErrorCode: null });
    t.engine.start({ watch: false });
    await whenSettled(t.engine, { maxAttempts: 1 });
    const [row] = allRows(t.engine);
    expect(row).toMatchObject({ state: 'done', attachEntityId: patientId });
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(1);
    expect(await attachedFileId(patientId)).toBe(row!.biotFileId);
  }, 60_000);

  it('holds a row whose folder was removed from the config instead of uploading it unattached', async () => {
    const other = join(t.world.root, 'other');
    mkdirSync(other);
    writeRandomFile(join(other, 'orphan.dat'), 3 * MiB);
    const both = t.world.config({
      folders: [
        { id: 'inbox', path: t.world.inbox, quietSeconds: 0 },
        { id: 'other', path: other, quietSeconds: 0 },
      ],
    });
    t.engine = createEngine(both);
    expect((await scanFolders(t.engine)).queued).toBe(1);
    t.engine.reconfigure(t.world.config());
    t.engine.start({ watch: false });
    await whenSettled(t.engine, { maxAttempts: 1 });
    expect(allRows(t.engine)[0]).toMatchObject({ state: 'needs-attention', lastErrorCode: 'FOLDER_REMOVED' });
    expect(t.world.sandbox.calls('file.createMultipart')).toBe(0);
  }, 60_000);

  it('retries (not missing) while the folder itself is unreachable, and uploads once it is back', async () => {
    const sha = writeRandomFile(join(t.world.inbox, 'a.dat'), 3 * MiB);
    t.engine = createEngine(t.world.config());
    expect((await scanFolders(t.engine)).queued).toBe(1);
    const away = join(t.world.root, 'unmounted');
    renameSync(t.world.inbox, away); // the share went away
    t.engine.start({ watch: false });
    await until('a failed attempt', () => allRows(t.engine!)[0]?.state !== 'queued' && allRows(t.engine!)[0]?.state !== 'uploading');
    expect(allRows(t.engine)[0]).toMatchObject({ state: 'failed', lastErrorCode: 'FOLDER_UNREACHABLE' });
    renameSync(away, t.world.inbox);
    await until('done', () => allRows(t.engine!)[0]?.state === 'done');
    expect(await downloadedSha256(t.world.biot, allRows(t.engine)[0]!.biotFileId!)).toEqual({ sha256: sha, size: 3 * MiB });
  }, 60_000);

  it('a vanished file in a reachable folder is still missing', async () => {
    writeRandomFile(join(t.world.inbox, 'gone.dat'), 1 * MiB);
    t.engine = createEngine(t.world.config());
    expect((await scanFolders(t.engine)).queued).toBe(1);
    renameSync(join(t.world.inbox, 'gone.dat'), join(t.world.root, 'gone.dat'));
    t.engine.start({ watch: false });
    await whenSettled(t.engine, { maxAttempts: 1 });
    expect(allRows(t.engine)[0]!.state).toBe('missing');
  }, 60_000);

  it('a wrong password holds the queue after one login: nothing needs attention, nothing is lost', async () => {
    for (const i of [0, 1, 2]) writeRandomFile(join(t.world.inbox, `f${i}.dat`), 1 * MiB);
    const good = t.world.config();
    if (good.server.auth.type !== 'user') throw new Error('the harness signs in as a user');
    const wrong: Config = { ...good, server: { ...good.server, auth: { ...good.server.auth, password: 'not-the-password' } } };
    t.engine = createEngine(wrong);
    const connection: string[] = [];
    t.engine.onEvent((e) => e.type === 'connection' && connection.push(e.connection.state));
    expect((await scanFolders(t.engine)).queued).toBe(3);
    t.engine.start({ watch: false });
    await until('the refused login', () => connection.includes('credentials-refused'));
    await until(
      'all three files back in the queue',
      () => {
        const counts = t.engine!.store.countByState();
        return counts.queued === 3 && counts.uploading === 0;
      },
      { seen: () => t.engine!.store.countByState() },
    );
    // Held, not retried: watch a while longer that no second login goes out.
    await holdsFor('a single login attempt', 1000, () => t.world.sandbox.calls('ums.login') === 1, {
      seen: () => t.world.sandbox.calls('ums.login'),
    });
    const snap = await t.engine.snapshot();
    expect(snap.connection.state).toBe('credentials-refused');
    expect(t.world.sandbox.calls('ums.login')).toBe(1);
    expect(snap.totals.counts).toMatchObject({ queued: 3, 'needs-attention': 0, failed: 0, uploading: 0 });
    await t.engine.close();

    t.engine = createEngine(good);
    t.engine.start({ watch: false });
    await whenSettled(t.engine, { maxAttempts: 1 });
    expect(allRows(t.engine).map((f) => f.state)).toEqual(['done', 'done', 'done']);
  }, 60_000);
});
