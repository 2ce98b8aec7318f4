// The test suite's waits must be able to fail, and say what they waited for.
import { describe, expect, it } from 'vitest';
import { holdsFor, until, untilValue } from '../support/wait.ts';

describe('until', () => {
  it('returns once the condition holds', async () => {
    let polls = 0;
    await until('three polls', () => ++polls >= 3, { everyMs: 1 });
    expect(polls).toBe(3);
  });

  it('fails after its deadline, naming what it waited for and what it saw last', async () => {
    await expect(until('the file to be done', () => false, { timeoutMs: 30, everyMs: 5, seen: () => ({ state: 'failed' }) })).rejects.toThrow(
      /timed out after 30 ms waiting for the file to be done \(last seen: \{"state":"failed"\}\)/,
    );
  });

  it('passes on an error thrown by the condition rather than hiding it', async () => {
    await expect(
      until('a broken check', () => {
        throw new Error('store closed');
      }),
    ).rejects.toThrow('store closed');
  });
});

it('untilValue returns the first defined value', async () => {
  let n = 0;
  expect(await untilValue('a value', () => (++n === 2 ? 'ready' : undefined), { everyMs: 1 })).toBe('ready');
});

describe('holdsFor', () => {
  it('passes when the condition stays true for the whole time', async () => {
    await holdsFor('quiet', 20, () => true, { everyMs: 5 });
  });

  it('fails as soon as the condition turns false', async () => {
    let calls = 0;
    await expect(holdsFor('no second login', 10_000, () => ++calls < 3, { everyMs: 1, seen: () => calls })).rejects.toThrow(
      /expected no second login for 10000 ms, but it changed \(last seen: 3\)/,
    );
  });
});
