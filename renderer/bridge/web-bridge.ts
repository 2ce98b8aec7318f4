// window.uploader over the control server (app/control): each method is a
// POST /api/<method> with its argument as JSON; events arrive as Server-Sent
// Events on /api/events. The access token travels in the HttpOnly cookie the
// server set on the first load, so no script here ever sees it.
import type { EngineEvent, UploaderApi } from '../../app/api.ts';

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

export function createWebBridge(base = ''): UploaderApi {
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
  let source: EventSource | undefined;
  const open = () => {
    source = new EventSource(`${base}/api/events`);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as EngineEvent;
      for (const listener of listeners) listener(event);
    };
  };

  return {
    snapshot: (query) => call('snapshot', query),
    pause: (target) => call('pause', target),
    resume: (target) => call('resume', target),
    cancel: (target) => call('cancel', target),
    retry: (target) => call('retry', target),
    history: (query) => call('history', query),
    settings: () => call('settings'),
    saveSettings: (input) => call('saveSettings', input),
    testConnection: () => call('testConnection'),
    onEvent(listener) {
      listeners.add(listener);
      if (!source) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  };
}
