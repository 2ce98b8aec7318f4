// window.uploader in the desktop app: UploaderApi over ipcRenderer, plus
// onLink (whether the engine is there: the renderer's HostLink, as the web
// bridge offers it), and nothing else (no ipcRenderer, no Node, no generic
// invoke). Kept apart from preload.ts (which only hands it to contextBridge)
// so it is tested under Node.
import type { EngineEvent, UploaderApi } from '../app/api.ts';
import { CALL_CHANNELS, EVENT_CHANNEL, isHostLinkState, LINK_CHANNEL, type HostLinkState, type IpcAnswer } from './channels.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, data: unknown) => void): void;
  removeListener(channel: string, listener: (event: unknown, data: unknown) => void): void;
}

/** The window's link to the engine, told by the shell (window-feed.ts); the renderer finds it with hostLinkOf. */
export interface PreloadLink {
  onLink(listener: (state: HostLinkState) => void): () => void;
}

export function createPreloadApi(ipc: IpcRendererLike): UploaderApi & PreloadLink {
  const call = async (channel: string, arg?: unknown): Promise<never> => {
    const answer = (await ipc.invoke(channel, ...(arg === undefined ? [] : [arg]))) as IpcAnswer;
    // A plain object, not an Error: contextBridge copies an Error's message only, and the window needs the code.
    if (!answer.ok) throw { name: 'ApiError', code: answer.code, message: answer.message };
    return answer.result as never;
  };
  return {
    snapshot: (query) => call(CALL_CHANNELS.snapshot, query),
    pause: (target) => call(CALL_CHANNELS.pause, target),
    resume: (target) => call(CALL_CHANNELS.resume, target),
    cancel: (target) => call(CALL_CHANNELS.cancel, target),
    retry: (target) => call(CALL_CHANNELS.retry, target),
    history: (query) => call(CALL_CHANNELS.history, query),
    settings: () => call(CALL_CHANNELS.settings),
    saveSettings: (input) => call(CALL_CHANNELS.saveSettings, input),
    testConnection: () => call(CALL_CHANNELS.testConnection),
    onEvent(listener) {
      const relay = (_event: unknown, data: unknown) => listener(data as EngineEvent);
      ipc.on(EVENT_CHANNEL, relay);
      return () => ipc.removeListener(EVENT_CHANNEL, relay);
    },
    onLink(listener) {
      // Only the two states the shell sends pass (a bad payload is dropped, not relayed).
      const relay = (_event: unknown, data: unknown) => {
        if (isHostLinkState(data)) listener(data);
      };
      ipc.on(LINK_CHANNEL, relay);
      return () => ipc.removeListener(LINK_CHANNEL, relay);
    },
  };
}
