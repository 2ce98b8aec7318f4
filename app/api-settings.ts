// The contract's Settings half: what the Settings view shows and saves, and
// the steps of Test connection. Types only; app/api.ts re-exports them, so a
// UI imports the whole contract from one place.

/** One watched folder's options, as Settings edits them (same keys as the config file). */
export interface FolderSettings {
  id: string;
  path: string;
  include: string[];
  exclude: string[];
  recursive: boolean;
  quietSeconds: number;
  afterUpload: 'leave' | 'move' | 'delete';
  archiveDir?: string | undefined;
  ignoreTemporary: boolean;
  duplicates: 'skip' | 'upload';
  /** Upload while the device is still writing (completes quietSeconds after the last write). */
  growing: boolean;
}

export interface TransferLimits {
  partSizeMiB: number;
  parallelParts: number;
  parallelFiles: number;
  /** 0 = unlimited. */
  maxBytesPerSecond: number;
  stallSeconds: number;
  requestTimeoutSeconds: number;
}

/** How the engine reaches BioT (README "Hospital networks"), as Settings edits it. */
export interface NetworkSettings {
  /** '' (the host's default: the PC's settings in the desktop app, HTTPS_PROXY headless), 'system', 'env', 'none', or a proxy URL. */
  proxy: string;
  noProxy: string[];
  proxyUsername: string;
  /** A PEM bundle trusted besides the PC's certificate store; '' for none. */
  caFile: string;
}

/**
 * Where the desktop app keeps the BioT secret: `os-protected` (the OS keychain
 * / DPAPI / a Linux secret service), `obfuscated` (Linux `basic_text`: not
 * really protected) or `config-file` (no encryption offered: the file holds it).
 */
export type SecretStorage = 'os-protected' | 'obfuscated' | 'config-file';

/** What Settings shows. Secrets are write-only: only whether one is set comes back. */
export interface SettingsView {
  /** Set by the desktop app only (headless hosts keep secrets in the file or the environment). */
  secretStorage?: SecretStorage;
  server: {
    baseUrl: string;
    auth: { type: 'user'; username: string; hasSecret: boolean } | { type: 'service'; id: string; hasSecret: boolean };
  };
  folders: FolderSettings[];
  transfer: TransferLimits;
  /** The proxy password is write-only: only whether one is set. */
  network: NetworkSettings & { hasProxyPassword: boolean };
  /** Config keys the machine's managed settings set ("server", "folders", "transfer.maxBytesPerSecond"): shown, not editable. */
  locked?: string[];
}

/** What Settings saves. An empty or absent secret keeps the one already stored. */
export interface SettingsInput {
  server: {
    baseUrl: string;
    auth: { type: 'user'; username: string; password?: string } | { type: 'service'; id: string; secretKey?: string };
  };
  folders: FolderSettings[];
  transfer: TransferLimits;
  /** Left out: the network section stays as it is. An empty or absent proxyPassword keeps the saved one (same proxy and user). */
  network?: NetworkSettings & { proxyPassword?: string };
}

/** `field` is the config key in error, e.g. "folders[0].path". */
export interface FieldError {
  field: string;
  message: string;
}

/** On success, `restartNeeded` lists the keys that apply only after a restart (the BioT login, part size, pools). */
export type SaveResult = { ok: true; restartNeeded: string[] } | { ok: false; errors: FieldError[] };

/** One step of Test connection (Settings, `device-uploader doctor`). */
export interface ConnectionTestStep {
  step: 'dns' | 'tcp' | 'tls' | 'login' | 'storage';
  /** What was tried: "BioT api.example.com", "storage bucket.s3.amazonaws.com:443". */
  target: string;
  ok: boolean;
  /** What was found: an address, the proxy that opened the tunnel, the certificate's issuer, or why it failed. */
  detail: string;
  /** The failure's code (TLS_UNTRUSTED, PROXY_AUTH, LOGIN_FAILED...); null when ok. */
  code: string | null;
  /** What to do about the failure; null when ok. */
  advice: string | null;
}

/** The path to BioT step by step, up to the first failure. No secret is in it. */
export interface ConnectionTest {
  ok: boolean;
  steps: ConnectionTestStep[];
}
