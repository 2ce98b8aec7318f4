// app/biot/generated must be exactly what `npm run gen:biot` makes from the
// vendored documents in spec/biot: a hand edit of a generated file, or a
// document replaced without regenerating, fails here rather than in review.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateBiotTypes, generatedDir, vendoredSpecDir } from '../../scripts/generate-biot-types.ts';

it('app/biot/generated is what gen:biot makes from spec/biot', async () => {
  const fresh = await generateBiotTypes(vendoredSpecDir);
  expect([...fresh.keys()].sort()).toEqual(
    readdirSync(generatedDir)
      .filter((f) => f.endsWith('.ts'))
      .sort(),
  );
  for (const [file, text] of fresh) {
    expect(readFileSync(join(generatedDir, file), 'utf8'), `${file} differs from gen:biot's output; run npm run gen:biot`).toBe(text);
  }
}, 30_000);
