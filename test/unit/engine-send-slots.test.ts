// The storage connections every file in flight shares (app/engine/send-slots.ts,
// issue 20): never more taken than there are, first come first served (a
// large file waiting for its share is not passed by small ones behind it),
// and a stop while waiting leaves the line and lets the next ones go.
import { describe, expect, it } from 'vitest';
import { SendSlots } from '../../app/engine/send-slots.ts';

const live = new AbortController().signal;
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('SendSlots', () => {
  it('gives out no more than its connections, and the next once one comes back', async () => {
    const slots = new SendSlots(4);
    const held = await Promise.all([1, 2, 3, 4].map(() => slots.take(1, live)));
    let fifth = false;
    const waiting = slots.take(1, live).then((release) => ((fifth = true), release));
    await settled();
    expect(fifth).toBe(false);
    expect(slots.inUse).toBe(4);
    held[0]!();
    held[0]!(); // a second release of the same connection gives nothing back
    (await waiting)();
    expect(fifth).toBe(true);
    expect(slots.inUse).toBe(3);
  });

  it('serves in order: small files behind a large one wait for it, even with a connection free', async () => {
    const slots = new SendSlots(4);
    const small = await slots.take(1, live);
    const order: string[] = [];
    const large = slots.take(4, live).then((release) => (order.push('large'), release));
    const next = slots.take(1, live).then((release) => (order.push('small'), release));
    await settled();
    expect(order).toEqual([]); // three free, but the large file is first in line
    small();
    (await large)();
    (await next)();
    expect(order).toEqual(['large', 'small']);
  });

  it('lets a stop take a waiting file out of the line, and the ones behind it go', async () => {
    const slots = new SendSlots(4);
    const first = await slots.take(1, live);
    const stop = new AbortController();
    const large = slots.take(4, stop.signal);
    let smallGot = false;
    const small = slots.take(1, live).then((release) => ((smallGot = true), release));
    stop.abort(new Error('paused'));
    await expect(large).rejects.toThrow('paused');
    (await small)();
    expect(smallGot).toBe(true);
    first();
    expect(slots.inUse).toBe(0);
  });

  it('never asks more than it has: a file wanting more waits for all of them', async () => {
    const slots = new SendSlots(2);
    (await slots.take(8, live))();
    expect(slots.inUse).toBe(0);
    await expect(slots.take(1, AbortSignal.abort(new Error('stopped')))).rejects.toThrow('stopped');
  });
});
