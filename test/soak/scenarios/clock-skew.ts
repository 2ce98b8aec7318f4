// The PC's clock 2 hours ahead of BioT, then 2 hours behind (libfaketime, as
// Debian ships it, under the engine process only), against a run with the
// clocks agreeing. Tokens and links are short-lived so each run renews them
// several times. Uploads must complete, and renewals per minute must stay
// near the agreeing run's: a clock that is off must not start a storm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startEngine } from '../child-engine.ts';
import { writeExport } from '../export-files.ts';
import { queueFiles } from '../queue-reader.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { until } from '../../support/wait.ts';
import { atMost, exactly, type Figure, type SoakScenario } from '../types.ts';

const MiB = 1024 * 1024;

/**
 * Debian's libfaketime, preloaded into the engine process itself. Not the
 * `faketime` command: it forks and waits for the program, so signalling it
 * (SIGTERM at the end of a run) left the engine running as an orphan.
 */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** Why the skewed runs cannot happen here, or undefined. */
export function faketimeMissing(): string | undefined {
  return existsSync(LIBFAKETIME) ? undefined : `${LIBFAKETIME} is not installed (apt-get install libfaketime)`;
}

interface RunFigures {
  completed: boolean;
  minutes: number;
  tokenRenewals: number;
  linkRequests: number;
}

export const clockSkew: SoakScenario = {
  name: 'clock-skew',
  describe: 'the PC clock 2 h ahead and 2 h behind BioT (libfaketime)',
  async run(ctx) {
    const missing = faketimeMissing();
    if (missing) throw new Error(missing);
    // A run that only looks skewed proves nothing: the preload must move a Node process's clock.
    const skewed = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(Date.now()))'], {
      env: { ...process.env, LD_PRELOAD: LIBFAKETIME, FAKETIME: '+2h' },
      encoding: 'utf8',
    });
    if (Math.abs(Number(skewed.stdout) - Date.now() - 2 * 3_600_000) > 60_000)
      throw new Error(`libfaketime did not move the clock (${skewed.stderr.trim()})`);
    const full = ctx.scale === 'full';
    const ttl = full ? 30 : 4;
    const size = full ? 96 * MiB : 10 * MiB;
    const rate = 1 * MiB;
    const runs: Record<string, RunFigures> = {};
    for (const [label, offset] of [
      ['clocks agree', undefined],
      ['2 h ahead', '+2h'],
      ['2 h behind', '-2h'],
    ] as const) {
      const world = await createSoakWorld(ctx, {}, { tokenTtlSeconds: ttl, linkTtlSeconds: ttl });
      try {
        const inbox = world.folder('inbox');
        const file = writeExport(inbox, 'sleep-study.edf', size);
        const config = world.writeConfig({ inbox: { path: inbox } }, { maxBytesPerSecond: rate, partSizeMiB: 5 });
        const t0 = Date.now();
        const engine = startEngine(config, offset ? { env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: offset } } : {});
        let completed = false;
        try {
          await until('the upload to be done', () => queueFiles(world.dataDir).some((f) => f.state === 'done') || engine.child.exitCode !== null, {
            timeoutMs: (size / rate) * 1000 * 4 + 60_000,
            seen: () => `not done: ${JSON.stringify(queueFiles(world.dataDir).map((f) => [f.state, f.lastErrorCode]))}`,
          });
          const census = await takeCensus(world);
          completed = [...census.contentOf.values()].includes(file.sha256) && census.duplicateCopies === 0;
        } catch (error) {
          ctx.say(`${label}: ${(error as Error).message}`);
        } finally {
          engine.child.kill('SIGTERM');
          await engine.exited;
        }
        const minutes = (Date.now() - t0) / 60_000;
        const sb = world.sandbox;
        runs[label] = {
          completed,
          minutes,
          tokenRenewals: sb.calls('ums.login') + sb.calls('ums.refresh'),
          linkRequests: sb.calls('file.partLinks') + sb.calls('file.createMultipart'),
        };
        ctx.say(`${label}: ${JSON.stringify(runs[label])}`);
      } finally {
        await world.dispose();
      }
    }
    const base = runs['clocks agree']!;
    const perMinute = (n: number, r: RunFigures) => n / Math.max(r.minutes, 0.1);
    const figures: Figure[] = [];
    for (const label of ['2 h ahead', '2 h behind']) {
      const r = runs[label]!;
      const name = `clock ${label}`;
      figures.push(exactly(name, 'upload complete', r.completed ? 1 : 0, 1));
      // A storm is an order of magnitude; twice the agreeing run's rate plus two absorbs timing noise.
      const tokenBound = Math.ceil(perMinute(base.tokenRenewals, base) * 2 + 2);
      const linkBound = Math.ceil(perMinute(base.linkRequests, base) * 2 + 2);
      figures.push(atMost(name, 'token renewals per minute', Math.round(perMinute(r.tokenRenewals, r)), tokenBound));
      figures.push(atMost(name, 'link requests per minute', Math.round(perMinute(r.linkRequests, r)), linkBound));
    }
    return figures;
  },
};
