// Issue 10 §1/§2: bad input gets a clear, specific answer. Configs saved by
// Notepad, an archive folder that would loop, names cut mid-emoji, names
// carrying terminal escapes, malformed escapes in the control server's URL,
// failures that were answered with a bare 500 and logged as a bare name.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot, UploaderApi } from '../../app/api.ts';
import { render } from '../../app/cli/live-view.ts';
import { loadConfigFile, parseConfig } from '../../app/config/load.ts';
import { startControlServer } from '../../app/control/server.ts';
import { errorFacts } from '../../app/common/error-facts.ts';
import { biotNameFor } from '../../app/transfer/mime.ts';

const dir = mkdtempSync(join(tmpdir(), 'du-bad-input-'));

const base = {
  dataDir: 'data',
  server: { baseUrl: 'https://tenant.example', auth: { type: 'user', username: 'u', password: 'p' } },
};

describe('config file', () => {
  it('accepts a UTF-8 byte order mark (Windows Notepad)', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, `\uFEFF${JSON.stringify({ ...base, folders: [{ path: 'in' }] })}`, 'utf8');
    expect(readFileSync(file)[0]).toBe(0xef);
    expect(loadConfigFile(file).folders[0]?.path).toBe(join(dir, 'in'));
  });

  it('still places a real mistake after a BOM', () => {
    const file = join(dir, 'bom-broken.json');
    writeFileSync(file, '\uFEFF{\n "dataDir": "d",\n }', 'utf8');
    expect(() => loadConfigFile(file)).toThrow(/not valid JSON near line 3/);
  });

  const parse = (folders: unknown[]) => parseConfig({ ...base, folders }, { baseDir: '/etc/du' });
  it.each([
    [
      'equal to its watched folder',
      [{ path: 'in', afterUpload: 'move', archiveDir: 'in' }],
      /folders\[0\]\.archiveDir must be outside its own watched folder/,
    ],
    [
      'inside its watched folder',
      [{ path: 'in', afterUpload: 'move', archiveDir: 'in/done' }],
      /folders\[0\]\.archiveDir must be outside its own watched folder/,
    ],
    [
      'inside another watched folder',
      [{ path: 'a', afterUpload: 'move', archiveDir: 'b/x' }, { path: 'b' }],
      /folders\[0\]\.archiveDir must be outside the watched folder folders\[1\]\.path/,
    ],
  ])('refuses an archiveDir %s, naming the keys', (_name, folders, message) => {
    expect(() => parse(folders)).toThrow(message);
  });

  it('accepts an archiveDir beside the watched folder (even one whose name starts the same)', () => {
    expect(parse([{ path: 'in', afterUpload: 'move', archiveDir: 'in-done' }]).folders[0]?.archiveDir).toBe('/etc/du/in-done');
  });
});

describe('BioT names cut at 128 characters', () => {
  it('never split a surrogate pair (an emoji at the cut)', () => {
    const name = `${'a'.repeat(123)}😀😀😀.edf`; // the cut at 124 falls inside the first emoji
    const cut = biotNameFor(name);
    expect(cut.length).toBeLessThanOrEqual(128);
    expect(cut.endsWith('.edf')).toBe(true);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut).toBe(`${'a'.repeat(123)}.edf`);
  });

  it('keep a whole emoji that fits', () => {
    const name = `${'a'.repeat(122)}😀😀😀.edf`;
    expect(biotNameFor(name)).toBe(`${'a'.repeat(122)}😀.edf`);
  });
});

describe('the live view', () => {
  it('strips terminal control characters from file names', () => {
    const snap = {
      at: 0,
      totals: {
        counts: { queued: 0, uploading: 1, completing: 0, done: 0, failed: 0, 'needs-attention': 0 },
        doneToday: 0,
        speed: 0,
        bytesRemaining: 0,
        etaSeconds: null,
      },
      connection: { state: 'ok', advice: null, since: 0 },
      rows: [{ id: 1, relPath: 'a\x1b[2J\x1b]0;owned\x07b\r\u009bc.edf', size: 10, bytesDone: 5, speed: 0, etaSeconds: null }],
    } as unknown as Snapshot;
    const lines = render(snap, 200);
    expect(lines[1]).toContain('a?[2J?]0;owned?b??c.edf');
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    expect(lines.join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('says what holds uploads (the banner of a terminal)', () => {
    const snap = {
      at: 0,
      totals: {
        counts: { queued: 1, uploading: 0, completing: 0, done: 0, failed: 0, 'needs-attention': 0 },
        doneToday: 0,
        speed: 0,
        bytesRemaining: 0,
        etaSeconds: null,
      },
      connection: { state: 'data-folder-unwritable', advice: 'The disk is full: uploads are held.', since: 0 },
      rows: [],
    } as unknown as Snapshot;
    expect(render(snap, 200)[1]).toBe('  ! The disk is full: uploads are held.');
  });
});

describe('the control server', () => {
  const dist = mkdtempSync(join(tmpdir(), 'du-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>ui</title>');
  const failing = {
    pause: async () => {
      throw Object.assign(new Error(`EIO: i/o error, open '/exports/DOE_JANE.edf'`), { code: 'EIO' });
    },
  } as unknown as UploaderApi;

  it('answers 400 to a malformed % escape in the address, not 500', async () => {
    const server = await startControlServer(failing, { distDir: dist, token: 't'.repeat(43) });
    try {
      const res = await fetch(`${server.origin}/assets/%E0%A4%A.js`, { headers: { authorization: `Bearer ${server.token}` } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'the address has a malformed % escape' });
    } finally {
      await server.close();
    }
  });

  it('reports a failed command (a 500) with operation, code and stack, never the message with its path', async () => {
    const errors: [string, unknown][] = [];
    const server = await startControlServer(failing, { distDir: dist, token: 't'.repeat(43), onError: (op, e) => errors.push([op, e]) });
    try {
      const res = await fetch(`${server.origin}/api/pause`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      expect(res.status).toBe(500);
    } finally {
      await server.close();
    }
    expect(errors).toHaveLength(1);
    const facts = errorFacts(errors[0]![1], errors[0]![0]);
    expect(facts).toMatchObject({ operation: 'api.pause', error: 'Error', code: 'EIO' });
    expect(facts.stack).toMatch(/bad-input-answers\.test\.ts:\d+/);
    expect(JSON.stringify(facts)).not.toMatch(/DOE_JANE|exports|[\\/]/);
  });
});

describe('the engine thread', () => {
  it('never stats synchronously (a dead network share would freeze every transfer and the window)', () => {
    const app = join(import.meta.dirname, '..', '..', 'app');
    const files = [
      join(app, 'cli', 'once-scan.ts'),
      ...readdirSync(join(app, 'engine'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(app, 'engine', f)),
    ];
    const offenders = files.filter((f) => statSync(f).isFile() && /\b(?:stat|lstat|readdir|access)Sync\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
