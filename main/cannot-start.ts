// What the "Device Uploader cannot start" notification says: advice for the
// reason the engine gave, and, where that reason is only "it keeps stopping",
// how it ended last time (Electron's child-process-gone reason and exit code),
// so IT has something to go on. Plain words; codes, never paths.
import type { StartFailure } from '../app/host/protocol.ts';

/** utilityProcess.fork's serviceName for the engine: how its child-process-gone is told from the others'. */
export const ENGINE_SERVICE_NAME = 'Device Uploader engine';

/** Electron's child-process-gone / render-process-gone details, as far as they are told. */
export interface ExitDetails {
  reason: string;
  exitCode: number;
}

/** Plain words for every reason Electron 45 gives (its `reason` union), and for one it may add later. */
export function exitInWords({ reason, exitCode }: ExitDetails): string {
  switch (reason) {
    case 'clean-exit':
      return `it ended by itself without an error (code ${exitCode})`;
    case 'abnormal-exit':
      return `it stopped with an error (code ${exitCode})`;
    case 'killed':
      return 'it was ended by another program or by the system';
    case 'crashed':
      return `it crashed (code ${exitCode})`;
    case 'oom':
      return 'it ran out of memory';
    case 'launch-failed':
      return `it could not be launched (code ${exitCode})`;
    case 'integrity-failure':
      return "the app's files failed their integrity check: reinstall Device Uploader";
    case 'memory-eviction':
      return 'the system took back its memory';
    default:
      return `it stopped (code ${exitCode})`;
  }
}

export function cannotStartNotice(reason: StartFailure | 'crashed', lastExit?: ExitDetails): { title: string; body: string } {
  const advice = startAdvice(reason);
  const generic = reason === 'crashed' || reason === 'other';
  return { title: 'Device Uploader cannot start', body: generic && lastExit ? `${advice} Last time ${exitInWords(lastExit)}.` : advice };
}

function startAdvice(reason: StartFailure | 'crashed'): string {
  switch (reason) {
    case 'bad-config':
      return 'The configuration has a mistake. Open Settings or ask IT to check the config file.';
    case 'locked-data-folder':
      return 'Another copy of Device Uploader is using the data folder. Close it, or restart the PC.';
    case 'newer-database':
      return 'The queue was written by a newer Device Uploader. Install the newer version.';
    case 'damaged-database':
      return 'The queue database is damaged (the disk may be failing). Ask IT to run "device-uploader repair"; nothing was sent twice or lost.';
    default:
      return 'It keeps stopping. Uploads resume when it runs again; restart the PC if this goes on.';
  }
}
