// Part links on a PC whose clock is off: BioT's expirationTime is moved onto
// the local clock by the answer's Date header, as tokens are, so a PC 2 hours
// ahead does not take every fresh link for expired (clock-skew soak scenario).
import { afterEach, describe, expect, it } from 'vitest';
import { createBiotClient, type BiotClient } from '../../app/biot/index.ts';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let client: BiotClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

const HOUR = 3_600_000;

/** A BioT whose clock is `offsetMs` from ours: Date header and link expirations on its clock. */
async function biotAt(offsetMs: number): Promise<BiotClient> {
  const serverNow = () => Date.now() + offsetMs;
  server = await startScriptedServer((req) => {
    const date = new Date(serverNow()).toUTCString();
    if (req.url.startsWith('/ums/')) {
      return {
        status: 200,
        headers: { date },
        json: { accessJwt: { token: 't', expiration: new Date(serverNow() + HOUR).toISOString() }, userId: 'u', ownerOrganizationId: 'o' },
      };
    }
    const expirationTime = new Date(serverNow() + HOUR).toISOString();
    return {
      status: 200,
      headers: { date },
      json: {
        id: 'f',
        name: 'n',
        mimeType: 'm',
        parts: 2,
        signedUrls: [1, 2].map((partNumber) => ({ signedUrl: `http://127.0.0.1:1/${partNumber}`, partNumber, expirationTime })),
      },
    };
  });
  client = createBiotClient({ baseUrl: server.url, auth: { type: 'user', username: 'u', password: 'p' }, timeoutMs: 2_000 });
  return client;
}

describe('link expirations on a PC clock that is off', () => {
  for (const [label, offset] of [
    ['2 h behind ours', -2 * HOUR],
    ['2 h ahead of ours', 2 * HOUR],
  ] as const) {
    it(`BioT ${label}: links expire an hour from now on the local clock`, async () => {
      const c = await biotAt(offset);
      for (const answer of [
        await c.files.createMultipart({ name: 'a.edf', mimeType: 'application/octet-stream', parts: 2 }),
        await c.files.partLinks('f', 1, 2),
      ]) {
        for (const link of answer.signedUrls) {
          const left = Date.parse(link.expirationTime!) - Date.now();
          // Within the Date header's 1 s resolution plus the tolerance for clocks that agree.
          expect(left).toBeGreaterThan(HOUR - 15_000);
          expect(left).toBeLessThan(HOUR + 15_000);
        }
      }
    });
  }
});
