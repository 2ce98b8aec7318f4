// File API and entity attachment: what goes on the wire, what is refused
// before sending, and which answer shapes are refused as malformed.
import { afterEach, describe, expect, it } from 'vitest';
import { createBiotClient, type BiotClient } from '../../app/biot/index.ts';
import { startScriptedServer, type RecordedRequest, type ScriptedReply, type ScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let client: BiotClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

const LATER = new Date(Date.now() + 3_600_000).toISOString();
const link = (partNumber: number) => ({ signedUrl: `http://127.0.0.1:1/part/${partNumber}`, partNumber, expirationTime: LATER });
const upload = (parts: number[], extra: Record<string, unknown> = {}) => ({
  id: 'file-1',
  name: 'n',
  mimeType: 'm',
  parts: parts.length,
  signedUrls: parts.map(link),
  ...extra,
});

/** A client whose UMS always logs in; every other request gets `api`. */
async function start(api: (req: RecordedRequest) => ScriptedReply): Promise<BiotClient> {
  server = await startScriptedServer((req) =>
    req.url.startsWith('/ums/')
      ? { status: 200, json: { accessJwt: { token: 'tok', expiration: LATER }, userId: 'u', ownerOrganizationId: 'o' } }
      : api(req),
  );
  client = createBiotClient({ baseUrl: server.url, auth: { type: 'user', username: 'u', password: 'p' }, timeoutMs: 2_000 });
  return client;
}
const apiCalls = (): RecordedRequest[] => server!.requests.filter((r) => !r.url.startsWith('/ums/'));

describe('multipart calls on the wire', () => {
  it('createMultipart posts {name, mimeType, parts} under /file and returns the checked answer', async () => {
    const c = await start(() => ({ status: 200, json: upload([1, 2, 3]) }));
    const answer = await c.files.createMultipart({ name: 'holter.edf', mimeType: 'application/octet-stream', parts: 3 });
    expect(answer.id).toBe('file-1');
    expect(answer.signedUrls.map((l) => l.partNumber)).toEqual([1, 2, 3]);
    const [req] = apiCalls();
    expect(`${req!.method} ${req!.url}`).toBe('POST /file/v1/files/upload/parts');
    expect(req!.json).toEqual({ name: 'holter.edf', mimeType: 'application/octet-stream', parts: 3 });
    expect(req!.headers.authorization).toBe('Bearer tok');
  });

  it('partLinks, saveEtags, complete, cancel, createSingle, downloadLink', async () => {
    const c = await start((req) => {
      if (req.url.endsWith('/complete') || req.url.endsWith('/download') || req.url === '/file/v1/files/upload') {
        return { status: 200, json: { id: 'file-1', name: 'n', mimeType: 'm', signedUrl: 'http://127.0.0.1:1/f' } };
      }
      if (req.method === 'POST') return { status: 200, json: upload([4, 5]) };
      if (req.method === 'DELETE') return { status: 204 };
      return { status: 200 };
    });
    await c.files.partLinks('file-1', 4, 5);
    await c.files.saveEtags('file-1', [{ partNumber: 4, etag: '"a"' }]);
    await c.files.complete('file-1', [
      { partNumber: 4, etag: '"a"' },
      { partNumber: 5, etag: '"b"' },
    ]);
    await c.files.complete('file-1');
    await c.files.cancel('file-1');
    await c.files.createSingle({ name: 'n', mimeType: 'm' });
    await c.files.downloadLink('file-1');
    expect(apiCalls().map((r) => [`${r.method} ${r.url}`, r.json])).toEqual([
      ['POST /file/v1/files/upload/parts/file-1', { fromPart: 4, toPart: 5 }],
      ['PUT /file/v1/files/upload/parts/file-1', { parts: [{ partNumber: 4, etag: '"a"' }] }],
      [
        'POST /file/v1/files/upload/parts/file-1/complete',
        {
          parts: [
            { partNumber: 4, etag: '"a"' },
            { partNumber: 5, etag: '"b"' },
          ],
        },
      ],
      ['POST /file/v1/files/upload/parts/file-1/complete', undefined],
      ['DELETE /file/v1/files/upload/parts/file-1/cancel', undefined],
      ['POST /file/v1/files/upload', { name: 'n', mimeType: 'm' }],
      ['GET /file/v1/files/file-1/download', undefined],
    ]);
  });

  it('escapes ids in paths', async () => {
    const c = await start(() => ({ status: 204 }));
    await c.files.cancel('a/b?c');
    expect(apiCalls()[0]!.url).toBe('/file/v1/files/upload/parts/a%2Fb%3Fc/cancel');
  });
});

describe('refused before sending', () => {
  it.each([
    ['name of 129 characters', () => client!.files.createMultipart({ name: 'x'.repeat(129), mimeType: 'm', parts: 1 })],
    ['mimeType of 101 characters', () => client!.files.createSingle({ name: 'n', mimeType: 'm'.repeat(101) })],
    ['empty name', () => client!.files.createSingle({ name: '', mimeType: 'm' })],
    ['0 parts', () => client!.files.createMultipart({ name: 'n', mimeType: 'm', parts: 0 })],
    ['10001 parts', () => client!.files.createMultipart({ name: 'n', mimeType: 'm', parts: 10_001 })],
    ['fromPart > toPart', () => client!.files.partLinks('f', 5, 4)],
    ['no parts to save', () => client!.files.saveEtags('f', [])],
    [
      'a repeated part',
      () =>
        client!.files.saveEtags('f', [
          { partNumber: 1, etag: 'a' },
          { partNumber: 1, etag: 'b' },
        ]),
    ],
    ['a part without ETag', () => client!.files.complete('f', [{ partNumber: 1 }])],
    ['an empty id', () => client!.files.cancel('')],
    ['an empty attribute', () => client!.entities.attachFile({ entity: 'device', entityId: 'd', attribute: '', fileId: 'f' })],
  ])('%s', async (_name, call) => {
    await start(() => ({ status: 200, json: {} }));
    await expect(call()).rejects.toMatchObject({ code: 'INVALID_REQUEST', status: 0, retryable: false });
    expect(server!.requests).toHaveLength(0);
  });

  it('accepts exactly 128 and 100 characters', async () => {
    const c = await start(() => ({ status: 200, json: { id: 'f', name: 'n', mimeType: 'm', signedUrl: 'http://127.0.0.1:1/' } }));
    await expect(c.files.createSingle({ name: 'x'.repeat(128), mimeType: 'm'.repeat(100) })).resolves.toMatchObject({ id: 'f' });
  });

  it('the refusal does not name the file', async () => {
    const c = await start(() => ({ status: 200, json: {} }));
    const name = 'Jane-Doe-'.repeat(20);
    const error = (await c.files.createSingle({ name, mimeType: 'm' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('180 characters');
    expect(error.message).not.toContain('Jane');
  });
});

describe('malformed answers the engine would trip on', () => {
  it.each([
    ['no id', { ...upload([1]), id: undefined }],
    ['id not a string', { ...upload([1]), id: 7 }],
    ['signedUrls missing', { ...upload([1]), signedUrls: undefined }],
    ['signedUrls not an array', { ...upload([1]), signedUrls: {} }],
    ['a link without signedUrl', upload([1], { signedUrls: [{ partNumber: 1, expirationTime: LATER }] })],
    ['partNumber a string', upload([1], { signedUrls: [{ ...link(1), partNumber: '1' }] })],
    ['partNumber fractional', upload([1], { signedUrls: [{ ...link(1), partNumber: 1.5 }] })],
    ['expirationTime unparseable', upload([1], { signedUrls: [{ ...link(1), expirationTime: 'tomorrow' }] })],
    ['a link for a part not asked for', upload([1, 2, 3])],
    ['an array instead of an object', [upload([1])]],
  ])('createMultipart: %s -> MALFORMED_RESPONSE', async (_name, body) => {
    const c = await start(() => ({ status: 200, json: body }));
    await expect(c.files.createMultipart({ name: 'n', mimeType: 'm', parts: 2 })).rejects.toMatchObject({
      code: 'MALFORMED_RESPONSE',
      status: 200,
      operation: 'file.createMultipart',
    });
  });

  it('complete without signedUrl -> MALFORMED_RESPONSE', async () => {
    const c = await start(() => ({ status: 200, json: { id: 'f', name: 'n', mimeType: 'm' } }));
    await expect(c.files.complete('f')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE', operation: 'file.complete' });
  });

  it('an entity without _id -> MALFORMED_RESPONSE', async () => {
    const c = await start(() => ({ status: 200, json: { _name: 'x' } }));
    await expect(c.entities.getEntity('device', 'd1')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE', operation: 'device.get' });
  });
});

describe('entities', () => {
  it.each([
    ['patient', '/organization/v1/users/patients/e1'],
    ['device', '/device/v2/devices/e1'],
    ['generic-entity', '/generic-entity/v1/generic-entities/e1'],
  ] as const)('%s: attach PATCHes {attribute: {id}} and get reads it back', async (entity, path) => {
    const c = await start((req) => ({ status: 200, json: { _id: 'e1', ecg_file: req.method === 'PATCH' ? req.json : null } }));
    const updated = await c.entities.attachFile({ entity, entityId: 'e1', attribute: 'ecg_file', fileId: 'file-9' });
    expect(updated._id).toBe('e1');
    await c.entities.getEntity(entity, 'e1');
    expect(apiCalls().map((r) => [`${r.method} ${r.url}`, r.json])).toEqual([
      [`PATCH ${path}`, { ecg_file: { id: 'file-9' } }],
      [`GET ${path}`, undefined],
    ]);
  });
});
