// Settings that change the BioT login apply at once: the engine's one BioT
// client object switches to a new client, so the next call signs in with the
// new password; unchanged settings keep the client (and its tokens). Against
// the sandbox's real login (disk store, loopback).
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TokenEvent } from '../../app/biot/index.ts';
import { serverSettingsChanged, ServerSwitch, type ServerSettings } from '../../app/engine/server-switch.ts';
import { startSandbox, type Sandbox } from '../../app/sandbox/index.ts';

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
    const refusedFiles = biot.files;

    expect(biot.apply(settings('wrong'))).toBe(false); // nothing changed: same client, same refusal
    expect(biot.files).toBe(refusedFiles);

    expect(biot.apply(settings(sandbox.credentials.user.password))).toBe(true);
    expect(biot.files).not.toBe(refusedFiles);
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
