import { describe, expect, it, vi } from 'vitest';
import { disposable, DisposableStore, every } from '../../app/common/disposable.ts';
import { holdsFor } from '../support/wait.ts';

describe('DisposableStore', () => {
  it('disposes its members in reverse order, once, however often it is asked', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    for (const name of ['watcher', 'timer', 'listener']) store.add({ dispose: () => void order.push(name) });
    await Promise.all([store.dispose(), store.dispose()]);
    await store.dispose();
    expect(order).toEqual(['listener', 'timer', 'watcher']);
    expect(store.disposed).toBe(true);
  });

  it('waits for an asynchronous member before the next one', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add({ dispose: () => void order.push('first-added') });
    store.add({
      dispose: async () => {
        await new Promise((r) => setImmediate(r));
        order.push('child-process');
      },
    });
    await store.dispose();
    expect(order).toEqual(['child-process', 'first-added']);
  });

  it('survives a throwing and a rejecting member: the rest are disposed and the failures are raised together', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add({ dispose: () => void order.push('a') });
    store.add({
      dispose: () => {
        throw new Error('boom');
      },
    });
    store.add({ dispose: () => Promise.reject(new Error('late boom')) });
    store.add({ dispose: () => void order.push('d') });
    const failure = await store.dispose().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(order).toEqual(['d', 'a']);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map((e: Error) => e.message)).toEqual(['late boom', 'boom']);
  });

  it('tells failures to onError instead of raising them, when given one', async () => {
    const onError = vi.fn();
    const store = new DisposableStore(onError);
    store.add({
      dispose: () => {
        throw new Error('boom');
      },
    });
    await store.dispose();
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('disposes at once a member added after it was disposed', async () => {
    const store = new DisposableStore();
    await store.dispose();
    const late = { dispose: vi.fn() };
    store.add(late);
    expect(late.dispose).toHaveBeenCalledTimes(1);
  });
});

describe('disposable and every', () => {
  it('runs a release function at most once', () => {
    const release = vi.fn();
    const d = disposable(release);
    d.dispose();
    d.dispose();
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('stops a repeating timer', async () => {
    let ticks = 0;
    const timer = every(1, () => {
      ticks++;
    });
    await vi.waitFor(() => expect(ticks).toBeGreaterThan(0), { timeout: 5_000 });
    timer.dispose();
    const after = ticks;
    await holdsFor('no tick after dispose', 20, () => ticks === after, { everyMs: 2 });
  });
});
