// FaultBook: which calls a rule hits (nth, times, Infinity) and the counters.
import { describe, expect, it } from 'vitest';
import { FaultBook } from '../../app/sandbox/faults.ts';

describe('FaultBook', () => {
  it('hits the k-th call after the rule was added, once by default', () => {
    const book = new FaultBook();
    book.record('file.complete');
    book.add({ op: 'file.complete', nth: 2, status: 500 });
    const hits = [1, 2, 3, 4].map(() => book.record('file.complete')?.status);
    expect(hits).toEqual([undefined, 500, undefined, undefined]);
    expect(book.calls('file.complete')).toBe(5);
    expect(book.calls('file.cancel')).toBe(0);
  });

  it('hits n times, or every call from nth with Infinity, and only its own operation', () => {
    const book = new FaultBook();
    book.add({ op: 'storage.putPart', times: 2, drop: true });
    book.add({ op: 'ums.login', nth: 3, times: Infinity, status: 503 });
    expect([1, 2, 3].map(() => Boolean(book.record('storage.putPart')?.drop))).toEqual([true, true, false]);
    expect([1, 2, 3, 4, 5].map(() => book.record('ums.login')?.status)).toEqual([undefined, undefined, 503, 503, 503]);
    book.clear();
    expect(book.record('ums.login')).toBeUndefined();
  });

  it('rejects unknown operations and bad numbers', () => {
    const book = new FaultBook();
    expect(() => book.add({ op: 'file.nope' as never, status: 500 })).toThrow(/unknown sandbox operation/);
    expect(() => book.add({ op: 'file.complete', nth: 0 })).toThrow();
    expect(() => book.add({ op: 'file.complete', status: 42 })).toThrow();
  });
});
