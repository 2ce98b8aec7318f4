// A failed row's error in words staff can act on. The engine's message stays
// available as the tooltip (with the code and trace id, for support); the
// screen says what happened and what to do, by error code.
import type { QueueRow } from '../../app/api.ts';

const LOGIN = new Set([
  'LOGIN_FAILED',
  'ACCESS_DENIED',
  'INVALID_CREDENTIALS',
  'USER_NOT_FOUND',
  'TOKEN_NOT_VALID',
  'REFRESH_TOKEN_NOT_VALID',
  'MFA_REQUIRED',
]);
const NETWORK = new Set(['NETWORK', 'TIMEOUT', 'GATEWAY_TIMEOUT', 'STALLED', 'PARTS_MISSING']);

// Why a connection could not be made (app/net's codes, also after a LINKS_ prefix): who can fix it, not "check the cable".
const CONNECTION: Record<string, string> = {
  TLS_UNTRUSTED:
    'A certificate on the way to BioT is not trusted: a proxy on this network may inspect secure connections. Ask IT to install its certificate on this PC, or set network.caFile.',
  TLS_HOSTNAME: "The certificate shown for BioT's address is for another name. Check the BioT address in Settings, or ask IT.",
  PROXY_AUTH: 'The proxy refused the user name or password. Check the proxy sign-in in Settings, or ask IT.',
  PROXY_REFUSED: "The proxy does not let this PC reach BioT. Ask IT to allow BioT's addresses.",
  PROXY_UNREACHABLE: 'The proxy cannot be reached. Check the proxy setting, or ask IT whether it is running.',
  DNS: "This PC cannot look up BioT's address. Check the BioT address in Settings, or the proxy setting.",
};

function byCode(code: string | null): string | undefined {
  if (code === null) return undefined;
  const connection = CONNECTION[code.replace(/^LINKS_/, '')];
  if (connection) return connection;
  if (code === 'NOT_A_FILE') return "This is not a regular file (perhaps a folder with a file's name), so it cannot be uploaded.";
  if (code.startsWith('SOURCE_')) return 'The file could not be read: another program may still have it open.';
  if (code.endsWith('_LOCKED'))
    return 'The BioT account is locked. Ask your BioT administrator to unlock it; uploads go on by themselves once it is.';
  if (LOGIN.has(code))
    return 'BioT refused the login. Check the user name and password in Settings; uploads go on by themselves once BioT accepts it.';
  if (NETWORK.has(code)) return 'The connection to BioT dropped during the upload.';
  if (code === 'ETAG_MISMATCH') return "Part of the file arrived damaged at BioT's storage.";
  if (code === 'LINKS_UNUSABLE') return "BioT's upload links expire too soon. Check that this PC's clock is right.";
  if (code.startsWith('STORAGE_')) return "BioT's storage did not accept part of the file.";
  if (code === 'FOLDER_REMOVED')
    return 'Its folder was removed from Settings, so it was not uploaded. Add the folder back and press Retry, or cancel it.';
  if (code === 'FOLDER_UNREACHABLE')
    return 'Its folder cannot be reached right now (a network share offline?). It will be uploaded once the folder is back.';
  if (code === 'UPLOAD_LOST') return 'BioT no longer knows this upload; it will start again.';
  if (code === 'UPLOAD_LOST_REPEATEDLY')
    return "BioT's storage keeps losing this upload (a storage rule that removes unfinished uploads?). Ask your BioT administrator, then press Retry.";
  return undefined;
}

/** The line under a failed, stuck or missing row. */
export function plainError(row: QueueRow): string {
  if (row.state === 'missing') return 'The file was moved or deleted before it could be uploaded.';
  const known = byCode(row.errorCode);
  const what =
    known ??
    (row.errorCode
      ? `BioT refused this file (${row.errorCode}). Press Retry; if it fails again, call your BioT administrator.`
      : 'Something went wrong.');
  return row.state === 'failed' ? `${what} Trying again by itself (attempt ${row.attempts}).` : what;
}
