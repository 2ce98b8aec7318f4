// Issue 20: a folder of small files (1,000 of 100 KiB) sent by
// `device-uploader run --once` (a BioT create and one PUT each) against
// `aws s3 cp --recursive` and `rclone copy` straight to the same radosgw
// (one PUT each, no BioT), 8 files in flight and each tool at its own
// default. small-files-rtt runs the same with a round trip of 40 ms: a
// delaying TCP proxy in front of BioT and one in front of storage, every
// tool going through the same one.
import { join } from 'node:path';
import { spawnDelayProxy } from '../delay-proxy.ts';
import type { Measured } from '../measure.ts';
import { awscliFolder, rcloneFolder, type FolderPeer } from '../peers/cli-folder-peers.ts';
import { doneCount, runCli, writeCliConfig } from '../peers/cli-run.ts';
import { fixed, median } from '../stats.ts';
import type { Table } from '../table.ts';
import type { BenchContext } from '../context.ts';
import { makeFiles } from './queue-scale.ts';
import type { Scenario } from './types.ts';

/** Files in flight for the like-for-like rows (issue 20: "8 in flight"). */
const IN_FLIGHT = 8;

interface Tool {
  name: string;
  device: boolean;
  /** 'same' = IN_FLIGHT for every tool; 'default' = what the tool does untold. */
  setting: 'same' | 'default';
  inFlight: string;
  run(): Promise<Measured>;
}

let seq = 0;

function tools(
  ctx: BenchContext,
  src: string,
  count: number,
  baseUrl: string,
  credentials: { username: string; password: string },
  endpoint?: string,
): Tool[] {
  const device = (setting: 'same' | 'default'): Tool => ({
    name: 'Device Uploader run --once',
    device: true,
    setting,
    inFlight: setting === 'same' ? `${IN_FLIGHT}` : '8 (default: 2 files × 4 parts)',
    async run() {
      const { file } = writeCliConfig({
        dir: join(ctx.work, `small-run-${seq++}`),
        baseUrl,
        credentials,
        folder: { path: src },
        // 8 connections to storage, as the peers get: small files go one per connection (app/engine/lanes.ts).
        ...(setting === 'same' && { transfer: { parallelFiles: IN_FLIGHT, parallelParts: 1 } }),
      });
      const m = await runCli({ config: file, once: true, timeoutMs: 30 * 60_000 });
      const done = doneCount(m.stdout);
      if (done !== count) throw new Error(`Device Uploader sent ${done} of ${count} files: ${m.stdout.slice(-300)}`);
      return m;
    },
  });
  const peer = (p: FolderPeer, setting: 'same' | 'default'): Tool => ({
    name: p.name,
    device: false,
    setting,
    inFlight: setting === 'same' ? `${IN_FLIGHT}` : `${p.defaultInFlight} (default)`,
    run: () => p.copy(ctx, src, `small-${seq++}`, { ...(setting === 'same' && { inFlight: IN_FLIGHT }), ...(endpoint && { endpoint }) }),
  });
  const peers = [awscliFolder, rcloneFolder].filter((p) => {
    const missing = p.missing();
    if (missing) ctx.say(`small files: ${p.name} skipped (${missing})`);
    return !missing;
  });
  return (['same', 'default'] as const).flatMap((setting) => [device(setting), ...peers.map((p) => peer(p, setting))]);
}

function smallFiles(name: string, rttMs: number): Scenario {
  return {
    name,
    describe: `${rttMs ? `at ${rttMs} ms round trip: ` : ''}files/s of run --once vs aws s3 cp --recursive and rclone copy, 100 KiB files`,
    async run(ctx) {
      const { smallCount: count, smallSize, runs } = ctx.options;
      const src = join(ctx.work, `${name}-files`);
      ctx.say(`${name}: making ${count} files of ${smallSize / 1024} KiB`);
      makeFiles(src, count, smallSize);
      const storage = rttMs ? await spawnDelayProxy(ctx.target.endpoint, rttMs) : undefined;
      let api: { url: string; stop(): void } | undefined;
      try {
        const sandbox = await ctx.sandbox(storage ? { linkEndpoint: storage.url } : {});
        try {
          api = rttMs ? await spawnDelayProxy(sandbox.url, rttMs) : undefined;
          const list = tools(ctx, src, count, api?.url ?? sandbox.url, sandbox.credentials.user, storage?.url);
          const results = new Map<Tool, Measured[]>();
          // Interleaved: a burst of load from elsewhere hits every tool alike.
          for (let run = 0; run < runs; run++) {
            for (const tool of list) {
              const m = await tool.run();
              await ctx.cleanup();
              results.set(tool, [...(results.get(tool) ?? []), m]);
              ctx.say(`${name}: ${tool.name} × ${tool.inFlight}: ${(count / (m.wallMs / 1000)).toFixed(1)} files/s, ${fixed(m.cpuSec, 2)} CPU s`);
            }
          }
          return [table(name, rttMs, count, smallSize, runs, list, results)];
        } finally {
          api?.stop();
          await sandbox.close();
        }
      } finally {
        storage?.stop();
      }
    },
  };
}

function table(name: string, rttMs: number, count: number, size: number, runs: number, list: Tool[], results: Map<Tool, Measured[]>): Table {
  const rate = (t: Tool) => median((results.get(t) ?? []).map((m) => count / (m.wallMs / 1000)));
  const best = (setting: Tool['setting']) => Math.max(...list.filter((t) => !t.device && t.setting === setting).map(rate));
  return {
    scenario: name,
    title: `${count.toLocaleString('en')} files of ${size / 1024} KiB${rttMs ? `, ${rttMs} ms round trip to BioT and storage` : ''}`,
    columns: ['Tool', 'in flight', 'files/s', 'runs', 'wall s', 'CPU s', 'CPU ms per file', 'peak RSS MiB', 'vs best peer'],
    rows: list.map((t) => {
      const ms = results.get(t) ?? [];
      const cpu = median(ms.map((m) => m.cpuSec ?? NaN));
      return [
        t.name,
        t.inFlight,
        fixed(rate(t), 1),
        ms.map((m) => fixed(count / (m.wallMs / 1000), 0)).join(' / '),
        fixed(median(ms.map((m) => m.wallMs / 1000)), 2),
        fixed(cpu, 2),
        fixed((cpu * 1000) / count, 2),
        fixed(median(ms.map((m) => (m.peakRssKiB ?? NaN) / 1024)), 0),
        t.device ? `${fixed(rate(t) / best(t.setting), 2)}×` : '',
      ];
    }),
    notes: [
      `files/s = files / wall time of the whole process (start-up included), median of ${runs} interleaved run(s); CPU and peak RSS of the tool's own process (GNU time).`,
      "Device Uploader: `device-uploader run --once --config FILE` as a person starts it, over a fresh data folder each run, default settings (2 files × 4 parts: 8 connections, one per small file, and 8 more small files making their BioT file ahead) but parallelFiles 8 × parallelParts 1 where the row says 8 (the same 8 connections); each file is a BioT create (the sandbox BioT, in the bench's process) and one PUT to storage, its ETag checked against the MD5, its SHA-256 recorded. aws s3 cp --recursive and rclone copy send the same folder straight to the bench bucket (one PUT per file, no BioT, no state).",
      "vs best peer = Device Uploader's files/s over the faster of the two peers in the same setting (8 in flight, or each at its own default).",
      ...(rttMs
        ? [
            `Round trip: a TCP proxy of the bench's (bench/delay-proxy.ts, its own process) delays every byte by ${rttMs / 2} ms each way and a new connection by ${rttMs} ms; one in front of storage for every tool, one in front of BioT for Device Uploader; bandwidth not limited.`,
          ]
        : []),
    ],
    data: list.map((t) => ({
      tool: t.name,
      setting: t.setting,
      inFlight: t.inFlight,
      runs: (results.get(t) ?? []).map((m) => ({ wallMs: m.wallMs, cpuSec: m.cpuSec, peakRssKiB: m.peakRssKiB })),
      filesPerSec: rate(t),
    })),
  };
}

export const smallFilesDirect = smallFiles('small-files', 0);
export const smallFilesRtt = smallFiles('small-files-rtt', 40);
