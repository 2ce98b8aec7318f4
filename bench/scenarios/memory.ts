// Issue 20: what `device-uploader run` costs the clinic PC in memory, read
// from outside on the process a person starts (GNU time's peak RSS, /proc's
// VmHWM and VmRSS sampled), never on a harness: one big export sent with
// default settings (from the bundle `npm install` builds, and from the
// sources); a burst of 20,000 files of 1 KiB renamed into one watched folder
// and sent, with the RSS a minute after the last is done; and the
// 100,000-file drop of queue-scale with uploads held.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../app/sandbox/index.ts';
import type { BenchContext } from '../context.ts';
import { GiB, MiB } from '../options.ts';
import { doneCount, queueCounts, runCli, writeCliConfig, type CliRun } from '../peers/cli-run.ts';
import { rssAt } from '../proc-memory.ts';
import { fixed, median } from '../stats.ts';
import type { Table } from '../table.ts';
import { makeFiles } from './queue-scale.ts';
import type { Scenario } from './types.ts';

let seq = 0;

interface Row {
  what: string;
  runs: CliRun[];
  /** Seconds from the drop until every file was sent (or queued, uploads held). */
  settleSec?: number;
  /** RSS (KiB) when the last file was sent, and settleWatchMs later. */
  settledKiB?: number;
  afterKiB?: number;
  goal: string;
}

const mib = (kib: number | undefined) => (kib === undefined ? NaN : kib / 1024);

/** `run --once` over a folder holding one hard link to `file`, default settings. */
async function oneExport(ctx: BenchContext, sandbox: Sandbox, file: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const dir = join(ctx.work, `memory-export-${seq++}`);
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox, { recursive: true });
  linkSync(file, join(inbox, 'export.bin'));
  const { file: config } = writeCliConfig({ dir, baseUrl: sandbox.url, credentials: sandbox.credentials.user, folder: { path: inbox } });
  const m = await runCli({ config, once: true, env, timeoutMs: 30 * 60_000 });
  if (doneCount(m.stdout) !== 1) throw new Error(`the export was not sent: ${m.stdout.slice(-300)}`);
  await ctx.cleanup();
  return m;
}

/**
 * `run` watching an inbox: once a probe file already there is sent (or
 * queued, when `held`), `count` files of 1 KiB are renamed in at once; RSS is
 * watched for settleWatchMs after the last of them is sent (or queued), then
 * the engine is stopped with Ctrl+C.
 */
async function drop(
  ctx: BenchContext,
  sandbox: Sandbox,
  count: number,
  options: { held: boolean; perFolder: number },
): Promise<Omit<Row, 'what' | 'goal'>> {
  const dir = join(ctx.work, `memory-drop-${seq++}`);
  const src = join(dir, 'src');
  ctx.say(`memory: making ${count} files of 1 KiB`);
  makeFiles(src, count, 1024, options.perFolder);
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox, { recursive: true });
  writeFileSync(join(inbox, 'probe.dat'), randomBytes(1024));
  const { file: config, dataDir } = writeCliConfig({ dir, baseUrl: sandbox.url, credentials: sandbox.credentials.user, folder: { path: inbox } });
  const reached = (n: number) => {
    const c = queueCounts(dataDir);
    const rows = options.held ? Object.values(c).reduce((a, b) => a + b, 0) : (c.done ?? 0) + (c.duplicate ?? 0);
    return rows >= n;
  };
  let droppedAt = NaN;
  let settledAt = NaN;
  if (options.held) sandbox.lock('user'); // the scheduler holds on a refused sign-in: only intake runs
  try {
    const m = await runCli({
      config,
      once: false,
      timeoutMs: 40 * 60_000,
      async whileRunning(p) {
        const poll = async (what: string, done: () => boolean) => {
          while (!done()) {
            if (p.exited()) throw new Error(`device-uploader run ended before ${what}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        };
        await poll('the probe file', () => reached(1));
        droppedAt = p.at();
        renameSync(src, join(inbox, 'drop'));
        await poll(`${count} files`, () => reached(count + 1));
        settledAt = p.at();
        ctx.say(`memory: ${count} files ${options.held ? 'queued' : 'sent'} in ${((settledAt - droppedAt) / 1000).toFixed(1)} s; watching RSS`);
        await new Promise((r) => setTimeout(r, ctx.options.settleWatchMs));
      },
    });
    return {
      runs: [m],
      settleSec: (settledAt - droppedAt) / 1000,
      settledKiB: rssAt(m.memory, settledAt),
      afterKiB: rssAt(m.memory, settledAt + ctx.options.settleWatchMs),
    };
  } finally {
    if (options.held) sandbox.unlock('user');
    await ctx.cleanup();
  }
}

export const memory: Scenario = {
  name: 'memory',
  describe: 'RSS of device-uploader run from outside: one big export, a 20,000-file burst, the 100,000-file drop',
  async run(ctx) {
    const { bigFile, burstCount, queueCount, runs, settleWatchMs } = ctx.options;
    const file = ctx.file(bigFile);
    const size = bigFile >= GiB ? `${fixed(bigFile / GiB, 0)} GiB` : `${fixed(bigFile / MiB, 0)} MiB`;
    const rows: Row[] = [];
    const sandbox = await ctx.sandbox();
    try {
      const bundled: CliRun[] = [];
      const sources: CliRun[] = [];
      for (let run = 0; run < runs; run++) {
        bundled.push(await oneExport(ctx, sandbox, file, process.env));
        sources.push(await oneExport(ctx, sandbox, file, { ...process.env, DEVICE_UPLOADER_FROM_SOURCES: '1' }));
        ctx.say(
          `memory: ${size} export peak ${fixed(mib(bundled.at(-1)?.peakRssKiB), 0)} MiB (sources ${fixed(mib(sources.at(-1)?.peakRssKiB), 0)})`,
        );
      }
      rows.push({ what: `one ${size} export, run --once, default settings`, runs: bundled, goal: '≤ 120' });
      rows.push({ what: 'same, from the TypeScript sources', runs: sources, goal: '' });
      if (burstCount > 0) {
        const burst = await drop(ctx, sandbox, burstCount, { held: false, perFolder: burstCount });
        rows.push({
          what: `${burstCount.toLocaleString('en')} files of 1 KiB renamed into a watched folder, sent`,
          ...burst,
          goal: '≤ 250; ≤ 160 a minute after',
        });
      }
      if (queueCount > 0) {
        const held = await drop(ctx, sandbox, queueCount, { held: true, perFolder: 1000 });
        rows.push({ what: `${queueCount.toLocaleString('en')} files of 1 KiB dropped, uploads held`, ...held, goal: '≤ 250' });
      }
    } finally {
      await sandbox.close();
    }
    return [table(rows, settleWatchMs, runs)];
  },
};

function table(rows: Row[], settleWatchMs: number, runs: number): Table {
  const peak = (r: Row) => median(r.runs.map((m) => mib(m.peakRssKiB)));
  return {
    scenario: 'memory',
    title: 'Memory of `device-uploader run`, measured from outside',
    columns: [
      'What',
      'peak RSS MiB',
      'peak VmHWM MiB',
      'RSS when all were sent MiB',
      `RSS ${settleWatchMs / 1000} s later MiB`,
      'settle s',
      'CPU s',
      'goal MiB',
    ],
    rows: rows.map((r) => [
      r.what,
      fixed(peak(r), 0),
      fixed(median(r.runs.map((m) => mib(m.memory.peakKiB))), 0),
      fixed(mib(r.settledKiB), 0),
      fixed(mib(r.afterKiB), 0),
      fixed(r.settleSec, 1),
      fixed(median(r.runs.map((m) => m.cpuSec ?? NaN)), 1),
      r.goal,
    ]),
    notes: [
      `peak RSS = GNU time's maximum resident set of the \`device-uploader run\` process (node bin/device-uploader.js, the bundle \`npm install\` built unless DEVICE_UPLOADER_FROM_SOURCES=1), median of ${runs} run(s) for the export, one run for the drops; VmHWM and VmRSS read from /proc every 250 ms.`,
      'Drops: the engine watches an inbox (a probe file there is sent first, so the watcher is live), then a prepared folder is renamed in at once; settle s = from the rename until the last file is done (sent) or queued (uploads held: the sandbox refuses the sign-in). The RSS is then watched for a while with nothing to do; then Ctrl+C.',
    ],
    data: rows.map((r) => ({
      what: r.what,
      settleSec: r.settleSec,
      settledKiB: r.settledKiB,
      afterKiB: r.afterKiB,
      runs: r.runs.map((m) => ({ wallMs: m.wallMs, cpuSec: m.cpuSec, peakRssKiB: m.peakRssKiB, hwmKiB: m.memory.peakKiB })),
      trace: r.runs[0]?.memory.samples.filter((_, i) => i % 4 === 0).map((s) => [Math.round(s.at), s.rssKiB]),
    })),
  };
}
