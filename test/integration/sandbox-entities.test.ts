// Sandbox entities and timed locks (store-independent, so the disk store):
// registerEntity, strictEntities (PATCH to an unknown entity is BioT's 404)
// and USER_LOCKED_WITH_TIME for a user locked for a while.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../app/sandbox/index.ts';
import { api, expectBiotError, useSandbox, type SandboxSession } from '../support/sandbox-scenarios.ts';
import { until } from '../support/wait.ts';

/** A completed single-upload file, ready to attach. */
async function uploadedFile(session: SandboxSession): Promise<string> {
  const { sandbox, token } = session;
  const single = await api(sandbox, 'POST', '/file/v1/files/upload', { token, body: { name: 'e.pdf', mimeType: 'application/pdf' } });
  expect((await fetch(single.body.signedUrl, { method: 'PUT', body: new Uint8Array(randomBytes(512)) })).status).toBe(200);
  return single.body.id;
}

describe('sandbox with strictEntities', () => {
  const session = useSandbox(() => startSandbox({ strictEntities: true }));

  it("answers a PATCH to an unregistered entity with BioT's 404 and creates nothing", async () => {
    const { sandbox, token } = session;
    const fileId = await uploadedFile(session);
    const cases = [
      [`/organization/v1/users/patients/${randomUUID()}`, 'USER_NOT_FOUND', 'Organization Service'],
      ['/device/v2/devices/unknown-device', 'DEVICE_NOT_FOUND', 'Device Service'],
      [`/generic-entity/v1/generic-entities/${randomUUID()}`, 'GENERIC_ENTITY_NOT_FOUND', 'Generic Entity Service'],
    ] as const;
    for (const [path, code, serviceName] of cases) {
      const patched = await api(sandbox, 'PATCH', path, { token, body: { recording: { id: fileId } } });
      expect(patched.status).toBe(404);
      expectBiotError(patched.body, code);
      expect(patched.body.serviceName).toBe(serviceName);
      expect(patched.body.details).toEqual({ id: decodeURIComponent(path.split('/').pop() as string) });
      expect((await api(sandbox, 'GET', path, { token })).status).toBe(404);
    }
    // The sandbox checks the entity before the body: an invalid body on an unknown entity is a 404 too.
    expect((await api(sandbox, 'PATCH', '/device/v2/devices/unknown-device', { token, body: { recording: { id: 5 } } })).status).toBe(404);
    // Ids are still checked for format before existence.
    expectBiotError((await api(sandbox, 'PATCH', '/organization/v1/users/patients/not-a-uuid', { token, body: {} })).body, 'BAD_REQUEST');
  });

  it('attaches to registered entities; registering again keeps their attributes', async () => {
    const { sandbox, token } = session;
    const fileId = await uploadedFile(session);
    const patientId = randomUUID();
    const genericId = randomUUID();
    sandbox.registerEntity('patient', patientId);
    sandbox.registerEntity('device', 'holter-7');
    sandbox.registerEntity('generic', genericId);
    for (const path of [
      `/organization/v1/users/patients/${patientId}`,
      '/device/v2/devices/holter-7',
      `/generic-entity/v1/generic-entities/${genericId}`,
    ]) {
      const before = await api(sandbox, 'GET', path, { token });
      expect(before.status).toBe(200);
      expect(before.body.recording).toBeUndefined();
      expect((await api(sandbox, 'PATCH', path, { token, body: { recording: { id: fileId } } })).status).toBe(200);
    }
    sandbox.registerEntity('device', 'holter-7');
    expect((await api(sandbox, 'GET', '/device/v2/devices/holter-7', { token })).body.recording.id).toBe(fileId);
  });

  it('registerEntity refuses ids BioT would not accept', () => {
    const { sandbox } = session;
    expect(() => sandbox.registerEntity('patient', 'not-a-uuid')).toThrow(/UUID/);
    expect(() => sandbox.registerEntity('generic', 'nope')).toThrow(/UUID/);
    expect(() => sandbox.registerEntity('device', '')).toThrow();
    expect(() => sandbox.registerEntity('device', 'a/b')).toThrow();
    expect(() => sandbox.registerEntity('robot' as never, 'x')).toThrow(/kind/);
  });
});

describe('sandbox entities without strictEntities', () => {
  const session = useSandbox(() => startSandbox());

  it('still creates entities on first PATCH, and registerEntity makes one readable before any PATCH', async () => {
    const { sandbox, token } = session;
    expect((await api(sandbox, 'PATCH', '/device/v2/devices/fresh-device', { token, body: { note: 'x' } })).status).toBe(200);
    sandbox.registerEntity('device', 'seeded-device');
    const read = await api(sandbox, 'GET', '/device/v2/devices/seeded-device', { token });
    expect(read.status).toBe(200);
    expect(read.body._id).toBe('seeded-device');
  });
});

describe('sandbox timed locks', () => {
  const session = useSandbox(() => startSandbox());

  it('answers a user locked for a while with 401 USER_LOCKED_WITH_TIME and timeLeftInMinutes, then lets them in', async () => {
    const { sandbox } = session;
    const login = () => api(sandbox, 'POST', '/ums/v2/users/login', { body: sandbox.credentials.user });
    sandbox.lock('user', 150);
    try {
      const locked = await login();
      expect(locked.status).toBe(401);
      expectBiotError(locked.body, 'USER_LOCKED_WITH_TIME');
      expect(locked.body.details).toEqual({ timeLeftInMinutes: 3 });
      // Wrong credentials still say LOGIN_FAILED for an unknown user (lock is per user).
      expect((await api(sandbox, 'POST', '/ums/v2/users/login', { body: { username: 'other@x', password: 'y' } })).status).toBe(403);
    } finally {
      sandbox.unlock('user');
    }
    expect((await login()).status).toBe(200);

    sandbox.lock('user', 1);
    expect((await login()).body.details).toEqual({ timeLeftInMinutes: 1 });
    await until('the 1-second lock to lapse', async () => (await login()).status === 200, { timeoutMs: 15_000, everyMs: 200 });

    sandbox.lock('user');
    try {
      expectBiotError((await login()).body, 'USER_LOCKED');
    } finally {
      sandbox.unlock('user');
    }
  });

  it('locks a service user for a while with SERVICE_LOCKED (ums.json names no timed code for it)', async () => {
    const { sandbox } = session;
    sandbox.lock('service', 1);
    const locked = await api(sandbox, 'POST', '/ums/v2/services/accessToken', { body: sandbox.credentials.service });
    expect(locked.status).toBe(401);
    expectBiotError(locked.body, 'SERVICE_LOCKED');
    await until(
      'the 1-second service lock to lapse',
      async () => (await api(sandbox, 'POST', '/ums/v2/services/accessToken', { body: sandbox.credentials.service })).status === 200,
      { timeoutMs: 15_000, everyMs: 200 },
    );
    expect(() => sandbox.lock('user', 0)).toThrow();
    expect(() => sandbox.lock('user', Number.NaN)).toThrow();
  });
});
