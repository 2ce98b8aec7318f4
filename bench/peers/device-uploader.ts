// The bench's own Device Uploader child (du-child.ts) for the scenarios that
// compare Device Uploader with itself (sweep, resources, slow-link): the
// engine in its own process, the sandbox BioT API (in the bench process)
// handing out radosgw links, MD5 of every part checked against its ETag,
// SHA-256 of the file. Against the peers it runs as a person starts it:
// device-uploader-cli.ts.
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import type { Sandbox } from '../../app/sandbox/index.ts';
import type { BenchContext } from '../context.ts';
import { lastJson, measure, mustSucceed } from '../measure.ts';
import { rate, type PeerRun, type UploadJob } from './types.ts';

const child = resolve(import.meta.dirname, 'du-child.ts');
let runSeq = 0;

export interface DuReport {
  queued: number;
  done: number;
  intakeMs: number;
  uploadMs: number;
  errors: string[];
}

export interface DuRunOptions {
  sandbox: Sandbox;
  /** The folder to upload (already filled); defaults to a folder holding a hard link to job.file. */
  inbox?: string;
  transfer?: Record<string, number>;
  bytes?: number;
  /**
   * Run the child bundled to one JavaScript file, as the desktop app runs its
   * engine (scripts/build-main.ts): no TypeScript stripping at start, one module.
   */
  bundled?: boolean;
}

let bundle: Promise<string> | undefined;

/**
 * du-child.ts bundled with the desktop build's settings (ESM, node24,
 * better-sqlite3 external), built once per bench run. Written under
 * node_modules/.cache so the external resolves from the project's node_modules.
 */
function bundledChild(): Promise<string> {
  return (bundle ??= buildChild(join(resolve(import.meta.dirname, '..', '..'), 'node_modules', '.cache', 'du-bench', `du-child-${process.pid}.mjs`)));
}

async function buildChild(out: string): Promise<string> {
  // Bundles of earlier runs go: one bench at a time uses this folder.
  rmSync(dirname(out), { recursive: true, force: true });
  await build({
    entryPoints: [child],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: ['better-sqlite3'],
    keepNames: true,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __duCreateRequire } from 'node:module';\nconst require = __duCreateRequire(import.meta.url);" },
  });
  return out;
}

/** Runs the engine once over a folder; returns the measurement and its own report. */
export async function runDeviceUploader(ctx: BenchContext, job: UploadJob, opts: DuRunOptions): Promise<PeerRun & { report: DuReport }> {
  const dir = join(ctx.work, `du-run-${runSeq++}`);
  let inbox = opts.inbox;
  if (!inbox) {
    inbox = join(dir, 'inbox');
    mkdirSync(inbox, { recursive: true });
    // A hard link, not a symlink: the folder scan takes regular files only.
    linkSync(job.file, join(inbox, job.key));
  }
  mkdirSync(dir, { recursive: true });
  const config = {
    dataDir: join(dir, 'data'),
    server: { baseUrl: opts.sandbox.url, auth: { type: 'user', ...opts.sandbox.credentials.user } },
    folders: [{ id: 'bench', path: inbox, quietSeconds: 0 }],
    transfer: {
      partSizeMiB: job.partSize / 2 ** 20,
      parallelParts: job.concurrency,
      parallelFiles: 2,
      ...opts.transfer,
    },
  };
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const m = mustSucceed(
    'device-uploader',
    await measure({
      command: process.execPath,
      args: [...(process.env.DU_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), opts.bundled ? await bundledChild() : child, configFile],
      timeoutMs: 30 * 60_000,
    }),
  );
  const report = lastJson<DuReport>(m.stdout);
  const bytes = opts.bytes ?? job.size;
  return {
    ...m,
    report,
    mibPerSec: rate(bytes, m.wallMs),
    detail: { intakeMs: report.intakeMs, uploadMs: report.uploadMs, uploadMiBps: rate(bytes, report.uploadMs) },
  };
}
