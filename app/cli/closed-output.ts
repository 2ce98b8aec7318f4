// `device-uploader status ... | head -1`: the reader goes away after one line
// and every later write to stdout meets a closed pipe (EPIPE). Node reports
// that as an 'error' event on process.stdout, which, unheard, ends the process
// with a stack trace (or, some of the time, leaves it running with nowhere to
// write). Set once for every command: a closed stdout or stderr ends the
// command quietly. A command that runs until stopped (run, serve, start,
// sandbox) is stopped as SIGTERM stops it: cleanly, uploads resumable. A short
// one (status, repair) runs to its end with its output going nowhere.

/** Errors that mean the reader of a pipe is gone, not that something is wrong here. */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'EOF']);

let installed = false;

/** Makes a closed stdout or stderr end the command quietly (idempotent). */
export function endQuietlyWhenOutputCloses(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  const onError = (error: NodeJS.ErrnoException) => {
    // Anything else (a disk full under a redirect) stays as loud as before.
    if (!CLOSED.has(error.code ?? '')) throw error;
    if (stopping) return;
    stopping = true;
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
  };
  for (const stream of streams) stream.on('error', onError);
}
