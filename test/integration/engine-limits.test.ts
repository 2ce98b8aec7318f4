// The timed pause and the bandwidth timetable in a real engine over the
// sandbox, with the timetable's clock injected: a pause stops what is queued
// and what arrives meanwhile, resumes by itself at its time and survives a
// restart; the timetable's limit and its end show in the snapshot and in a
// 'limits' event, and a new timetable applies without a restart.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EngineEvent } from '../../app/api.ts';
import { zoneOffset } from '../../app/common/local-time.ts';
import { createEngine } from '../../app/engine/create-engine.ts';
import { worldPerTest, writeRandomFile } from '../support/engine-harness.ts';
import { manualClock } from '../support/manual-clock.ts';
import { describeWithS3 } from '../support/s3.ts';
import { holdsFor, until } from '../support/wait.ts';

const MIN = 60_000;
const berlin = zoneOffset('Europe/Berlin');

describeWithS3('engine: timed pause and bandwidth timetable', (target) => {
  const t = worldPerTest(target);

  it('"pause for 1 hour" holds queued files and new arrivals, then they upload by themselves at its end', async () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    t.engine = createEngine(t.world.config(), { limits: { clock, offsetAt: berlin } });
    t.engine.start({ watch: false });
    const first = (await t.engine.enqueue(writeRandomFileIn(t.world.inbox, 'a.edf')))!;
    await t.engine.pause({ all: true, for: 'hour' });
    const second = (await t.engine.enqueue(writeRandomFileIn(t.world.inbox, 'b.edf')))!;
    expect((await t.engine.snapshot()).limits?.pausedUntil).toBe(Date.parse('2026-06-10T09:00:00Z'));
    // A first file that slipped through before the pause is fine; the one that arrived during it is not sent.
    await holdsFor('nothing new to be sent while paused', 1_500, () => t.engine!.store.fileById(second.id)!.state === 'queued');
    expect(t.world.sandbox.calls('file.createSingle')).toBeLessThanOrEqual(1);
    clock.advance(59 * MIN);
    expect(t.engine.store.fileById(second.id)!.state).toBe('queued');
    clock.advance(MIN);
    await until('both files done after the pause ended', () => [first.id, second.id].every((id) => t.engine!.store.fileById(id)!.state === 'done'));
    expect((await t.engine.snapshot()).limits?.pausedUntil).toBeNull();
  }, 60_000);

  it('a timed pause survives a restart; Resume all ends it early', async () => {
    const clock = manualClock(Date.now());
    const config = t.world.config();
    const before = createEngine(config, { limits: { clock } });
    before.start({ watch: false });
    const until_ = await before.pause({ all: true, for: 'tomorrow' }).then(async () => (await before.snapshot()).limits!.pausedUntil!);
    await before.close();

    t.engine = createEngine(config, { limits: { clock } });
    t.engine.start({ watch: false });
    expect((await t.engine.snapshot()).limits?.pausedUntil).toBe(until_);
    const row = (await t.engine.enqueue(writeRandomFileIn(t.world.inbox, 'c.edf')))!;
    await holdsFor('the file to wait while the pause goes on', 1_000, () => t.engine!.store.fileById(row.id)!.state === 'queued');
    await t.engine.resume({ all: true });
    await until('the file done once Resume all ended the pause', () => t.engine!.store.fileById(row.id)!.state === 'done');
    expect((await t.engine.snapshot()).limits?.pausedUntil).toBeNull();
  }, 60_000);

  it('a file a person paused stays paused when a timed pause ends by itself, after a restart too', async () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    const config = t.world.config();
    const before = createEngine(config, { limits: { clock } });
    // Held back on purpose (not started yet, so it is not claimed first): only this person's Resume sends it.
    const held = (await before.enqueue(writeRandomFileIn(t.world.inbox, 'held.edf')))!;
    await before.pause({ fileId: held.id });
    before.start({ watch: false });
    await before.pause({ all: true, for: 'hour' });
    const other = (await before.enqueue(writeRandomFileIn(t.world.inbox, 'other.edf')))!;
    await before.close();

    t.engine = createEngine(config, { limits: { clock } });
    t.engine.start({ watch: false });
    clock.advance(60 * MIN);
    await until('the file that arrived during the pause done', () => t.engine!.store.fileById(other.id)!.state === 'done');
    await holdsFor('the file the person paused to stay paused', 1_000, () => t.engine!.store.fileById(held.id)!.state === 'paused');
    await t.engine.resume({ all: true });
    await until('Resume all sends it', () => t.engine!.store.fileById(held.id)!.state === 'done');
  }, 60_000);

  it('Pause all pressed during a timed pause still holds when the timed pause ends: only Resume all sends', async () => {
    const clock = manualClock(Date.parse('2026-06-10T08:00:00Z'));
    t.engine = createEngine(t.world.config(), { limits: { clock } });
    t.engine.start({ watch: false });
    await t.engine.pause({ all: true, for: 'hour' });
    const row = (await t.engine.enqueue(writeRandomFileIn(t.world.inbox, 'd.edf')))!;
    expect(await t.engine.pause({ all: true })).toBe(1);
    clock.advance(60 * MIN);
    expect((await t.engine.snapshot()).limits?.pausedUntil).toBeNull();
    await holdsFor('the file to stay paused after the timed pause ended', 1_000, () => t.engine!.store.fileById(row.id)!.state === 'paused');
    await t.engine.resume({ all: true });
    await until('Resume all sends it', () => t.engine!.store.fileById(row.id)!.state === 'done');
  }, 60_000);

  it('the timetable says its limit and until when, tells the window when it changes, and follows a new timetable at once', async () => {
    const clock = manualClock(Date.parse('2026-06-10T15:58:00Z')); // Wednesday 17:58 in Berlin
    const schedule = [{ days: 'mon-fri', from: '07:30', to: '18:00', maxBytesPerSecond: 2_000_000 }];
    const config = t.world.config({ transfer: { schedule } });
    t.engine = createEngine(config, { limits: { clock, offsetAt: berlin } });
    const events: EngineEvent[] = [];
    t.engine.onEvent((e) => events.push(e));
    t.engine.start({ watch: false });
    expect((await t.engine.snapshot()).limits?.bandwidth).toEqual({
      maxBytesPerSecond: 2_000_000,
      until: Date.parse('2026-06-10T16:00:00Z'),
      then: 0,
      scheduled: true,
    });
    clock.advance(2 * MIN);
    await until('a limits event for the evening', () => events.some((e) => e.type === 'limits' && e.limits.bandwidth.maxBytesPerSecond === 0));
    expect((await t.engine.snapshot()).limits?.bandwidth).toMatchObject({ maxBytesPerSecond: 0, until: Date.parse('2026-06-11T05:30:00Z') });
    t.engine.reconfigure(t.world.config({ transfer: { schedule: [{ ...schedule[0]!, to: '20:00' }] } }));
    expect((await t.engine.snapshot()).limits?.bandwidth).toMatchObject({ maxBytesPerSecond: 2_000_000, until: Date.parse('2026-06-10T18:00:00Z') });
  }, 60_000);
});

/** A small export in `dir`; answers its path. */
function writeRandomFileIn(dir: string, name: string): string {
  writeRandomFile(join(dir, name), 64 * 1024);
  return join(dir, name);
}
