// The OpenAPI validator must catch what the sandbox could get wrong: wrong
// formats, missing required fields, undocumented statuses, bodies on 204s.
import { describe, expect, it } from 'vitest';
import { resolveWirePath, validateResponse, validateWireResponse } from '../support/openapi-validator.ts';

const login = {
  userId: '0f6b7c2e-1d3a-4b5c-8e9f-a1b2c3d4e5f6',
  ownerOrganizationId: '7e1d2c3b-4a5f-4e6d-9c8b-0a1f2e3d4c5b',
  accessJwt: { token: 'a.b.c', expiration: '2030-01-01T00:00:00.000Z' },
};

describe('openapi-validator', () => {
  it('accepts a body that matches and names what is wrong when it does not', () => {
    expect(() => validateResponse('ums', 'POST', '/v2/users/login', 200, login)).not.toThrow();
    expect(() =>
      validateResponse('ums', 'POST', '/ums/v2/users/login', 200, { ...login, accessJwt: { token: 'x', expiration: 'tomorrow' } }),
    ).toThrow(/expiration/);
    expect(() => validateResponse('ums', 'POST', '/v2/users/login', 200, { accessJwt: login.accessJwt })).toThrow(/userId/);
    expect(() =>
      validateResponse('file', 'POST', '/v1/files/upload/parts', 200, { id: 'not-a-uuid', name: 'a', mimeType: 'b', parts: 1, signedUrls: [] }),
    ).toThrow(/id/);
  });

  it('refuses undocumented statuses, unknown paths and bodies where the spec has none', () => {
    expect(() => validateResponse('file', 'POST', '/v1/files/upload', 404, {})).toThrow(/not documented/);
    expect(() => validateResponse('file', 'GET', '/v1/nothing', 200, {})).toThrow(/no path/);
    expect(() => validateWireResponse('DELETE', '/file/v1/files/upload/parts/x/cancel', 204, { x: 1 })).toThrow(/no body/);
    expect(() => validateWireResponse('DELETE', '/file/v1/files/upload/parts/x/cancel', 204, undefined)).not.toThrow();
  });

  it('maps wire paths to the right service and template', () => {
    expect(resolveWirePath('POST', '/file/v1/files/upload/parts')).toEqual({ service: 'file', template: '/v1/files/upload/parts' });
    expect(resolveWirePath('POST', '/file/v1/files/upload/parts/abc/complete')).toEqual({
      service: 'file',
      template: '/v1/files/upload/parts/{id}/complete',
    });
    expect(resolveWirePath('PATCH', '/organization/v1/users/patients/p1')).toEqual({
      service: 'organization',
      template: '/organization/v1/users/patients/{id}',
    });
    expect(resolveWirePath('GET', '/device/v2/devices/d1')).toEqual({ service: 'device', template: '/v2/devices/{id}' });
  });
});
