// What a soak scenario is: a run against the sandbox over a real S3 server that
// returns figures, each with the bound it must hold. `npm run soak` runs them at
// full scale and prints one table; test/integration/soak-short.test.ts runs each
// at short scale inside `npm test` and asserts the bounds.
import type { S3Target } from '../support/radosgw.ts';

export type Scale = 'short' | 'full';

export interface SoakContext {
  s3: S3Target;
  /** A temp folder of this run, removed afterwards. */
  work: string;
  scale: Scale;
  /** Progress for a person watching (stderr), never figures. */
  say(line: string): void;
}

/** One figure of the table. */
export interface Figure {
  scenario: string;
  figure: string;
  measured: string;
  mustHold: string;
  held: boolean;
}

export interface SoakScenario {
  name: string;
  describe: string;
  run(ctx: SoakContext): Promise<Figure[]>;
}

/** A figure whose bound is "equals". */
export function exactly(scenario: string, figure: string, measured: number, expected: number): Figure {
  return { scenario, figure, measured: String(measured), mustHold: String(expected), held: measured === expected };
}

/** A figure whose bound is "at most". */
export function atMost(scenario: string, figure: string, measured: number, bound: number): Figure {
  return { scenario, figure, measured: String(measured), mustHold: `≤ ${bound}`, held: measured <= bound };
}

export function renderFigures(figures: Figure[]): string {
  const lines = ['| scenario | figure | measured | must hold | held |', '| --- | --- | ---: | ---: | --- |'];
  for (const f of figures) lines.push(`| ${f.scenario} | ${f.figure} | ${f.measured} | ${f.mustHold} | ${f.held ? 'yes' : '**NO**'} |`);
  return `${lines.join('\n')}\n`;
}
