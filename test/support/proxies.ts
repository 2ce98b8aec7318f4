// Real proxies for the hospital-network tests, started here on free
// 127.0.0.1 ports with their own config and scratch folder, and stopped
// afterwards: Debian's squid (CONNECT, Basic sign-in, its own hosts file) and
// mitmproxy's mitmdump (a TLS-inspecting proxy with its own CA). Each test
// file skips with the reason where the binary is missing, and fails under CI
// (.ci/run installs both), as the radosgw tests do.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './radosgw.ts';
import { until } from './wait.ts';

/** Why `binary` cannot be used here, or undefined when it can (throws under CI: CI must have it). */
export function missingBinary(binary: 'squid' | 'mitmdump' | 'openssl', apt: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
  if (found) return undefined;
  const reason = `${binary} is not installed (apt-get install ${apt})`;
  if (process.env.CI) throw new Error(`CI must provide ${binary}: ${reason}`);
  return reason;
}

interface Running {
  child: ChildProcess;
  dir: string;
  output: () => string;
}

function run(command: string, args: string[], dir: string): Running {
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  return { child, dir, output: () => text };
}

async function listening(port: number, r: Running, what: string): Promise<void> {
  const open = () =>
    new Promise<boolean>((done) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), done(true)));
      s.once('error', () => done(false));
    });
  await until(`${what} listening on ${port}`, async () => r.child.exitCode === null && (await open()), { timeoutMs: 30_000, seen: r.output });
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) {
    const exited = new Promise((done) => r.child.once('exit', done));
    r.child.kill('SIGTERM');
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(r.dir, { recursive: true, force: true });
}

export interface Squid {
  /** http://127.0.0.1:PORT (no credentials). */
  url: string;
  /** access.log lines so far (squid's own record of each CONNECT). */
  accessLog(): string[];
  stop(): Promise<void>;
}

/**
 * squid asking for Basic sign-in as `user` / `password` (or, with `windows`,
 * only NTLM, as a Windows domain's proxy does: squid's fake NTLM helper),
 * resolving `hosts` (name -> IP) from its own hosts file only.
 */
export async function startSquid(options: { user: string; password: string; hosts: Record<string, string>; windows?: boolean }): Promise<Squid> {
  const dir = mkdtempSync(join(tmpdir(), 'du-squid-'));
  // squid drops to its own user (proxy): the folder must be open to it.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const hash = execFileSync('openssl', ['passwd', '-apr1', options.password], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'passwd'), `${options.user}:${hash}\n`);
  writeFileSync(
    join(dir, 'hosts'),
    Object.entries(options.hosts)
      .map(([name, ip]) => `${ip} ${name}\n`)
      .join(''),
  );
  writeFileSync(
    join(dir, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      'visible_hostname du-test-squid',
      `pid_filename ${dir}/squid.pid`,
      `cache_log ${dir}/cache.log`,
      `access_log stdio:${dir}/access.log squid`,
      `coredump_dir ${dir}`,
      'cache deny all',
      'cache_mem 8 MB',
      `hosts_file ${dir}/hosts`,
      // Names not in the hosts file fail at once (nothing listens on port 53 here): no lookup leaves the machine.
      'dns_nameservers 127.0.0.1',
      'shutdown_lifetime 0 seconds',
      ...(options.windows
        ? ['auth_param ntlm program /usr/lib/squid/ntlm_fake_auth', 'auth_param ntlm children 1']
        : [`auth_param basic program /usr/lib/squid/basic_ncsa_auth ${dir}/passwd`, 'auth_param basic realm device-uploader-test']),
      'acl signed_in proxy_auth REQUIRED',
      'http_access allow signed_in',
      'http_access deny all',
      '',
    ].join('\n'),
  );
  const r = run('squid', ['-N', '-f', join(dir, 'squid.conf')], dir);
  await listening(port, r, 'squid');
  const log = join(dir, 'access.log');
  return {
    url: `http://127.0.0.1:${port}`,
    accessLog: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    stop: () => stop(r),
  };
}

export interface Mitmdump {
  url: string;
  /** mitmproxy's own CA certificate (PEM), which a hospital's IT would install on each PC. */
  caFile: string;
  /** One line per request it relayed ("PUT https://host:port/path..."), from its own output. */
  requests(): string[];
  stop(): Promise<void>;
}

/** mitmdump inspecting TLS, trusting `upstreamCaFile` for the servers behind it. */
export async function startMitmdump(options: { upstreamCaFile: string }): Promise<Mitmdump> {
  const dir = mkdtempSync(join(tmpdir(), 'du-mitm-'));
  const port = await freePort();
  const r = run(
    'mitmdump',
    [
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--set',
      `confdir=${dir}`,
      '--set',
      `ssl_verify_upstream_trusted_ca=${options.upstreamCaFile}`,
      '--set',
      'flow_detail=1',
    ],
    dir,
  );
  await listening(port, r, 'mitmdump');
  return {
    url: `http://127.0.0.1:${port}`,
    caFile: join(dir, 'mitmproxy-ca-cert.pem'),
    requests: () =>
      r
        .output()
        .split('\n')
        .filter((l) => /\b(GET|PUT|POST|PATCH|DELETE) https?:\/\//.test(l)),
    stop: () => stop(r),
  };
}
