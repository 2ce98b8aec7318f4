// Settings that change the BioT login apply at once: the engine's one BioT
// client object switches to a new client, so the next call signs in with the
// new password; unchanged settings keep the client (and its tokens). Against
// the sandbox's real login (disk store, loopback). A replaced client stays open
// for the calls that started on it (stand-in clients, to hold a call open).
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TokenEvent } from '../../app/biot/index.ts';
import { serverSettingsChanged, ServerSwitch, type ServerSettings, type ServerSwitchOptions } from '../../app/engine/server-switch.ts';
import { startSandbox, type Sandbox } from '../../app/sandbox/index.ts';
import { holdsFor, until } from '../support/wait.ts';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({});
});
afterEach(async () => {
  await sandbox.close();
});

const settings = (password: string, requestTimeoutSeconds = 30): ServerSettings => ({
  server: { baseUrl: sandbox.url, auth: { type: 'user', username: sandbox.credentials.user.username, password } },
  transfer: { requestTimeoutSeconds },
});

it('signs in with the new password as soon as it is applied, without a new engine', async () => {
  const events: TokenEvent['kind'][] = [];
  const biot = new ServerSwitch(settings('wrong'), { onTokenEvent: (e) => events.push(e.kind) });
  try {
    await expect(biot.tokens.token()).rejects.toMatchObject({ code: expect.stringMatching(/LOGIN_FAILED|INVALID_CREDENTIALS/) });
    expect(biot.tokens.lockedBy).toBeDefined();
    const refusedTokens = biot.tokens;

    expect(biot.apply(settings('wrong'))).toBe(false); // nothing changed: same client, same refusal
    expect(biot.tokens).toBe(refusedTokens);

    expect(biot.apply(settings(sandbox.credentials.user.password))).toBe(true);
    expect(biot.tokens).not.toBe(refusedTokens);
    expect(biot.tokens.lockedBy).toBeUndefined();
    expect(await biot.tokens.token()).toMatch(/\S{20,}/);
    expect(events).toEqual(['credentials-rejected', 'login']);
  } finally {
    await biot.close();
  }
});

it('a new client only for what a client is built from: server, login, request timeout', () => {
  const a = settings('p');
  expect(serverSettingsChanged(a, settings('p'))).toBe(false);
  expect(serverSettingsChanged(a, settings('q'))).toBe(true);
  expect(serverSettingsChanged(a, settings('p', 60))).toBe(true);
  expect(serverSettingsChanged(a, { ...a, server: { ...a.server, baseUrl: 'https://other.example' } })).toBe(true);
});

/** A stand-in client whose saveEtags calls wait until the test lets them end; it records what was done to it. */
function fakeClients() {
  const made: { n: number; calls: ((v: void) => void)[]; done: string[] }[] = [];
  const create = (() => {
    const c: (typeof made)[number] = { n: made.length, calls: [], done: [] };
    made.push(c);
    return {
      files: { saveEtags: () => new Promise<void>((resolve) => c.calls.push(resolve)) },
      close: async () => void c.done.push('close'),
      destroy: async () => void c.done.push('destroy'),
    };
  }) as unknown as NonNullable<ServerSwitchOptions['create']>;
  return { made, create };
}

it('a replaced client stays open until the calls that started on it end; the next call goes to the new one', async () => {
  const { made, create } = fakeClients();
  const biot = new ServerSwitch(settings('p'), { create });
  const first = biot.files.saveEtags('u1', []);
  expect(biot.apply(settings('q'))).toBe(true);
  const second = biot.files.saveEtags('u1', []);
  await holdsFor('the old client to stay open while its call runs', 100, () => made[0]!.done.length === 0);
  expect(made.map((c) => c.calls.length)).toEqual([1, 1]);

  made[0]!.calls[0]!();
  await first;
  await until('the old client to be closed once its last call ended', () => made[0]!.done.join() === 'close');
  made[1]!.calls[0]!();
  await second;
  expect(made[1]!.done).toEqual([]);
  await biot.close();
  expect(made.map((c) => c.done)).toEqual([['close'], ['close']]);
});

it('destroy() cuts a call that hangs on a replaced client too', async () => {
  const { made, create } = fakeClients();
  const biot = new ServerSwitch(settings('p'), { create });
  void biot.files.saveEtags('u1', []); // never answers
  biot.apply(settings('q'));
  await biot.destroy();
  expect(made.map((c) => c.done)).toEqual([['destroy'], ['destroy']]);
});
