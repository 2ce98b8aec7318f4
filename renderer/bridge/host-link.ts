// Whether this window is in touch with the uploader at all. The event stream
// is the heartbeat: when it ends (the uploader stopped, the PC's service was
// restarted) the window must say so at once, not show the last speeds it
// heard as if they were live. Both hosts offer onLink: the web bridge from its
// event stream, Electron's preload from the shell, which sees its engine
// process go and come back (main/window-feed.ts). A host without it is
// taken to be always `open`.

/** `open`: events flow. `lost`: the stream ended; the bridge keeps trying. `expired`: the uploader answered but refused this window's access. */
export type LinkState = 'open' | 'lost' | 'expired';

export interface HostLink {
  /** Tells `listener` each time the link changes (never twice the same state in a row); returns the unsubscribe function. */
  onLink(listener: (state: LinkState) => void): () => void;
}

/** The state and its listeners; `set` tells them only on a change. Pure, so it is tested under Node. */
export function createLinkState(): HostLink & { set(state: LinkState): void; readonly state: LinkState | undefined } {
  const listeners = new Set<(state: LinkState) => void>();
  let current: LinkState | undefined;
  return {
    get state() {
      return current;
    },
    set(state) {
      if (state === current) return;
      current = state;
      for (const listener of listeners) listener(state);
    },
    onLink(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The host's link, when it offers one (the web bridge does). */
export function hostLinkOf(api: object): HostLink | undefined {
  return typeof (api as Partial<HostLink>).onLink === 'function' ? (api as HostLink) : undefined;
}
