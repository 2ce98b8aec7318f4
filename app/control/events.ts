// The event stream as Server-Sent Events: the engine already throttles its
// events to a few a second, the browser only listens, and EventSource
// reconnects by itself, so a one-way text stream is all this needs (no
// WebSocket dependency, and commands stay plain request/answer POSTs).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploaderApi } from '../api.ts';

const HEARTBEAT_MS = 15_000;
/** A client that stops reading (a suspended tab) is dropped past this much unsent data; EventSource reconnects. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Streams engine events to one client until it goes away; answers a function that ends the stream. */
export function streamEvents(api: UploaderApi, req: IncomingMessage, res: ServerResponse): () => void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  res.write('retry: 2000\n\n');
  const unsubscribe = api.onEvent((event) => {
    if (res.writableLength > MAX_BUFFERED_BYTES) return end();
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  // A comment line now and then keeps proxies and idle timers from closing the stream.
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.on('close', end);
  return end;
}
