// The running file hash fed by parallel part senders (ordered-hash.ts): any
// order of chunks gives the file's SHA-256, a resent chunk is not hashed twice,
// what is held ahead of the frontier stays within its budget, and a sender
// waiting for room is released by a stop.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OrderedHasher } from '../../app/transfer/ordered-hash.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chunks = (b: Buffer, size: number) =>
  Array.from({ length: Math.ceil(b.length / size) }, (_, i) => ({ at: i * size, chunk: b.subarray(i * size, (i + 1) * size) }));
const live = new AbortController().signal;

describe('OrderedHasher', () => {
  it('gives the file hash whatever order the chunks come in, resent chunks included', async () => {
    const file = randomBytes(10_000);
    const hasher = new OrderedHasher(file.length, 1_000_000);
    const parts = chunks(file, 1000).reverse();
    // A failed attempt's chunks come again (the frontier ones, and ones held ahead of it).
    for (const c of [...parts, ...parts.slice(0, 4), parts.at(-1)!]) await hasher.offer(c.at, c.chunk, live);
    expect(hasher.digest()).toBe(sha(file));
  });

  it('keeps its own copy of a chunk it holds: the sender reads into the same buffer again', async () => {
    const file = randomBytes(2000);
    const hasher = new OrderedHasher(file.length, 1_000_000);
    const reused = Buffer.from(file.subarray(1000));
    await hasher.offer(1000, reused, live);
    reused.fill(0);
    await hasher.offer(0, file.subarray(0, 1000), live);
    expect(hasher.digest()).toBe(sha(file));
  });

  it('says nothing until every byte was hashed', async () => {
    const file = randomBytes(3000);
    const hasher = new OrderedHasher(file.length, 1_000_000);
    await hasher.offer(0, file.subarray(0, 1000), live);
    await hasher.offer(2000, file.subarray(2000), live);
    expect(hasher.digest()).toBeUndefined();
    expect(hasher.hashed).toBe(1000);
  });

  it('makes a chunk ahead of the frontier wait when the budget is full, until the gap closes', async () => {
    const file = randomBytes(4000);
    const hasher = new OrderedHasher(file.length, 1000);
    await hasher.offer(1000, file.subarray(1000, 2000), live); // held: the budget is now full
    let third = false;
    const waiting = hasher.offer(2000, file.subarray(2000, 3000), live).then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    await hasher.offer(0, file.subarray(0, 1000), live); // the frontier: hashes 0..2000, frees the room
    await waiting;
    await hasher.offer(3000, file.subarray(3000), live);
    expect(hasher.digest()).toBe(sha(file));
  });

  it('lets a stop release a sender waiting for room', async () => {
    const hasher = new OrderedHasher(3000, 1000);
    await hasher.offer(1000, Buffer.alloc(1000), live);
    const stop = new AbortController();
    const waiting = hasher.offer(2000, Buffer.alloc(1000), stop.signal);
    stop.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
  });
});
