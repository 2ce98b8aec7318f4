// The config's transfer section in the units the transfer layer counts in,
// with test and bench overrides on top.
import type { Config } from '../config/schema.ts';
import { defaultTransferSettings, type TransferSettings } from '../transfer/file-transfer.ts';

export function transferSettings(t: Config['transfer'], overrides: Partial<TransferSettings> = {}): TransferSettings {
  return {
    ...defaultTransferSettings,
    partSize: t.partSizeMiB * 1024 * 1024,
    parallelParts: t.parallelParts,
    stallMs: t.stallSeconds * 1000,
    ...overrides,
  };
}
