// IPC: for EVERY channel of the map, a foreign sender (another webContents, a
// sub-frame, a page from another origin, no window) and a malformed payload
// are refused before anything reaches the engine; a good call from the main
// window's top frame goes through. Then the preload's window.uploader over the
// same handlers, end to end (Electron's ipc replaced by a direct relay), and
// its host link (the shell's word on whether the engine is there).
import { describe, expect, it } from 'vitest';
import type { CallableMethod } from '../../app/api-schemas.ts';
import { CALLABLE_METHODS } from '../../app/api-schemas.ts';
import { CALL_CHANNELS, EVENT_CHANNEL, LINK_CHANNEL, type IpcAnswer } from '../../main/channels.ts';
import { registerIpc, type FrameLike, type InvokeEventLike, type IpcMainLike, type MainWindowLike } from '../../main/ipc.ts';
import { createPreloadApi } from '../../main/preload-api.ts';
import { hostLinkOf } from '../../renderer/bridge/host-link.ts';

const GOOD: Record<CallableMethod, unknown> = {
  snapshot: { limit: 10 },
  pause: { fileId: 1 },
  resume: { all: true },
  cancel: { fileId: 2 },
  retry: { all: true },
  history: { search: 'x' },
  settings: undefined,
  testConnection: undefined,
  saveSettings: {
    server: { baseUrl: 'https://b', auth: { type: 'user', username: 'u' } },
    folders: [],
    transfer: { partSizeMiB: 8, parallelParts: 4, parallelFiles: 2, maxBytesPerSecond: 0, stallSeconds: 60, requestTimeoutSeconds: 30 },
  },
};
const MALFORMED: Record<CallableMethod, unknown> = {
  snapshot: { states: ['exploded'] },
  pause: { fileId: -1 },
  resume: { fileId: 1.5 },
  cancel: { all: false },
  retry: 'everything',
  history: { limit: 10_000_000 },
  settings: { sneaky: true },
  testConnection: { sneaky: true },
  saveSettings: { server: { baseUrl: 'x', auth: { type: 'root' } }, folders: [], transfer: {} },
};

function setup() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<IpcAnswer>>();
  const ipcMain: IpcMainLike = { handle: (c, l) => void handlers.set(c, l) };
  const mainFrame: FrameLike = { url: 'app://uploader/index.html' };
  const window: MainWindowLike = { webContents: { id: 1, mainFrame } };
  const reached: [string, unknown][] = [];
  const refused: [string, string][] = [];
  let current: MainWindowLike | undefined = window;
  registerIpc(ipcMain, {
    mainWindow: () => current,
    call: async (method, arg) => {
      reached.push([method, arg]);
      return method === 'settings' ? { ok: 'settings' } : 1;
    },
    onRefused: (channel, reason) => refused.push([channel, reason]),
  });
  const fromMain: InvokeEventLike = { sender: { id: 1 }, senderFrame: mainFrame };
  return { handlers, reached, refused, fromMain, mainFrame, setWindow: (w: MainWindowLike | undefined) => (current = w), window };
}

describe('ipcMain handlers', () => {
  it('register one handler per UploaderApi call', () => {
    const s = setup();
    expect([...s.handlers.keys()].sort()).toEqual(Object.values(CALL_CHANNELS).sort());
    expect(CALLABLE_METHODS.length).toBe(9);
  });

  describe.each(CALLABLE_METHODS)('%s', (method) => {
    const channel = CALL_CHANNELS[method];
    const args = (v: unknown) => (v === undefined ? [] : [v]);

    it('answers a call from the main window top frame', async () => {
      const s = setup();
      const answer = await s.handlers.get(channel)!(s.fromMain, ...args(GOOD[method]));
      expect(answer.ok).toBe(true);
      expect(s.reached).toHaveLength(1);
      expect(s.reached[0]![0]).toBe(method);
    });

    it.each<[string, (s: ReturnType<typeof setup>) => InvokeEventLike]>([
      ['another webContents', (s) => ({ sender: { id: 2 }, senderFrame: s.mainFrame })],
      ['a sub-frame of the main window', () => ({ sender: { id: 1 }, senderFrame: { url: 'app://uploader/index.html' } })],
      ['no frame (it navigated away or was destroyed)', () => ({ sender: { id: 1 }, senderFrame: null })],
    ])('refuses %s', async (_name, event) => {
      const s = setup();
      const answer = await s.handlers.get(channel)!(event(s), ...args(GOOD[method]));
      expect(answer).toEqual({ ok: false, code: 'refused', message: 'not allowed' });
      expect(s.reached).toEqual([]);
      expect(s.refused[0]![0]).toBe(channel);
    });

    it('refuses the main frame showing another origin', async () => {
      const s = setup();
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://uploader.evil/', 'app://user:pw@uploader/']) {
        const frame = { url };
        s.setWindow({ webContents: { id: 1, mainFrame: frame } });
        const answer = await s.handlers.get(channel)!({ sender: { id: 1 }, senderFrame: frame }, ...args(GOOD[method]));
        expect(answer).toMatchObject({ ok: false, code: 'refused' });
      }
      expect(s.reached).toEqual([]);
    });

    it('refuses when there is no main window', async () => {
      const s = setup();
      s.setWindow(undefined);
      expect(await s.handlers.get(channel)!(s.fromMain, ...args(GOOD[method]))).toMatchObject({ ok: false, code: 'refused' });
    });

    it('refuses a malformed payload and extra arguments, by code, before the engine', async () => {
      const s = setup();
      const bad = await s.handlers.get(channel)!(s.fromMain, MALFORMED[method]);
      expect(bad).toMatchObject({ ok: false, code: 'bad-payload' });
      const extra = await s.handlers.get(channel)!(s.fromMain, GOOD[method] ?? null, 'extra');
      expect(extra).toMatchObject({ ok: false, code: 'bad-payload' });
      expect(s.reached).toEqual([]);
    });
  });
});

describe('the preload window.uploader', () => {
  function wired() {
    const s = setup();
    const listeners = new Map<string, Set<(e: unknown, d: unknown) => void>>();
    const api = createPreloadApi({
      invoke: (channel, ...args) => s.handlers.get(channel)!(s.fromMain, ...args),
      on: (c, l) => void (listeners.get(c) ?? listeners.set(c, new Set()).get(c)!).add(l),
      removeListener: (c, l) => void listeners.get(c)?.delete(l),
    });
    return { s, api, listeners };
  }

  it('implements UploaderApi and the host link, and nothing else', () => {
    const { api } = wired();
    expect(Object.keys(api).sort()).toEqual([...CALLABLE_METHODS, 'onEvent', 'onLink'].sort());
  });

  it('relays calls, and a refusal arrives as its code', async () => {
    const { s, api } = wired();
    expect(await api.pause({ fileId: 1 })).toBe(1);
    expect(await api.settings()).toEqual({ ok: 'settings' });
    expect(s.reached).toEqual([
      ['pause', { fileId: 1 }],
      ['settings', undefined],
    ]);
    await expect(api.pause({ fileId: 0 })).rejects.toMatchObject({ code: 'bad-payload' });
  });

  it('delivers events until unsubscribed', () => {
    const { api, listeners } = wired();
    const seen: number[] = [];
    const off = api.onEvent((e) => seen.push(e.seq));
    for (const l of listeners.get(EVENT_CHANNEL)!) l({}, { type: 'changed', at: 1, fileIds: [], seq: 4 });
    off();
    expect(listeners.get(EVENT_CHANNEL)!.size).toBe(0);
    expect(seen).toEqual([4]);
  });

  it('tells the window whether the engine is there, as the shell says it, until unsubscribed; anything else is dropped', () => {
    const { api, listeners } = wired();
    const seen: string[] = [];
    const off = api.onLink((state) => seen.push(state));
    for (const data of ['lost', 'open', 'expired', { state: 'open' }, null]) for (const l of listeners.get(LINK_CHANNEL)!) l({}, data);
    off();
    expect(listeners.get(LINK_CHANNEL)!.size).toBe(0);
    expect(seen).toEqual(['lost', 'open']);
    // The renderer finds it as it finds the web bridge's (renderer/bridge/host-link.ts).
    expect(hostLinkOf(api)).toBe(api);
  });
});
