// How many files go at once (issue 20). The engine has parallelFiles x
// parallelParts connections to storage (send-slots.ts): a file sent in parts
// takes parallelParts of them, so parallelFiles such files go at once, as
// configured; a file that goes as one PUT takes one, so small files go
// parallelParts times as many at once (the small-file lane: never more
// connections than large files use). And a window of small files is claimed
// ahead of their turn, as many again: each makes its BioT file and records it
// while the files before it send, then waits for a connection for its PUT
// (create-ahead), so the round trip to BioT hides behind other files' bytes.
import type { FolderConfig } from '../config/schema.ts';
import type { FileRow } from '../store/types.ts';
import type { TransferSettings } from '../transfer/transfer-types.ts';

/** Whether a row's transfer is one PUT (a BioT single upload) rather than parts. */
export function goesAsOnePut(row: Pick<FileRow, 'size'>, settings: TransferSettings, folder?: FolderConfig): boolean {
  return settings.singleUploads && row.size < settings.partSize && !folder?.growing;
}

/** Connections a row's transfer takes: one for a single PUT, parallelParts for a file sent in parts. */
export function sendUnits(row: Pick<FileRow, 'size'>, settings: TransferSettings, folder?: FolderConfig): number {
  return goesAsOnePut(row, settings, folder) ? 1 : Math.max(1, settings.parallelParts);
}

/** The connections to storage: what parallelFiles files sent in parts use. */
export function connectionsFor(parallelFiles: number, settings: TransferSettings): number {
  return Math.max(1, parallelFiles) * Math.max(1, settings.parallelParts);
}
