// Issue 5, table 3: what the upload costs the clinic PC. Peak RSS and CPU
// seconds per GiB of Device Uploader, against hashing the same bytes with
// md5sum and sha256sum (the floor for a tool that must checksum), and peak RSS
// again at 4× the size to show memory does not grow with the file.
import { GiB, MiB } from '../options.ts';
import { runDeviceUploader } from '../peers/device-uploader.ts';
import { rawUndiciPeer } from '../peers/node-peers.ts';
import type { PeerRun } from '../peers/types.ts';
import { measure, mustSucceed, type Measured } from '../measure.ts';
import { fixed, median } from '../stats.ts';
import { ratio, type Table } from '../table.ts';
import type { Scenario } from './types.ts';

/** The engine as the desktop app runs it (see the table's note). */
const BUNDLED = 'Device Uploader, bundled (8 MiB × 4)';

export const resources: Scenario = {
  name: 'resources',
  describe: 'peak RSS and CPU per GiB, against md5sum + sha256sum; RSS at 4x size',
  async run(ctx) {
    const { bigFile, hugeFile, runs } = ctx.options;
    const file = ctx.file(bigFile);
    const sandbox = await ctx.sandbox();
    const rows: { name: string; size: number; runs: Measured[] }[] = [];
    const job = (f: string, size: number) => ({ file: f, size, partSize: 8 * MiB, concurrency: 4, key: 'resources.bin' });
    try {
      const du: PeerRun[] = [];
      const bundled: PeerRun[] = [];
      const md5: Measured[] = [];
      const sha: Measured[] = [];
      const ceiling: PeerRun[] = [];
      for (let run = 0; run < runs; run++) {
        du.push(await runDeviceUploader(ctx, job(file, bigFile), { sandbox }));
        await ctx.cleanup();
        bundled.push(await runDeviceUploader(ctx, job(file, bigFile), { sandbox, bundled: true }));
        await ctx.cleanup();
        ceiling.push(await rawUndiciPeer.upload(ctx, job(file, bigFile)));
        await ctx.cleanup();
        md5.push(mustSucceed('md5sum', await measure({ command: 'md5sum', args: [file] })));
        sha.push(mustSucceed('sha256sum', await measure({ command: 'sha256sum', args: [file] })));
      }
      rows.push({ name: 'Device Uploader (8 MiB × 4)', size: bigFile, runs: du });
      rows.push({ name: BUNDLED, size: bigFile, runs: bundled });
      rows.push({ name: 'md5sum', size: bigFile, runs: md5 });
      rows.push({ name: 'sha256sum', size: bigFile, runs: sha });
      rows.push({ name: 'md5sum + sha256sum', size: bigFile, runs: md5.map((m, i) => sum(m, sha[i] as Measured)) });
      rows.push({ name: 'ceiling: pre-signed PUTs, no hashing', size: bigFile, runs: ceiling });
      const huge = ctx.file(hugeFile);
      ctx.say(`resources: Device Uploader at ${fixed(hugeFile / GiB, 1)} GiB`);
      rows.push({ name: 'Device Uploader (8 MiB × 4)', size: hugeFile, runs: [await runDeviceUploader(ctx, job(huge, hugeFile), { sandbox })] });
      await ctx.cleanup();
      rows.push({ name: BUNDLED, size: hugeFile, runs: [await runDeviceUploader(ctx, job(huge, hugeFile), { sandbox, bundled: true })] });
      await ctx.cleanup();
    } finally {
      await sandbox.close();
    }
    const table: Table = {
      scenario: 'resources',
      title: 'Resources of one upload',
      columns: ['What', 'file', 'peak RSS MiB', 'CPU s', 'CPU s per GiB', 'wall s'],
      rows: rows.map((r) => {
        const cpu = median(r.runs.map((m) => m.cpuSec ?? NaN));
        return [
          r.name,
          r.size >= GiB ? `${fixed(r.size / GiB, 0)} GiB` : `${fixed(r.size / MiB, 0)} MiB`,
          fixed(median(r.runs.map((m) => (m.peakRssKiB ?? NaN) / 1024)), 0),
          fixed(cpu, 2),
          fixed(cpu / (r.size / GiB), 2),
          fixed(median(r.runs.map((m) => m.wallMs / 1000)), 2),
        ];
      }),
      notes: [
        `median of ${runs} run(s) (the large file once). Device Uploader's CPU covers SHA-256 and MD5 taken in the one read that sends the parts, HTTP and SQLite; the sandbox (BioT API) runs in the bench process and is not counted.`,
        'md5sum + sha256sum: CPU summed, RSS the larger of the two — the cost of the two hashes Device Uploader computes, done by coreutils.',
        "bundled = the same engine bundled to one JavaScript file, as the desktop app runs it (scripts/build-main.ts); the other rows run the TypeScript sources as `device-uploader` from a clone does (Node's type stripping loaded at start).",
      ],
      data: rows.map((r) => ({
        name: r.name,
        size: r.size,
        runs: r.runs.map((m) => ({ wallMs: m.wallMs, cpuSec: m.cpuSec, peakRssKiB: m.peakRssKiB })),
      })),
    };
    return [table, goals(rows)];
  },
};

/**
 * Issue 12's rows for this scenario, each with its reference and ratio: CPU
 * per GiB against coreutils hashing the same bytes (lower is better, so the
 * ratio is Device Uploader / md5sum+sha256sum), and peak RSS at both sizes
 * against the 120 MiB goal.
 */
function goals(rows: { name: string; size: number; runs: Measured[] }[]): Table {
  const perGiB = (r: { size: number; runs: Measured[] } | undefined) => (r ? median(r.runs.map((m) => m.cpuSec ?? NaN)) / (r.size / GiB) : NaN);
  const rss = (r: { runs: Measured[] } | undefined) => (r ? median(r.runs.map((m) => (m.peakRssKiB ?? NaN) / 1024)) : NaN);
  const du = rows.filter((r) => r.name === 'Device Uploader (8 MiB × 4)');
  const [big, huge] = [du[0], du[1]];
  const [bigBundled, hugeBundled] = rows.filter((r) => r.name === BUNDLED);
  const hashes = rows.find((r) => r.name === 'md5sum + sha256sum');
  const duCpu = perGiB(big);
  const hashCpu = perGiB(hashes);
  const rssGoal = 120;
  const rssRow = (label: string, r: { runs: Measured[] } | undefined, goalNote: string) => [
    label,
    fixed(rss(r), 0),
    `${rssGoal}`,
    ratio(rss(r), rssGoal, true),
    `≤ ${rssGoal} MiB${goalNote}`,
  ];
  const sized = (r: { size: number } | undefined) => (!r ? '?' : r.size >= GiB ? `${fixed(r.size / GiB, 0)} GiB` : `${fixed(r.size / MiB, 0)} MiB`);
  return {
    scenario: 'resources-goals',
    title: 'Resources against issue 12 goals',
    columns: ['Figure', 'Device Uploader', 'reference', 'ratio', 'goal'],
    rows: [
      [
        'CPU s per GiB vs md5sum + sha256sum',
        fixed(duCpu, 2),
        fixed(hashCpu, 2),
        Number.isFinite(duCpu / hashCpu) ? `${fixed(duCpu / hashCpu, 2)}×` : '—',
        '≤ 1.05×',
      ],
      rssRow(`peak RSS MiB, ${sized(big)} upload`, big, ''),
      rssRow(`peak RSS MiB, ${sized(huge)} upload`, huge, ', flat'),
      rssRow(`same, bundled, ${sized(bigBundled)} upload`, bigBundled, ''),
      rssRow(`same, bundled, ${sized(hugeBundled)} upload`, hugeBundled, ', flat'),
    ],
    notes: ['CPU ratio = Device Uploader / (md5sum + sha256sum): below 1 is cheaper. RSS ratio = goal / measured: 1.00× or more meets the goal.'],
    data: [
      {
        duCpuPerGiB: duCpu,
        hashesCpuPerGiB: hashCpu,
        rssBigMiB: rss(big),
        rssHugeMiB: rss(huge),
        rssBundledBigMiB: rss(bigBundled),
        rssBundledHugeMiB: rss(hugeBundled),
      },
    ],
  };
}

function sum(a: Measured, b: Measured): Measured {
  return {
    wallMs: a.wallMs + b.wallMs,
    cpuSec: (a.cpuSec ?? NaN) + (b.cpuSec ?? NaN),
    peakRssKiB: Math.max(a.peakRssKiB ?? NaN, b.peakRssKiB ?? NaN),
    stdout: '',
    stderr: '',
    code: 0,
  };
}
