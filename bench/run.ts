// `npm run bench [-- --quick] [-- --only throughput,sweep]`: starts a private
// radosgw on free loopback ports, runs the scenarios, prints one markdown
// table per scenario to stdout (progress goes to stderr) and writes the same
// as JSON under bench/results/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { machineLine } from '../test/support/machine.ts';
import { join, resolve } from 'node:path';
import { radosgwMissing, startRadosgw } from '../test/support/radosgw.ts';
import { createContext } from './context.ts';
import { parseBenchArgs } from './options.ts';
import { ensureCliPeers } from './peers/cli-peers.ts';
import { bulkCommands } from './scenarios/bulk-commands.ts';
import { growing } from './scenarios/growing.ts';
import { memory } from './scenarios/memory.ts';
import { queueScale } from './scenarios/queue-scale.ts';
import { resources } from './scenarios/resources.ts';
import { slowLink } from './scenarios/slow-link.ts';
import { smallFilesDirect, smallFilesRtt } from './scenarios/small-files.ts';
import { sweep } from './scenarios/sweep.ts';
import { throughput } from './scenarios/throughput.ts';
import type { Scenario } from './scenarios/types.ts';
import { renderTable, type Table } from './table.ts';

const scenarios: Scenario[] = [throughput, sweep, resources, smallFilesDirect, smallFilesRtt, memory, queueScale, bulkCommands, growing, slowLink];

const options = parseBenchArgs(process.argv.slice(2));
const chosen = options.only.length ? scenarios.filter((s) => options.only.includes(s.name)) : scenarios;
const unknown = options.only.filter((n) => !scenarios.some((s) => s.name === n));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const missing = radosgwMissing();
if (missing) {
  console.error(`cannot benchmark: ${missing}`);
  process.exit(1);
}
ensureCliPeers(say);

const started = Date.now();
say(`starting radosgw (${options.quick ? 'quick' : 'full'} run, ${options.runs} run(s) per tool)`);
// Memstore holds objects in RAM: room for the 4 GiB resources run plus slack.
const rgw = await startRadosgw({ memstoreBytes: 10 * 1024 ** 3 });
const work = mkdtempSync(join(tmpdir(), 'du-bench-'));
const tables: Table[] = [];
try {
  const ctx = await createContext(options, rgw, work);
  for (const scenario of chosen) {
    say(`scenario ${scenario.name}: ${scenario.describe}`);
    const t0 = Date.now();
    try {
      for (const table of await scenario.run(ctx)) {
        tables.push(table);
        process.stdout.write(`${renderTable(table)}\n`);
      }
    } catch (error) {
      say(`scenario ${scenario.name} failed: ${(error as Error).stack ?? error}`);
      const failed: Table = {
        scenario: scenario.name,
        title: `${scenario.name}: failed`,
        columns: ['error'],
        rows: [[String((error as Error).message)]],
        notes: [],
        data: [],
      };
      tables.push(failed);
      process.stdout.write(`${renderTable(failed)}\n`);
    }
    say(`scenario ${scenario.name} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
} finally {
  rgw.stop();
  rmSync(work, { recursive: true, force: true });
}

const machine = machineLine();
const footer = `_${options.quick ? 'Quick' : 'Full'} run, ${((Date.now() - started) / 60_000).toFixed(1)} min, ${new Date().toISOString()}; ${machine}._`;
process.stdout.write(`${footer}\n`);
const dir = resolve(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const out = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}${options.quick ? '-quick' : ''}.json`);
writeFileSync(
  out,
  JSON.stringify({ options, machine, startedAt: new Date(started).toISOString(), minutes: (Date.now() - started) / 60_000, tables }, null, 2),
);
writeFileSync(join(dir, 'latest.md'), `${tables.map(renderTable).join('\n')}\n${footer}\n`);
say(`results: ${out}`);
