// window.uploader over the control server (app/control): each method is a
// POST /api/<method> with its argument as JSON; events arrive as Server-Sent
// Events on /api/events. The access token travels in the HttpOnly cookie the
// server set on the first load, so no script here ever sees it.
// The stream is also the window's heartbeat (host-link.ts): its end is said at
// once, and EventSource reconnects by itself when the uploader is back on the
// same address (start and serve keep their port and token across restarts).
import type { EngineEvent, UploaderApi } from '../../app/api.ts';
import { createLinkState, type HostLink } from './host-link.ts';

type Method = Exclude<keyof UploaderApi, 'onEvent'>;
type Result<M extends Method> = Awaited<ReturnType<UploaderApi[M]>>;

/** An answer the server refused; `status` 401 means the token is gone (reopen the printed address). */
export class BridgeError extends Error {
  override name = 'BridgeError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** After the server refused the stream (EventSource gives up on an HTTP error), try again this often. */
const REOPEN_MS = 5_000;

export function createWebBridge(base = ''): UploaderApi & HostLink {
  async function call<M extends Method>(method: M, arg?: unknown): Promise<Result<M>> {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(arg ?? null),
      credentials: 'same-origin',
    });
    const body = (await res.json().catch(() => ({}))) as { result?: Result<M>; error?: string };
    if (!res.ok) throw new BridgeError(res.status, body.error ?? `the uploader answered ${res.status}`);
    return body.result as Result<M>;
  }

  const listeners = new Set<(event: EngineEvent) => void>();
  const link = createLinkState();
  let source: EventSource | undefined;
  let reopen: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    const es = new EventSource(`${base}/api/events`);
    source = es;
    es.onopen = () => link.set('open');
    es.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as EngineEvent;
      for (const listener of listeners) listener(event);
    };
    es.onerror = () => {
      if (source !== es) return;
      // CONNECTING: the stream ended (the uploader stopped) and the browser retries by itself.
      if (es.readyState !== EventSource.CLOSED) return link.set('lost');
      // CLOSED: the uploader answered with an error; a 401 means this window's access is gone for good.
      es.close();
      void refused().then((expired) => {
        if (source !== es) return;
        link.set(expired ? 'expired' : 'lost');
        if (!expired) reopen = setTimeout(open, REOPEN_MS);
      });
    };
  };
  /** Whether a call is refused for want of a valid token (the uploader restarted with a new one). */
  const refused = () =>
    call('snapshot', { limit: 0 }).then(
      () => false,
      (error: unknown) => error instanceof BridgeError && error.status === 401,
    );

  return {
    snapshot: (query) => call('snapshot', query),
    pause: (target) => call('pause', target),
    resume: (target) => call('resume', target),
    cancel: (target) => call('cancel', target),
    retry: (target) => call('retry', target),
    history: (query) => call('history', query),
    settings: () => call('settings'),
    saveSettings: (input) => call('saveSettings', input),
    onLink: (listener) => link.onLink(listener),
    testConnection: () => call('testConnection'),
    onEvent(listener) {
      listeners.add(listener);
      if (!source) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(reopen);
          source?.close();
          source = undefined;
        }
      };
    },
  };
}
