// A private certificate authority and a server certificate signed by it, made
// with the openssl command, so the sandbox can be served over HTTPS the way a
// real BioT is: the engine must then trust that CA (the OS store, or
// network.caFile) exactly as it must trust a hospital proxy's. For demos and
// tests only; the keys are unencrypted files in `dir`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface PrivateCa {
  /** The CA certificate (PEM): what a client must trust. */
  caFile: string;
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  caName: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('the openssl command is not installed (apt-get install openssl)', { cause: error });
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim().split('\n')[0] ?? e.message}`, { cause: error });
  }
}

/** Makes (in `dir`) a CA named `caName` and a certificate for `names` (host names and IP addresses) signed by it. */
export function makePrivateCa(dir: string, names: readonly string[], caName = 'Device Uploader Sandbox CA'): PrivateCa {
  mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '30',
      '-subj',
      `/CN=${caName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${names[0] ?? 'localhost'}`], dir);
  const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(
    join(dir, 'server.ext'),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '30',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  return { caFile: join(dir, 'ca.pem'), certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), caName };
}
