// `device-uploader sandbox ...`: starts a sandbox from command-line flags,
// prints its URL (first line) and credentials (second line), and stops
// cleanly on SIGINT/SIGTERM.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox, type SandboxOptions } from './index.ts';
import { makePrivateCa } from './private-ca.ts';

const usage =
  'usage: device-uploader sandbox [--port N] [--data DIR] [--link-ttl S] [--token-ttl S] ' +
  '[--s3-endpoint URL --s3-bucket B --s3-access-key K --s3-secret-key S [--s3-region R]] [--proxy-storage] ' +
  '[--https | --tls-cert FILE --tls-key FILE] [--host-name NAME] [--verbose]';

/** A user-facing problem with the flags: printed as one line, exit code 2. */
class FlagError extends Error {}

function positiveNumber(flag: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || (!allowZero && n <= 0))
    throw new FlagError(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'`);
  return n;
}

/** Turns argv (after `sandbox`) into SandboxOptions, or throws FlagError. */
export function parseSandboxFlags(args: string[]): SandboxOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        'link-ttl': { type: 'string' },
        'token-ttl': { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-bucket': { type: 'string' },
        's3-access-key': { type: 'string' },
        's3-secret-key': { type: 'string' },
        's3-region': { type: 'string' },
        'proxy-storage': { type: 'boolean' },
        https: { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'host-name': { type: 'string' },
        verbose: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const port = positiveNumber('port', values.port, true);
  if (port !== undefined && (!Number.isInteger(port) || port > 65535)) throw new FlagError(`--port must be 0..65535, got '${values.port}'`);
  const s3Flags = [values['s3-endpoint'], values['s3-bucket'], values['s3-access-key'], values['s3-secret-key']];
  if (s3Flags.some((v) => v !== undefined) && s3Flags.some((v) => v === undefined)) {
    throw new FlagError('--s3-endpoint, --s3-bucket, --s3-access-key and --s3-secret-key go together');
  }
  if (values['proxy-storage'] && !values['s3-endpoint']) throw new FlagError('--proxy-storage needs --s3-endpoint');
  const options: SandboxOptions = {
    port: port ?? 0,
    linkTtlSeconds: positiveNumber('link-ttl', values['link-ttl']),
    tokenTtlSeconds: positiveNumber('token-ttl', values['token-ttl']),
    proxyStorage: Boolean(values['proxy-storage']),
  };
  if (values.data !== undefined) options.dataDir = values.data;
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new FlagError('--tls-cert and --tls-key go together');
  if (values.https && values['tls-cert']) throw new FlagError('--https makes its own certificate; leave out --tls-cert and --tls-key');
  if (values['host-name'] !== undefined) {
    if (!/^[A-Za-z0-9.-]{1,253}$/.test(values['host-name'])) throw new FlagError(`--host-name is not a host name: '${values['host-name']}'`);
    options.hostName = values['host-name'];
  }
  if (values['tls-cert'] && values['tls-key']) {
    try {
      options.tls = { cert: readFileSync(values['tls-cert'], 'utf8'), key: readFileSync(values['tls-key'], 'utf8') };
    } catch (error) {
      throw new FlagError(`cannot read the certificate or key (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (values.https) {
    // A private CA made with openssl, in the data folder (kept) or a temp folder: the client must trust its ca.pem.
    const dir = values.data !== undefined ? join(values.data, 'tls') : mkdtempSync(join(tmpdir(), 'du-sandbox-tls-'));
    const names = [...new Set([options.hostName ?? 'localhost', 'localhost', '127.0.0.1'])];
    const ca = makePrivateCa(dir, names);
    options.tls = { cert: ca.cert, key: ca.key };
    options.caFile = ca.caFile;
    if (values.data === undefined) options.tlsTempDir = dir;
  }
  if (values['s3-endpoint']) {
    try {
      new URL(values['s3-endpoint']);
    } catch {
      throw new FlagError(`--s3-endpoint is not a URL: '${values['s3-endpoint']}'`);
    }
    options.s3 = {
      endpoint: values['s3-endpoint'],
      bucket: values['s3-bucket'] as string,
      accessKeyId: values['s3-access-key'] as string,
      secretAccessKey: values['s3-secret-key'] as string,
      region: values['s3-region'] ?? 'us-east-1',
    };
  }
  if (values.verbose) options.log = (line) => process.stderr.write(`sandbox: ${line}\n`);
  return options;
}

/** Runs the sandbox until SIGINT/SIGTERM; bad flags print one line and set a non-zero exit code. */
export async function runSandboxCommand(args: string[]): Promise<void> {
  let options: SandboxOptions;
  try {
    options = parseSandboxFlags(args);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`device-uploader sandbox: ${error.message}\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const sandbox = await startSandbox(options).catch((error: unknown) => {
    process.stderr.write(`device-uploader sandbox: could not start: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  });
  if (!sandbox) return;
  const { user, service } = sandbox.credentials;
  process.stdout.write(`BioT sandbox listening on ${sandbox.url}\n`);
  process.stdout.write(`user ${user.username} password ${user.password} | service user id ${service.id} secretKey ${service.secretKey}\n`);
  process.stdout.write(`store: ${sandbox.storeKind}, data: ${options.dataDir ? 'persistent' : 'temporary'}\n`);
  if (options.caFile) process.stdout.write(`CA certificate (trust it, or set network.caFile to it): ${options.caFile}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sandbox
        .close()
        .finally(() => options.tlsTempDir && rmSync(options.tlsTempDir, { recursive: true, force: true }))
        .then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.exitCode ??= 0;
}
