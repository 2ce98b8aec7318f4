// The loopback control server, fuzzed for a fixed time with random methods,
// paths (encoded traversals, bad escapes), headers (Host, Origin,
// Sec-Fetch-Site, tokens right and wrong, cookies) and bodies. It must never
// crash, never answer a request without the right token, and never answer one
// from another origin or host, whatever else the request gets right.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { seededRandom } from '../../support/seeded-random.ts';
import { rawRequest } from '../raw-http.ts';
import { createSoakWorld } from '../soak-world.ts';
import { until } from '../../support/wait.ts';
import { exactly, type SoakScenario } from '../types.ts';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'device-uploader.js');

const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'FOO'];
const paths = [
  '/',
  '/index.html',
  '/api/snapshot',
  '/api/pause',
  '/api/resume',
  '/api/cancel',
  '/api/retry',
  '/api/history',
  '/api/settings',
  '/api/saveSettings',
  '/api/events',
  '/api/nope',
  '/assets/index.js',
  '/%2e%2e/%2e%2e/package.json',
  '/..%2f..%2fpackage.json',
  '/assets/..%2f..%2f..%2fpackage.json',
  '/%',
  '/api/%zz',
  '/%00',
  '//etc/passwd',
  '/?token=',
  '/api/snapshot?token=x',
  '*',
  'http://evil.example/',
  `/${'a'.repeat(9000)}`,
];

export const controlFuzz: SoakScenario = {
  name: 'control-fuzz',
  describe: 'the loopback control server fuzzed: methods, paths, headers, bodies, Origins, Hosts',
  async run(ctx) {
    const seconds = ctx.scale === 'full' ? 120 : 10;
    const random = seededRandom(41);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const world = await createSoakWorld(ctx);
    try {
      const inbox = world.folder('inbox');
      const config = world.writeConfig({ inbox: { path: inbox } });
      const child = spawn(process.execPath, [bin, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      try {
        await until('serve to print its address', () => /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(out) || child.exitCode !== null, {
          timeoutMs: 30_000,
          seen: () => `serve printed no address: ${out}`,
        });
        const address = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)![0]);
        const port = Number(address.port);
        const token = address.searchParams.get('token')!;
        const own = `127.0.0.1:${port}`;
        let requests = 0;
        let withoutToken = 0;
        let crossOrigin = 0;
        let serverErrors = 0;
        const deadline = Date.now() + seconds * 1000;
        while (Date.now() < deadline && child.exitCode === null) {
          const auth = pick(['none', 'bearer', 'bad-bearer', 'cookie', 'bad-cookie', 'query'] as const);
          const host = pick([own, own, own, 'evil.example', `localhost:${port}`, `127.0.0.1:${port + 1}`, ''] as const);
          const origin = pick([undefined, undefined, `http://${own}`, 'http://127.0.0.1:1', 'null', 'http://evil.example'] as const);
          const site = pick([undefined, undefined, 'same-origin', 'none', 'same-site', 'cross-site'] as const);
          let path = pick(paths);
          const headers: Record<string, string> = {};
          if (host) headers.Host = host;
          if (origin) headers.Origin = origin;
          if (site) headers['Sec-Fetch-Site'] = site;
          if (auth === 'bearer') headers.Authorization = `Bearer ${token}`;
          if (auth === 'bad-bearer') headers.Authorization = `Bearer ${randomBytes(32).toString('base64url')}`;
          if (auth === 'cookie') headers.Cookie = `du_token=${token}`;
          if (auth === 'bad-cookie') headers.Cookie = `du_token=${token.slice(0, -1)}x`;
          if (auth === 'query') path = `${path.split('?')[0]}?token=${token}`;
          if (random() < 0.3) headers['Content-Type'] = pick(['application/json', 'text/plain', 'multipart/form-data']);
          const body = pick([
            undefined,
            Buffer.from('{}'),
            Buffer.from('{"all":true}'),
            Buffer.from('{"fileId":-1}'),
            randomBytes(64),
            Buffer.from('{"a":'),
            Buffer.alloc(2 * 1024 * 1024, 0x7b),
          ]);
          const method = pick(methods);
          const status = await rawRequest(port, { method, path, headers, ...(body && { body }) });
          requests++;
          const example = () =>
            `${method} ${path.replace(token, 'TOKEN').slice(0, 60)} host=${host || '-'} origin=${origin ?? '-'} site=${site ?? '-'} auth=${auth} -> ${status}`;
          if (status >= 500) {
            serverErrors++;
            if (serverErrors <= 3) ctx.say(`5xx: ${example()}`);
          }
          if (status < 200 || status >= 400) continue;
          const presentedRight = auth === 'bearer' || auth === 'cookie' || auth === 'query';
          if (!presentedRight && ++withoutToken <= 3) ctx.say(`accepted without the token: ${example()}`);
          // Our host, and no sign of another origin: anything else answered is a cross-origin acceptance.
          const foreign = host !== own || (origin !== undefined && origin !== `http://${own}`) || site === 'cross-site' || site === 'same-site';
          if (presentedRight && foreign && ++crossOrigin <= 3) ctx.say(`accepted from elsewhere: ${example()}`);
        }
        const crashed = child.exitCode !== null ? 1 : 0;
        ctx.say(`${requests} fuzzed requests in ${seconds} s; ${serverErrors} answered 5xx`);
        const name = `control server, ${seconds} s fuzz`;
        return [
          exactly(name, 'crashes', crashed, 0),
          exactly(name, 'requests accepted without the token', withoutToken, 0),
          exactly(name, 'cross-origin or foreign-host requests accepted', crossOrigin, 0),
          exactly(name, 'answers 5xx (a bare server error)', serverErrors, 0),
        ];
      } finally {
        child.kill('SIGTERM');
        await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once('exit', done)));
      }
    } finally {
      await world.dispose();
    }
  },
};
