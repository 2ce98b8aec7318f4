// The update policy's timing and error handling, with a stand-in updater (logic
// only; the real electron-updater is driven in test/integration/updates-generic-server).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../app/common/logger.ts';
import { CHECK_EVERY_MS, startUpdates, type Every, type UpdateCheck, type UpdaterPort } from '../../main/updates.ts';

function fakeUpdater(answer: () => Promise<UpdateCheck | null>) {
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    feeds: [] as string[],
    checks: 0,
    setFeedURL(options: { url: string }) {
      updater.feeds.push(options.url);
    },
    checkForUpdates() {
      updater.checks++;
      return answer();
    },
  } satisfies UpdaterPort & Record<string, unknown>;
  return updater;
}

/** A timer the test fires by hand; records the period asked for. */
function manualTimer() {
  const timer = { periods: [] as number[], fire: () => {}, disposed: false };
  const every: Every = (ms, run) => {
    timer.periods.push(ms);
    timer.fire = run;
    return { dispose: () => void (timer.disposed = true) };
  };
  return { timer, every };
}

const upToDate = (): Promise<UpdateCheck> => Promise.resolve({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } });

describe('update policy', () => {
  it('checks once at start and again each day, downloading in the background and installing on quit', async () => {
    const updater = fakeUpdater(upToDate);
    const { timer, every } = manualTimer();
    const updates = startUpdates(updater, { enabled: true }, { logger: silentLogger, every });
    expect(updater.checks).toBe(1);
    expect(timer.periods).toEqual([CHECK_EVERY_MS]);
    expect(CHECK_EVERY_MS).toBe(86_400_000);
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    await updates.checkNow();
    timer.fire();
    expect(updater.checks).toBe(2);
    updates.dispose();
    expect(timer.disposed).toBe(true);
  });

  it('joins a check already running instead of starting a second one', async () => {
    let release: (check: UpdateCheck) => void = () => {};
    const updater = fakeUpdater(() => new Promise((resolve) => (release = resolve)));
    const { timer, every } = manualTimer();
    const updates = startUpdates(updater, { enabled: true }, { logger: silentLogger, every });
    timer.fire();
    const joined = updates.checkNow();
    expect(updater.checks).toBe(1);
    release({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } });
    expect(await joined).toEqual({ kind: 'up-to-date', version: '0.1.0' });
    updates.dispose();
  });

  it('turns a failed check into a logged code, never a rejection, and tries again next time', async () => {
    const failure = Object.assign(new Error('net::ERR_CONNECTION_REFUSED at https://updates.example/x'), { code: 'ECONNREFUSED' });
    const updater = fakeUpdater(() => Promise.reject(failure));
    const logged: unknown[] = [];
    const { timer, every } = manualTimer();
    const updates = startUpdates(updater, { enabled: true }, { logger: { log: (...line) => void logged.push(line) }, every });
    expect(await updates.checkNow()).toEqual({ kind: 'failed', code: 'ECONNREFUSED' });
    expect(logged).toContainEqual(['warn', 'update.failed', { code: 'ECONNREFUSED' }]);
    expect(JSON.stringify(logged)).not.toContain('updates.example');
    timer.fire();
    expect(updater.checks).toBe(2);
    updates.dispose();
  });

  it('reports an app that is not installed (no app-update.yml, not packaged) as inactive', async () => {
    const updates = startUpdates(
      fakeUpdater(() => Promise.resolve(null)),
      { enabled: true },
      { logger: silentLogger, every: manualTimer().every },
    );
    expect(await updates.checkNow()).toEqual({ kind: 'inactive' });
    updates.dispose();
  });

  it('when off, schedules nothing and leaves the updater untouched', async () => {
    const updater = fakeUpdater(upToDate);
    const { timer, every } = manualTimer();
    const updates = startUpdates(updater, { enabled: false, url: 'https://updates.example/du' }, { logger: silentLogger, every });
    expect(await updates.checkNow()).toEqual({ kind: 'off' });
    expect(updater.checks).toBe(0);
    expect(updater.feeds).toEqual([]);
    expect(timer.periods).toEqual([]);
    expect(updater.autoDownload).toBe(false);
    updates.dispose();
  });
});
