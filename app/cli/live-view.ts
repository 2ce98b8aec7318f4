// What `run` shows: on a terminal, a live block redrawn a few times a second
// (per active file and the total, speed, ETA); elsewhere, one plain line per
// state change, with ids only, fit for a service log.
import type { EngineEvent, Snapshot } from '../api.ts';
import type { Engine } from '../engine/engine.ts';
import { formatBytes, formatEta, formatSpeed, screenText } from './format.ts';

/** Starts showing progress; returns a function that stops it. */
export function showProgress(engine: Engine, out: NodeJS.WriteStream): () => void {
  return out.isTTY ? liveBlock(engine, out) : plainLines(engine, out);
}

function liveBlock(engine: Engine, out: NodeJS.WriteStream): () => void {
  let drawn = 0;
  const draw = async () => {
    const snap = await engine.snapshot({ states: ['uploading', 'completing'], limit: 8 });
    const lines = render(snap, out.columns ?? 100);
    // Move up over the previous block and clear it, then draw the new one.
    out.write(`${drawn ? `\x1b[${drawn}A` : ''}\x1b[0J${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => void draw(), 500);
  void draw();
  return () => clearInterval(timer);
}

/** The live block's lines for one snapshot (exported for tests). */
export function render(snap: Snapshot, width: number): string[] {
  const t = snap.totals;
  const c = t.counts;
  const lines = [
    `queued ${c.queued}  uploading ${c.uploading + c.completing}  done ${c.done}  failed ${c.failed}  ` +
      `needs attention ${c['needs-attention']}  |  ${formatSpeed(t.speed)}  left ${formatBytes(t.bytesRemaining)}  ETA ${formatEta(t.etaSeconds)}`,
  ];
  // What holds uploads (login refused, data folder full...) belongs on screen, not only in the window's banner.
  if (snap.connection.state !== 'ok' && snap.connection.state !== 'unknown' && snap.connection.advice) {
    lines.push(`  ! ${snap.connection.advice}`.slice(0, width));
  }
  for (const row of snap.rows) {
    const pct = row.size ? Math.floor((row.bytesDone / row.size) * 100) : 100;
    const shown = screenText(row.relPath);
    const name = shown.length > 40 ? `…${shown.slice(-39)}` : shown;
    lines.push(
      `  ${String(pct).padStart(3)}% ${name.padEnd(40)} ${formatBytes(row.size).padStart(10)} ${formatSpeed(row.speed).padStart(12)} ETA ${formatEta(row.etaSeconds)}`.slice(
        0,
        width,
      ),
    );
  }
  return lines;
}

function plainLines(engine: Engine, out: NodeJS.WriteStream): () => void {
  const last = new Map<number, string>();
  return engine.onEvent((event: EngineEvent) => {
    if (event.type === 'connection')
      out.write(`connection ${event.connection.state}${event.connection.advice ? `: ${event.connection.advice}` : ''}\n`);
    if (event.type !== 'progress') return;
    // One write per event, not per row: a thousand small files a minute made a write each (issue 20).
    let lines = '';
    const at = new Date(event.at).toISOString();
    for (const row of event.rows) {
      if (last.get(row.id) === row.state) continue;
      last.set(row.id, row.state);
      lines += `${at} file ${row.id} ${row.state}\n`;
    }
    if (lines) out.write(lines);
  });
}
