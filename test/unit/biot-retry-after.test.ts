// Retry-After as BioT or storage sends it (seconds, or an HTTP date in any of
// the three forms), capped; and the holds kept by host: set by a 429 or 503
// that asks, never shortened, ended early by the caller's abort.
import { describe, expect, it } from 'vitest';
import { HostHolds, originOf } from '../../app/biot/host-holds.ts';
import { asksToWait, RETRY_AFTER_CAP_MS, retryAfterMs } from '../../app/biot/retry-after.ts';

const serverNow = Date.parse('Sun, 06 Nov 1994 08:49:17 GMT');

describe('retryAfterMs', () => {
  it('reads seconds and the three HTTP date forms, measured from the answer’s own Date', () => {
    expect(retryAfterMs('20', serverNow)).toBe(20_000);
    expect(retryAfterMs(' 0 ', serverNow)).toBe(0);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', serverNow)).toBe(20_000);
    expect(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', serverNow)).toBe(20_000);
    // asctime carries no zone and means GMT, whatever the PC's time zone.
    expect(retryAfterMs('Sun Nov  6 08:49:37 1994', serverNow)).toBe(20_000);
    expect(retryAfterMs(['7', '9'], serverNow)).toBe(7_000);
  });

  it('caps long waits, takes a past date as none, and ignores what it cannot read', () => {
    expect(retryAfterMs('86400', serverNow)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryAfterMs('Mon, 07 Nov 1994 08:49:17 GMT', serverNow)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:00:00 GMT', serverNow)).toBe(0);
    for (const bad of [undefined, '', '-5', '1.5', 'soon', '2026-12-05T10:00:00Z', 'Sun, 06 Nov 1994 08:49:37']) {
      expect(retryAfterMs(bad, serverNow)).toBeUndefined();
    }
  });

  it('is honoured on 429 and 503 only', () => {
    expect([429, 503].every(asksToWait)).toBe(true);
    expect([200, 401, 403, 500, 502, 504].some(asksToWait)).toBe(false);
  });
});

describe('HostHolds', () => {
  it('holds the answering host only, for as long as asked, and never shortens a hold', () => {
    let now = 1_000;
    const held: unknown[] = [];
    const holds = new HostHolds({ now: () => now, onHold: (e) => held.push(e) });
    expect(holds.noteAnswer('https://s3.example/bucket/k?X-Amz=1', 503, { 'retry-after': '20' })).toBe(20_000);
    expect(holds.noteAnswer('https://api.example/file', 500, { 'retry-after': '20' })).toBeUndefined();
    expect(holds.heldFor('https://s3.example')).toBe(20_000);
    expect(holds.heldFor('https://api.example')).toBe(0);
    holds.hold('https://s3.example', 5_000);
    now += 10_000;
    expect(holds.heldFor('https://s3.example')).toBe(10_000);
    now += 10_000;
    expect(holds.heldFor('https://s3.example')).toBe(0);
    expect(held).toEqual([{ origin: 'https://s3.example', ms: 20_000 }]);
  });

  it('waits out a hold, and stops waiting at once when the caller aborts', async () => {
    const holds = new HostHolds();
    expect(await holds.wait('http://127.0.0.1:1')).toBe(false);
    holds.hold('http://127.0.0.1:1', 30);
    expect(await holds.wait('http://127.0.0.1:1')).toBe(true);
    holds.hold('http://127.0.0.1:1', 60_000);
    const controller = new AbortController();
    const waiting = holds.wait('http://127.0.0.1:1', controller.signal);
    controller.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
  });

  it('keys holds by origin', () => {
    expect(originOf('https://bucket.s3.amazonaws.com:443/files/x?sig=1')).toBe('https://bucket.s3.amazonaws.com');
    expect(originOf('http://127.0.0.1:8080/_s3/a')).toBe('http://127.0.0.1:8080');
  });
});
