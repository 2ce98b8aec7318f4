// The sandbox's state on disk (app/sandbox/state.ts): a snapshot and a
// journal of the records changed since. A sandbox killed without closing
// keeps what it journalled; a line cut short by the kill is skipped; a
// close (or the next open) folds the journal into the snapshot. Real files.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxState, type FileRecord } from '../../app/sandbox/state.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-sandbox-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const journal = () => join(dir, 'sandbox-state.changes.jsonl');

function record(id: string): FileRecord {
  return {
    id,
    kind: 'single',
    name: 'n',
    mimeType: 'application/octet-stream',
    key: `k/${id}`,
    status: 'uploading',
    parts: 1,
    etags: {},
    createdAt: '2026-12-05T00:00:00.000Z',
  };
}

describe('the sandbox state', () => {
  it('journals only the records changed, and a state opened after a kill has them all', () => {
    const first = new SandboxState(dir);
    for (const id of ['a', 'b']) {
      first.doc.files[id] = record(id);
      first.saveFile(first.doc.files[id]!);
    }
    first.flush();
    const a = first.file('a')!;
    a.status = 'completed';
    first.saveFile(a);
    first.flush();
    // Three lines: a, b, then a again, never the whole document.
    expect(readFileSync(journal(), 'utf8').trim().split('\n')).toHaveLength(3);
    first.doc.entities.patient.p1 = { id: 'p1', createdAt: 'c', updatedAt: 'u', attributes: { x: 1 } };
    first.saveEntity('patient', first.doc.entities.patient.p1);
    first.flush();
    appendFileSync(journal(), '{"file":{"id":"torn"'); // the kill cut the last line short

    const second = new SandboxState(dir); // no close() on the first: as after kill -9
    expect(second.file('a')?.status).toBe('completed');
    expect(second.file('b')?.status).toBe('uploading');
    expect(second.file('torn')).toBeUndefined();
    expect(second.entity('patient', 'p1')?.attributes).toEqual({ x: 1 });
    expect(second.doc.secret).toBe(first.doc.secret);
    // Opening folded the journal into the snapshot.
    expect(existsSync(journal())).toBe(false);
  });

  it('writes what changed since the last journal line at close, and nothing after it', () => {
    const state = new SandboxState(dir);
    state.doc.files.c = record('c');
    state.saveFile(state.doc.files.c);
    state.close();
    state.doc.files.d = record('d');
    state.saveFile(state.doc.files.d);
    state.flush();
    const again = new SandboxState(dir);
    expect(again.file('c')).toBeDefined();
    expect(again.file('d')).toBeUndefined();
  });
});
