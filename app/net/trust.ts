// What the engine trusts for TLS: the operating system's store (the Windows
// certificate store, the macOS keychain, OpenSSL's default file and folder on
// Linux, which SSL_CERT_FILE / SSL_CERT_DIR move), Node's bundled roots, and
// network.caFile for what IT has not put in the store. A TLS-inspecting proxy
// whose certificate IT installed on the PC is then trusted with no setting.
// Built once into one SecureContext shared by every connection.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, getCACertificates, type SecureContext } from 'node:tls';

export interface Trust {
  context: SecureContext;
  /** Distinct certificates trusted, and how many of them came from network.caFile. */
  count: number;
  fromCaFile: number;
}

/** network.caFile cannot be used: the message names the key and the file, never its content. */
export class CaFileError extends Error {
  override name = 'CaFileError';
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; throws CaFileError when it cannot be read or holds none. */
export function readCaFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CaFileError(`network.caFile: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const pems = text.match(PEM) ?? [];
  if (pems.length === 0) throw new CaFileError(`network.caFile: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  pems.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new CaFileError(`network.caFile: certificate ${i + 1} in ${file} is damaged`);
    }
  });
  return pems;
}

const cache = new Map<string, Trust>();

/** The trust for `caFile` (or none): the system store, Node's bundled roots and that file. Cached per file. */
export function loadTrust(caFile?: string): Trust {
  const key = caFile ?? '';
  const known = cache.get(key);
  if (known) return known;
  const extra = caFile ? readCaFile(caFile) : [];
  // The system list repeats certificates found both in the bundle file and the hashed folder.
  const all = [...new Set([...getCACertificates('system'), ...getCACertificates('bundled'), ...extra])];
  const trust = { context: createSecureContext({ ca: all }), count: all.length, fromCaFile: extra.length };
  cache.set(key, trust);
  return trust;
}
