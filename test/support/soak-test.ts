// Runs one soak scenario at short scale inside `npm test` and fails, with the
// figure table, when any bound does not hold. `npm run soak` runs the same
// scenarios at full scale.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderFigures, type SoakScenario } from '../soak/types.ts';
import { describeWithS3 } from './s3.ts';

export function soakTest(scenario: SoakScenario, options: { skip?: string | undefined; timeoutMs?: number } = {}): void {
  describeWithS3(`soak (short): ${scenario.name}`, (s3) => {
    it.skipIf(options.skip !== undefined)(
      `${scenario.describe}${options.skip ? ` [skipped: ${options.skip}]` : ''}`,
      async () => {
        const work = mkdtempSync(join(tmpdir(), 'du-soak-'));
        try {
          const figures = await scenario.run({ s3, work, scale: 'short', say: (line) => console.log(`[soak ${scenario.name}] ${line}`) });
          console.log(renderFigures(figures));
          expect(
            figures.filter((f) => !f.held),
            renderFigures(figures),
          ).toEqual([]);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      },
      options.timeoutMs ?? 240_000,
    );
  });
}
