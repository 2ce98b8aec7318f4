// `npm run soak [-- --short] [-- --only network-faults,kill-9]`: starts a
// private radosgw on free loopback ports, runs each fault scenario against the
// sandbox over it, and prints one table of figures with the bound each must
// hold. Exit 1 when any bound does not hold. Progress goes to stderr.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { machineLine } from '../support/machine.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { radosgwMissing, startRadosgw } from '../support/radosgw.ts';
import { soakScenarios } from './scenarios/index.ts';
import { renderFigures, type Figure } from './types.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { short: { type: 'boolean' }, only: { type: 'string' } }, strict: true });
const only = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : [];
const unknown = only.filter((n) => !soakScenarios.some((s) => s.name === n));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${soakScenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = only.length ? soakScenarios.filter((s) => only.includes(s.name)) : soakScenarios;
const scale = values.short ? 'short' : 'full';
const say = (line: string) => process.stderr.write(`[soak] ${line}\n`);
const missing = radosgwMissing();
if (missing) {
  console.error(`cannot soak: ${missing}`);
  process.exit(1);
}

const started = Date.now();
say(`starting radosgw (${scale} run)`);
const rgw = await startRadosgw({ memstoreBytes: 10 * 1024 ** 3 });
const work = mkdtempSync(join(tmpdir(), 'du-soak-'));
const figures: Figure[] = [];
try {
  for (const scenario of chosen) {
    say(`scenario ${scenario.name}: ${scenario.describe}`);
    const t0 = Date.now();
    try {
      const got = await scenario.run({ s3: rgw.target, work, scale, say });
      figures.push(...got);
      process.stdout.write(renderFigures(got));
    } catch (error) {
      say(`scenario ${scenario.name} failed: ${(error as Error).stack ?? String(error)}`);
      figures.push({ scenario: scenario.name, figure: 'ran to the end', measured: 'no', mustHold: 'yes', held: false });
    }
    say(`scenario ${scenario.name} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
} finally {
  rgw.stop();
  rmSync(work, { recursive: true, force: true });
}

const machine = machineLine();
const footer = `_${scale === 'short' ? 'Short' : 'Full'} soak, ${((Date.now() - started) / 60_000).toFixed(1)} min, ${new Date().toISOString()}; ${machine}._`;
const table = `${renderFigures(figures)}\n${footer}\n`;
process.stdout.write(`\n## All figures\n\n${table}`);
const dir = resolve(import.meta.dirname, '..', '..', 'test-results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'soak-latest.md'), table);
process.exit(figures.every((f) => f.held) ? 0 : 1);
