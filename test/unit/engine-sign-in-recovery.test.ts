// Trying the login again after BioT refused it: by itself after a growing
// wait, one try per wait however many files met the refusal, and not at all
// once a person's Retry (or new credentials) took over. Scripted token
// source, real timers.
import { describe, expect, it } from 'vitest';
import { BiotError } from '../../app/biot/errors.ts';
import { silentLogger } from '../../app/common/logger.ts';
import { SignInRecovery, type SignInTokens } from '../../app/engine/sign-in-recovery.ts';
import { holdsFor, until } from '../support/wait.ts';

type Answer = 'refuse' | 'lock' | 'accept' | 'unreachable';

/** A token source whose logins answer from `answers` in turn (the last one repeats). */
function scriptedTokens(answers: Answer[]): SignInTokens & { tries: number; inFlight: number; mostInFlight: number } {
  let stop: BiotError | undefined;
  const t = {
    tries: 0,
    inFlight: 0,
    mostInFlight: 0,
    reset: () => void (stop = undefined),
    get lockedBy() {
      return stop;
    },
    async token() {
      const answer = answers[Math.min(t.tries, answers.length - 1)]!;
      t.tries++;
      t.inFlight++;
      t.mostInFlight = Math.max(t.mostInFlight, t.inFlight);
      await new Promise((done) => setTimeout(done, 10));
      t.inFlight--;
      if (answer === 'accept') return 'token';
      if (answer === 'unreachable') throw new BiotError({ status: 0, code: 'NETWORK', operation: 'ums.login' });
      stop = new BiotError({
        status: answer === 'lock' ? 401 : 403,
        code: answer === 'lock' ? 'USER_LOCKED' : 'LOGIN_FAILED',
        operation: 'ums.login',
      });
      throw stop;
    },
  };
  return t;
}

function recovery(tokens: SignInTokens, baseMs = 20) {
  const seen = { refused: [] as string[], recovered: 0 };
  const r = new SignInRecovery({
    client: { tokens },
    log: silentLogger,
    refused: (code, locked) => seen.refused.push(`${code}${locked ? ' (locked)' : ''}`),
    recovered: () => seen.recovered++,
    backoff: { baseMs, maxMs: baseMs * 8 },
  });
  return { r, seen };
}

describe('SignInRecovery', () => {
  it('tries again by itself until BioT accepts the login, then lets uploads go on', async () => {
    const tokens = scriptedTokens(['refuse', 'lock', 'unreachable', 'accept']);
    const { r, seen } = recovery(tokens);
    r.stopped('LOGIN_FAILED', false);
    expect(r.stop).toEqual({ code: 'LOGIN_FAILED', locked: false });
    await until('the login accepted', () => seen.recovered === 1);
    expect(tokens.tries).toBe(4);
    expect(seen.refused).toEqual(['LOGIN_FAILED', 'USER_LOCKED (locked)']);
    expect(r.stop).toBeUndefined();
    await holdsFor('no more tries once accepted', 200, () => tokens.tries === 4);
    r.dispose();
  });

  it('makes one try per wait, however many files met the refusal', async () => {
    const tokens = scriptedTokens(['refuse', 'accept']);
    const { r, seen } = recovery(tokens, 100);
    for (let i = 0; i < 5; i++) r.stopped('LOGIN_FAILED', false);
    await until('the login accepted', () => seen.recovered === 1);
    expect(tokens.tries).toBe(2);
    expect(tokens.mostInFlight).toBe(1);
    expect(seen.refused).toEqual(['LOGIN_FAILED']);
    r.dispose();
  });

  it('stops trying once a person pressed Retry (which signs in itself)', async () => {
    const tokens = scriptedTokens(['accept']);
    const { r, seen } = recovery(tokens, 50);
    r.stopped('LOGIN_FAILED', false);
    r.clear();
    await holdsFor('no try after Retry took over', 300, () => tokens.tries === 0);
    expect(seen.recovered).toBe(0);
    r.dispose();
  });
});
