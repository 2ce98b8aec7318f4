// Why a connection could not be made, as a code a person can act on. The
// connector (connector.ts) raises these; the BioT client, the part PUTs, the
// banner, `run --once` and `doctor` all read the same code and words, so a
// proxy asking for a password never reads as "check the cable". Messages name
// hosts, the proxy's host:port and a certificate's issuer: never a user name,
// a password or a path.

/** Codes in the order a person checks them; NETWORK is what is left. */
export const NET_CODES = ['TLS_UNTRUSTED', 'TLS_HOSTNAME', 'PROXY_AUTH', 'PROXY_REFUSED', 'PROXY_UNREACHABLE', 'DNS', 'NETWORK'] as const;
export type NetCode = (typeof NET_CODES)[number];

/** What is known about the failure; every field is safe to log. */
export interface NetFacts {
  /** The host we tried to reach (BioT's or storage's), never a URL with a query. */
  host: string;
  /** The proxy as host:port, when one was in the way. */
  proxy?: string | undefined;
  /** TLS: who issued the certificate chain we were shown (the top certificate's issuer). */
  issuer?: string | undefined;
  /** TLS: OpenSSL's reason (UNABLE_TO_GET_ISSUER_CERT_LOCALLY, CERT_HAS_EXPIRED...). */
  reason?: string | undefined;
  /** The proxy's HTTP status for CONNECT. */
  status?: number | undefined;
  /** PROXY_AUTH: the sign-in schemes the proxy offered (Basic, NTLM, Negotiate...). */
  schemes?: string[] | undefined;
  /** The system's errno (ECONNREFUSED, ENOTFOUND...) or "timeout". */
  errno?: string | undefined;
}

export class NetFailure extends Error {
  override name = 'NetFailure';
  readonly code: NetCode;
  readonly facts: NetFacts;
  constructor(code: NetCode, facts: NetFacts, cause?: unknown) {
    super(netWords(code, facts), cause === undefined ? undefined : { cause });
    this.code = code;
    this.facts = facts;
  }
}

/** The NetFailure behind `error` (it may be wrapped as a cause), if any. */
export function netFailureOf(error: unknown): NetFailure | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e; depth++) {
    if (e instanceof NetFailure) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Codes that need a person (IT, Settings), not patience: `run --once` stops on them at once. */
const SETUP: ReadonlySet<string> = new Set<NetCode>(['TLS_UNTRUSTED', 'TLS_HOSTNAME', 'PROXY_AUTH', 'PROXY_REFUSED', 'PROXY_UNREACHABLE', 'DNS']);
export const isSetupCode = (code: string): boolean => SETUP.has(code);
export const isNetCode = (code: string): code is NetCode => (NET_CODES as readonly string[]).includes(code);

/** NTLM and Negotiate (Windows domain sign-in) are what this client cannot answer. */
export const windowsSignIn = (schemes: readonly string[] | undefined): boolean => !!schemes?.some((s) => /^(ntlm|negotiate|kerberos)$/i.test(s));

/** What happened, in one clause. */
export function netWords(code: NetCode, f: NetFacts): string {
  const via = f.proxy ? ` through the proxy ${f.proxy}` : '';
  switch (code) {
    case 'TLS_UNTRUSTED':
      return `the certificate of ${f.host} is not trusted (issued by "${f.issuer ?? 'unknown'}"${f.reason ? `, ${f.reason}` : ''})${via}`;
    case 'TLS_HOSTNAME':
      return `the certificate shown for ${f.host} is for another name${f.issuer ? ` (issued by "${f.issuer}")` : ''}${via}`;
    case 'PROXY_AUTH':
      return windowsSignIn(f.schemes)
        ? `the proxy ${f.proxy} asks for Windows sign-in (${f.schemes?.join(', ')}), which Device Uploader cannot answer (HTTP 407)`
        : `the proxy ${f.proxy} refused the user name or password (HTTP 407)`;
    case 'PROXY_REFUSED':
      return `the proxy ${f.proxy} does not let this PC reach ${f.host} (HTTP ${f.status})`;
    case 'PROXY_UNREACHABLE':
      return `the proxy ${f.proxy} cannot be reached (${f.errno ?? 'no answer'})`;
    case 'DNS':
      return `the host name ${f.host} does not resolve${via}`;
    case 'NETWORK':
      return `could not reach ${f.host}${via} (${f.status ? `HTTP ${f.status} from the proxy` : (f.errno ?? 'connection failed')})`;
  }
}

/** What to do about it, for the banner, `run --once` and `doctor`. */
export function netAdvice(code: NetCode, f: Partial<NetFacts> = {}): string {
  switch (code) {
    case 'TLS_UNTRUSTED':
      return `A proxy on this network inspects secure connections; ask IT to install its certificate${f.issuer ? ` ("${f.issuer}")` : ''} on this PC, or set network.caFile.`;
    case 'TLS_HOSTNAME':
      return "The server's certificate does not match its address: check the BioT address in Settings (server.baseUrl), or ask IT whether a proxy answers for it.";
    case 'PROXY_AUTH':
      return windowsSignIn(f.schemes)
        ? "The proxy wants Windows sign-in (NTLM/Negotiate): ask IT to let this PC reach BioT's addresses without proxy sign-in, or to allow Basic sign-in for it."
        : 'The proxy refused the user name or password: check the proxy user name and password in Settings (headless: network.proxyUsername and DEVICE_UPLOADER_PROXY_PASSWORD).';
    case 'PROXY_REFUSED':
      return `The proxy blocks this address: ask IT to allow ${f.host ?? "BioT's addresses"} through the proxy.`;
    case 'PROXY_UNREACHABLE':
      return 'The proxy cannot be reached: check the proxy address (network.proxy, or the system proxy settings) and that the proxy is running.';
    case 'DNS':
      return `This PC cannot look up ${f.host ?? "BioT's address"}: check the BioT address in Settings; where only a proxy reaches the internet, set network.proxy.`;
    case 'NETWORK':
      return "BioT cannot be reached. Check this PC's internet connection; uploads resume by themselves.";
  }
}
