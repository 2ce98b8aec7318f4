// Backoff pacing (equal jitter: a floor of half the ceiling) and the transfer
// layer's single abortable sleep.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../app/transfer/backoff.ts';
import { sleep } from '../../app/transfer/sleep.ts';

describe('backoffDelay (equal jitter)', () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it('never goes below half the ceiling, never above it', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 0.999_999)).toBe(100);
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
  });

  it('caps the ceiling at maxMs', () => {
    expect(backoffDelay(20, options, () => 0)).toBe(500);
    expect(backoffDelay(20, options, () => 0.999_999)).toBe(1_000);
  });

  it('is documented as what it is', () => {
    const source = readFileSync(join(import.meta.dirname, '../../app/transfer/backoff.ts'), 'utf8');
    expect(source).toMatch(/equal jitter/);
    expect(source).not.toMatch(/full jitter \(/);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with the abort reason, at once when already aborted', async () => {
    const reason = new Error('stop');
    const pending = new AbortController();
    const waiting = sleep(10_000, pending.signal);
    pending.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('is the only sleep written in the transfer layer', () => {
    const folder = join(import.meta.dirname, '../../app/transfer');
    const defining = readdirSync(folder).filter((f) => /function sleep\(/.test(readFileSync(join(folder, f), 'utf8')));
    expect(defining).toEqual(['sleep.ts']);
  });
});
