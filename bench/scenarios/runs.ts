// Runs each peer `runs` times, interleaved (A B C A B C ...) so a burst of
// load from elsewhere on the machine hits every tool alike, with the bucket
// emptied and radosgw's gc run between uploads.
import type { BenchContext } from '../context.ts';
import type { Peer, PeerRun, UploadJob } from '../peers/types.ts';
import { fixed, median } from '../stats.ts';

export interface PeerSeries {
  peer: Peer;
  runs: PeerRun[];
  skipped?: string;
  failed?: string;
}

export async function runSeries(ctx: BenchContext, peers: Peer[], job: (peer: Peer, run: number) => UploadJob, runs: number): Promise<PeerSeries[]> {
  const series: PeerSeries[] = peers.map((peer) => ({ peer, runs: [], ...(peer.missing() && { skipped: peer.missing() }) }));
  for (let run = 0; run < runs; run++) {
    for (const s of series) {
      if (s.skipped || s.failed) continue;
      try {
        const r = await s.peer.upload(ctx, job(s.peer, run));
        s.runs.push(r);
        ctx.say(`${s.peer.name}: ${r.mibPerSec.toFixed(1)} MiB/s, ${fixed(r.cpuSec, 2)} CPU s, ${fixed((r.peakRssKiB ?? NaN) / 1024, 0)} MiB RSS`);
      } catch (error) {
        s.failed = (error as Error).message;
        ctx.say(`${s.peer.name} failed: ${s.failed}`);
      } finally {
        await ctx.cleanup();
      }
    }
  }
  return series;
}

export function medianOf(runs: PeerRun[], pick: (r: PeerRun) => number | undefined): number {
  return median(runs.map((r) => pick(r) ?? NaN));
}
