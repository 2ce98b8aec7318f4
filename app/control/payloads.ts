// Every payload the browser sends is untrusted: each command's argument is
// parsed by a strict schema before it reaches the engine (ids are positive
// integers, states are known, strings are bounded). The schemas mirror
// app/api.ts; `satisfies` below makes a drift between them a compile error.
import { z } from 'zod';
import type { HistoryQuery, QueueQuery, SettingsInput, Target } from '../api.ts';
import { FILE_STATES } from '../store/states.ts';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().max(max);

export const targetSchema = z.union([z.strictObject({ fileId: id }), z.strictObject({ all: z.literal(true) })]);

export const queueQuerySchema = z.strictObject({
  states: z.array(z.enum(FILE_STATES)).max(FILE_STATES.length).optional(),
  search: text(500).optional(),
  limit: z.number().int().min(0).max(1_000).optional(),
  offset: z.number().int().min(0).optional(),
});

export const historyQuerySchema = z.strictObject({
  search: text(500).optional(),
  limit: z.number().int().min(0).max(1_000).optional(),
  offset: z.number().int().min(0).optional(),
});

// Loose on values (numbers may be out of range, paths may not exist): the
// engine's config checks name the field in error. Here only the shape.
const folderSettings = z.strictObject({
  id: text(64),
  path: text(4096),
  include: z.array(text(1000)).max(100),
  exclude: z.array(text(1000)).max(100),
  recursive: z.boolean(),
  quietSeconds: z.number(),
  afterUpload: z.enum(['leave', 'move', 'delete']),
  archiveDir: text(4096).optional(),
  ignoreTemporary: z.boolean(),
  duplicates: z.enum(['skip', 'upload']),
  growing: z.boolean(),
});

export const settingsInputSchema = z.strictObject({
  server: z.strictObject({
    baseUrl: text(2000),
    auth: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('user'), username: text(500), password: text(1000).optional() }),
      z.strictObject({ type: z.literal('service'), id: text(500), secretKey: text(1000).optional() }),
    ]),
  }),
  folders: z.array(folderSettings).max(100),
  transfer: z.strictObject({
    partSizeMiB: z.number(),
    parallelParts: z.number(),
    parallelFiles: z.number(),
    maxBytesPerSecond: z.number(),
    stallSeconds: z.number(),
    requestTimeoutSeconds: z.number(),
  }),
});

// Compile-time check that each schema's output is assignable to the contract's type.
type Assignable<T, _U extends T> = true;
export type PayloadsMatchApi = [
  Assignable<Target, z.output<typeof targetSchema>>,
  Assignable<QueueQuery, z.output<typeof queueQuerySchema>>,
  Assignable<HistoryQuery, z.output<typeof historyQuerySchema>>,
  Assignable<SettingsInput, z.output<typeof settingsInputSchema>>,
];
