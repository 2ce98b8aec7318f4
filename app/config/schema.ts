// The config file's shape, as one zod schema: the TypeScript types are derived
// from it, and its errors name the exact key that is wrong (zod's issue path),
// which a hand-written validator would have to re-implement for every field.
import { z } from 'zod';
import { parseDays, parseTime } from '../common/local-time.ts';
import type { Managed } from './managed.ts';

const auth = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('user'),
    username: z.string().min(1),
    // May come from DEVICE_UPLOADER_PASSWORD instead; checked after env merge.
    password: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('service'),
    id: z.string().min(1),
    secretKey: z.string().optional(),
  }),
]);

const attach = z.strictObject({
  entity: z.enum(['patient', 'device', 'generic-entity']),
  idPattern: z.string().refine(isRegexWithIdGroup, {
    message: 'must be a valid regular expression with a named group (?<id>...)',
  }),
  /** The FILE attribute: on the entity itself, or (with perUpload) on each upload's own generic entity. */
  attribute: z.string().min(1),
  /**
   * Keep many files per patient or device: each upload gets a new generic
   * entity of `template` whose `referenceAttribute` points at the entity the
   * path names. Without it the entity's own attribute is set, and an attribute
   * already holding another file stops the row (needs-attention), never overwritten.
   */
  perUpload: z
    .strictObject({
      template: z.string().min(1),
      referenceAttribute: z.string().min(1),
    })
    .optional(),
});

const folder = z
  .strictObject({
    /** Stable id used in the database and logs; derived from the path when absent. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    path: z.string().min(1),
    include: z.array(z.string().min(1)).default(['**/*']),
    exclude: z.array(z.string().min(1)).default([]),
    recursive: z.boolean().default(true),
    quietSeconds: z.number().min(0).max(3600).default(5),
    afterUpload: z.enum(['leave', 'move', 'delete']).default('leave'),
    archiveDir: z.string().min(1).optional(),
    /**
     * What afterUpload does for a file BioT's copy of which could not be
     * verified (an opaque ETag, BioT not answering the read-back): 'keep' the
     * source (the row says why), or 'apply' the action anyway.
     */
    afterUploadUnverified: z.enum(['keep', 'apply']).default('keep'),
    attach: attach.optional(),
    /** Skip hidden files and the temporary files device software and Office/Windows/macOS leave behind. */
    ignoreTemporary: z.boolean().default(true),
    /** Stat-polling instead of OS events; 'auto' polls network shares, where events do not arrive. */
    poll: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    pollSeconds: z.number().min(0.1).max(3600).default(5),
    /**
     * Upload while the device is still writing (BioT's unknown-length upload):
     * parts go as the file grows, and it completes quietSeconds after the last write.
     */
    growing: z.boolean().default(false),
    /** Content already uploaded (same SHA-256 and size, any folder): record a duplicate, or send it again. */
    duplicates: z.enum(['skip', 'upload']).optional(),
  })
  .refine((f) => f.afterUpload !== 'move' || !!f.archiveDir, {
    message: 'afterUpload "move" needs archiveDir',
    path: ['archiveDir'],
  });

/** One window of the bandwidth timetable, in local time (app/transfer/bandwidth-schedule.ts). */
const bandwidthWindow = z
  .strictObject({
    days: z.string().refine((d) => parseDays(d) !== undefined, { message: 'days as "mon-fri", "sat,sun", "fri-mon" or "daily"' }),
    from: z.string().refine((t) => (parseTime(t) ?? 24 * 60) < 24 * 60, { message: 'a time of day as HH:MM, e.g. "07:30"' }),
    to: z.string().refine((t) => parseTime(t) !== undefined, { message: 'a time of day as HH:MM, e.g. "18:00" ("24:00" for midnight)' }),
    maxBytesPerSecond: z.number().int().min(0),
  })
  .refine((w) => parseTime(w.from) !== parseTime(w.to) && !(w.from === '00:00' && w.to === '00:00'), {
    message: 'from and to are the same time (a whole day is "00:00" to "24:00")',
    path: ['to'],
  });

const transfer = z.strictObject({
  partSizeMiB: z.number().int().min(5).max(5120).default(8),
  parallelParts: z.number().int().min(1).max(64).default(4),
  parallelFiles: z.number().int().min(1).max(16).default(2),
  /** 0 = unlimited; shared by all transfers. */
  maxBytesPerSecond: z.number().int().min(0).default(0),
  /** Other limits at set times of the week (local time); outside them maxBytesPerSecond holds. */
  schedule: z.array(bandwidthWindow).max(50).default([]),
  /** A request with no progress for this long is aborted and retried. */
  stallSeconds: z.number().min(1).max(3600).default(60),
  /** Timeout of each BioT API call (not of part PUTs, which use stallSeconds). */
  requestTimeoutSeconds: z.number().min(1).max(3600).default(30),
});

/**
 * How the engine reaches BioT and its storage (README "Hospital networks").
 * proxy: "system" (the desktop app's default: the OS / PAC settings, asked per
 * host), "env" (the headless default: HTTPS_PROXY / NO_PROXY), "none", or the
 * proxy's URL. Left out, the host picks the default.
 */
export const networkSchema = z.strictObject({
  proxy: z.union([z.enum(['system', 'env', 'none']), z.url({ protocol: /^https?$/ })]).optional(),
  /** Hosts that skip the proxy (NO_PROXY's rules: a name covers its subdomains, `*` is everything). */
  noProxy: z.array(z.string().min(1)).default([]),
  proxyUsername: z.string().min(1).optional(),
  /** May come from DEVICE_UPLOADER_PROXY_PASSWORD (headless) or the desktop app's safeStorage instead. */
  proxyPassword: z.string().optional(),
  /** A PEM bundle trusted besides the operating system's store and Node's bundled roots. */
  caFile: z.string().min(1).optional(),
});

/** Auto-update of the desktop app (the headless CLI ignores it). */
export const updatesSchema = z.strictObject({
  /** false on managed sites, where IT rolls out new versions itself. */
  enabled: z.boolean().default(true),
  /** The self-hosted update folder; overrides the one built into the installer. */
  url: z.url({ protocol: /^https?$/ }).optional(),
});

export const configSchema = z.strictObject({
  dataDir: z.string().min(1),
  server: z.strictObject({
    baseUrl: z.url({ protocol: /^https?$/ }),
    auth,
  }),
  folders: z.array(folder).default([]),
  /** The duplicate policy of folders that do not set their own. */
  duplicates: z.enum(['skip', 'upload']).default('skip'),
  transfer: transfer.default(() => transfer.parse({})),
  network: networkSchema.default(() => networkSchema.parse({})),
  updates: updatesSchema.default(() => updatesSchema.parse({})),
});

/** A loaded config; `managed` when the machine's managed settings were laid over it (and which keys they lock). */
export type Config = z.infer<typeof configSchema> & { managed?: Managed };
export type FolderConfig = Config['folders'][number];
export type TransferConfig = Config['transfer'];
export type UpdatesConfig = Config['updates'];
export type NetworkConfig = Config['network'];
export type AuthConfig = Config['server']['auth'];
export type AttachRule = NonNullable<FolderConfig['attach']>;

function isRegexWithIdGroup(pattern: string): boolean {
  try {
    return new RegExp(`${pattern}|`).exec('')?.groups !== undefined && /\(\?<id>/.test(pattern);
  } catch {
    return false;
  }
}
