// 200 exports through a network that misbehaves the whole time: TCP resets
// (before the request lands and after the server acted), stalls mid-body,
// bandwidth that swings, one flipped byte in some part bodies, and BioT
// answering 5xx and 429 with Retry-After. Every export must end whole, once.
import { startEngine } from '../child-engine.ts';
import { mixedSizes, writeExports } from '../export-files.ts';
import { knownBiotFiles, queueFiles } from '../queue-reader.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { until } from '../../support/wait.ts';
import { exactly, type Figure, type SoakScenario } from '../types.ts';

const MiB = 1024 * 1024;

export const networkFaults: SoakScenario = {
  name: 'network-faults',
  describe: 'mixed exports through a TCP fault proxy and a BioT answering 5xx/429',
  async run(ctx) {
    const full = ctx.scale === 'full';
    const count = full ? 200 : 16;
    const world = await createSoakWorld(ctx, {
      storage: {
        seed: 7,
        resetRate: 0.05,
        stallRate: 0.03,
        stallMs: 8_000,
        flipRate: 0.05,
        // Between ~15 and ~150 MiB/s, swinging every 20 s.
        bandwidth: (s) => (82 + 68 * Math.sin(s / 3)) * MiB,
      },
      api: { seed: 11, resetRate: 0.03 },
    });
    try {
      const inbox = world.folder('inbox');
      const files = writeExports(inbox, 'holter', mixedSizes(count, (full ? 200 : 24) * MiB, 3));
      for (const [op, nth, status, retryAfterSeconds] of [
        ['file.createSingle', 3, 429, 1],
        ['file.createMultipart', 2, 429, 2],
        ['file.partLinks', 4, 503, undefined],
        ['file.complete', 2, 500, undefined],
        ['file.saveEtags', 3, 503, undefined],
        ['ums.login', 1, 503, undefined],
      ] as const) {
        world.sandbox.faults.add({ op, nth, times: full ? 6 : 2, status, ...(retryAfterSeconds && { retryAfterSeconds }) });
      }
      const config = world.writeConfig({ inbox: { path: inbox } });
      const engine = startEngine(config);
      try {
        await until(
          'every export to be done',
          () => queueFiles(world.dataDir).filter((f) => f.state === 'done').length === count || engine.child.exitCode !== null,
          {
            timeoutMs: (full ? 20 : 4) * 60_000,
            seen: () =>
              `${queueFiles(world.dataDir).filter((f) => f.state === 'done').length} of ${count} done; states: ${JSON.stringify(stateCounts(world.dataDir))}`,
          },
        ).catch((error: Error) => ctx.say(error.message));
      } finally {
        engine.child.kill('SIGTERM');
        await engine.exited;
      }
      const rows = queueFiles(world.dataDir);
      const known = knownBiotFiles(world.dataDir);
      const census = await takeCensus(world);
      const bySource = new Map(files.map((f) => [f.path, f.sha256]));
      const done = rows.filter((r) => r.state === 'done');
      const corrupt = done.filter((r) => !r.biotFileId || census.contentOf.get(r.biotFileId) !== bySource.get(r.sourcePath)).length;
      const c = world.storageProxy.counts;
      ctx.say(
        `faults: ${c.connections} storage connections, ${c.resetsBeforeServer}+${c.resetsAfterServer} resets, ${c.stalls} stalls, ${c.flips} flipped bytes; API resets ${world.apiProxy.counts.resetsBeforeServer + world.apiProxy.counts.resetsAfterServer}; ${census.orphanIds.length} BioT files without bytes`,
      );
      const name = `${count} files, faults`;
      const figures: Figure[] = [
        exactly(name, 'done', done.length, count),
        exactly(name, 'duplicate BioT copies', census.duplicateCopies, 0),
        exactly(name, 'corrupt (SHA-256 of download vs source)', corrupt, 0),
        // A create whose answer the network lost leaves a BioT file the engine never heard of: BioT has
        // no idempotency key to find it by, and drops it as unattached. One the engine knew of is a defect.
        exactly(name, 'BioT files the engine knew of, left without bytes', census.orphanIds.filter((id) => known.has(id)).length, 0),
      ];
      return figures;
    } finally {
      await world.dispose();
    }
  },
};

function stateCounts(dataDir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of queueFiles(dataDir)) counts[f.state] = (counts[f.state] ?? 0) + 1;
  return counts;
}
