// Issue 5, table 1: one big file, 8 MiB parts, 4 in parallel, Device Uploader
// against the usual tools and the bare pre-signed loop (this server's ceiling).
import type { Sandbox } from '../../app/sandbox/index.ts';
import { MiB } from '../options.ts';
import { awscliPeer, rclonePeer } from '../peers/cli-peers.ts';
import { deviceUploaderCliPeer } from '../peers/device-uploader-cli.ts';
import { libStoragePeer, rawUndiciPeer } from '../peers/node-peers.ts';
import { fixed } from '../stats.ts';
import { ratio, type Table } from '../table.ts';
import { medianOf, runSeries } from './runs.ts';
import type { Scenario } from './types.ts';

export const throughput: Scenario = {
  name: 'throughput',
  describe: 'one big file, 8 MiB parts, 4 in parallel, against peers',
  async run(ctx) {
    const size = ctx.options.bigFile;
    const file = ctx.file(size);
    const sandbox: Sandbox | undefined = await ctx.sandbox();
    const du = deviceUploaderCliPeer(() => sandbox as Sandbox);
    const peers = [du, libStoragePeer, awscliPeer, rclonePeer, rawUndiciPeer];
    try {
      // Untimed: the first upload to a fresh radosgw is slower (allocation, bucket index).
      await rawUndiciPeer.upload(ctx, { file, size, partSize: 8 * MiB, concurrency: 4, key: 'warmup.bin' });
      await ctx.cleanup();
      const series = await runSeries(
        ctx,
        peers,
        (peer, run) => ({ file, size, partSize: 8 * MiB, concurrency: 4, key: `throughput-${run}-${peer.name.replace(/\W+/g, '-')}.bin` }),
        ctx.options.runs,
      );
      const mibps = new Map(series.map((s) => [s.peer, medianOf(s.runs, (r) => r.mibPerSec)]));
      const others = series.filter((s) => s.peer !== du && s.peer !== rawUndiciPeer && s.runs.length);
      const bestPeer = Math.max(...others.map((s) => mibps.get(s.peer) as number));
      const best = others.find((s) => mibps.get(s.peer) === bestPeer);
      const ceiling = mibps.get(rawUndiciPeer) ?? NaN;
      const rows = series.map((s) => {
        if (!s.runs.length) return [s.peer.name, s.skipped ? `not found: ${s.skipped}` : `failed: ${s.failed}`, '', '', '', '', '', ''];
        const m = mibps.get(s.peer) as number;
        return [
          s.peer.name,
          fixed(m),
          s.runs.map((r) => fixed(r.mibPerSec, 0)).join(' / '),
          fixed(
            medianOf(s.runs, (r) => r.wallMs / 1000),
            2,
          ),
          fixed(
            medianOf(s.runs, (r) => r.cpuSec),
            2,
          ),
          fixed(
            medianOf(s.runs, (r) => (r.peakRssKiB ?? NaN) / 1024),
            0,
          ),
          ratio(m, bestPeer),
          ratio(m, ceiling),
        ];
      });
      const duRuns = series[0]?.runs ?? [];
      const notes = [
        `${fixed(size / MiB, 0)} MiB file in page cache, radosgw (memstore) on loopback; ${ctx.options.runs} run(s) per tool, interleaved; median shown.`,
        "MiB/s = file size / wall time of the whole process (start-up included, same for every tool). CPU and RSS of the tool's process only (GNU time), not radosgw's nor the sandbox's.",
        `best peer: ${best?.peer.name ?? '—'}. Device Uploader also hashes the whole file (SHA-256, the dedup key, taken in the same read that sends the parts) and checks each part's MD5 against its ETag; lib-storage, awscli and rclone send no checksum here.`,
      ];
      if (duRuns.length) {
        notes.push(
          `Device Uploader: \`device-uploader run --once\` as a person starts it (the bundle \`npm install\` built), 2 files × 4 parts of 8 MiB; its phases (median, from its queue database): start-up and intake ${fixed(medianOf(duRuns, (r) => r.detail?.intakeMs) / 1000, 2)} s, upload ${fixed(medianOf(duRuns, (r) => r.detail?.uploadMs) / 1000, 2)} s = ${fixed(medianOf(duRuns, (r) => r.detail?.uploadMiBps))} MiB/s for the transfer alone.`,
        );
      }
      for (const s of series) if (s.skipped) notes.push(`${s.peer.name} skipped: ${s.skipped}`);
      const table: Table = {
        scenario: 'throughput',
        title: `Throughput: ${fixed(size / MiB, 0)} MiB file, 8 MiB parts, 4 in parallel`,
        columns: ['Tool', 'MiB/s', 'runs', 'wall s', 'CPU s', 'peak RSS MiB', 'vs best peer', 'vs ceiling'],
        rows,
        notes,
        data: series.map((s) => ({
          tool: s.peer.name,
          skipped: s.skipped,
          failed: s.failed,
          medianMiBps: mibps.get(s.peer),
          runs: s.runs.map((r) => ({ mibPerSec: r.mibPerSec, wallMs: r.wallMs, cpuSec: r.cpuSec, peakRssKiB: r.peakRssKiB, detail: r.detail })),
        })),
      };
      return [table];
    } finally {
      await sandbox.close();
    }
  },
};
