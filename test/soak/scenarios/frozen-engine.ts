// A laptop lid closes mid-upload: the engine is frozen (SIGSTOP) for longer
// than its token and its links live, then thawed (SIGCONT). The upload must
// finish with no error a person would see.
import { startEngine } from '../child-engine.ts';
import { writeExport } from '../export-files.ts';
import { auditTransitionsInto, etaggedParts, queueFiles } from '../queue-reader.ts';
import { createSoakWorld, takeCensus } from '../soak-world.ts';
import { until } from '../../support/wait.ts';
import { exactly, type SoakScenario } from '../types.ts';

const MiB = 1024 * 1024;

export const frozenEngine: SoakScenario = {
  name: 'frozen',
  describe: 'the engine frozen (SIGSTOP) while links and tokens expire, then SIGCONT',
  async run(ctx) {
    const full = ctx.scale === 'full';
    const ttl = full ? 60 : 6;
    const frozenMs = full ? 180_000 : 15_000;
    const world = await createSoakWorld(ctx, {}, { tokenTtlSeconds: ttl, linkTtlSeconds: ttl });
    try {
      const inbox = world.folder('inbox');
      const file = writeExport(inbox, 'lid-closed.edf', 40 * MiB);
      const config = world.writeConfig({ inbox: { path: inbox } }, { maxBytesPerSecond: 4 * MiB, partSizeMiB: 5 });
      const engine = startEngine(config);
      try {
        await until('two parts to land before the freeze', () => etaggedParts(world.dataDir).size >= 2, {
          timeoutMs: 60_000,
          seen: () => queueFiles(world.dataDir).map((f) => f.state),
        });
        engine.child.kill('SIGSTOP');
        ctx.say(`frozen for ${frozenMs / 1000} s (token and link TTL ${ttl} s)`);
        await new Promise((done) => setTimeout(done, frozenMs));
        engine.child.kill('SIGCONT');
        await until(
          'the upload to be done after the thaw',
          () => queueFiles(world.dataDir).some((f) => f.state === 'done') || engine.child.exitCode !== null,
          {
            timeoutMs: 120_000,
            seen: () => `not done after the thaw: ${JSON.stringify(queueFiles(world.dataDir).map((f) => [f.state, f.lastErrorCode]))}`,
          },
        ).catch((error: Error) => ctx.say(error.message));
      } finally {
        engine.child.kill('SIGCONT');
        engine.child.kill('SIGTERM');
        await engine.exited;
      }
      const census = await takeCensus(world);
      const complete = [...census.contentOf.values()].includes(file.sha256) && census.duplicateCopies === 0;
      const visible = auditTransitionsInto(world.dataDir, ['needs-attention', 'failed']);
      const name = `frozen ${frozenMs / 1000} s`;
      return [
        exactly(name, 'upload complete, whole, once', complete ? 1 : 0, 1),
        exactly(name, 'user-visible errors (needs attention / failed)', visible, 0),
      ];
    } finally {
      await world.dispose();
    }
  },
};
