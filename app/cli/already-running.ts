// A second `start` or `serve` on a data folder in use: rather than only "stop
// it first", say where the running one's window is. Its address is the one it
// saved in the data folder (window-address.ts); it is printed only when
// something there answers as a Device Uploader window does, without being
// sent the token (the holder of the folder may be a `run` without a window,
// and another program may have that port now).
import { DataFolderInUse } from '../engine/data-lock.ts';
import { addressUrl, readSavedAddress, type SavedAddress } from './window-address.ts';

const PROBE_MS = 3_000;

/** The line that tells where the running instance's window is, or undefined when it has none that answers. */
export async function runningWindowText(error: unknown): Promise<string | undefined> {
  if (!(error instanceof DataFolderInUse)) return undefined;
  const saved = readSavedAddress(error.dataDir);
  if (!saved || !(await answersAsWindow(saved))) return undefined;
  return (
    `Device Uploader is already running on the data folder ${error.dataDir} (nothing was changed).\n` + `Its queue window: ${addressUrl(saved)}\n`
  );
}

/** Whether the saved port answers a request without a token the way the control server does (401, its own words). */
async function answersAsWindow(saved: SavedAddress): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${saved.port}/`, { redirect: 'manual', signal: AbortSignal.timeout(PROBE_MS) });
    const body = (await res.json().catch(() => ({}))) as { error?: unknown };
    return res.status === 401 && body.error === 'a valid access token is required';
  } catch {
    return false;
  }
}
