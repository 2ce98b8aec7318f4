// ipcMain for window.uploader: one handler per channel, each of which checks,
// before anything reaches the engine, that the sender is the main window's
// top frame showing the app's own origin, and that the payload passes the
// shared schemas (app/api-schemas.ts). Refusals answer a code, never a stack.
import type { CallableMethod } from '../app/api-schemas.ts';
import { ApiError, CALLABLE_METHODS, parseCall } from '../app/api-schemas.ts';
import { errorCode } from '../app/host/errors.ts';
import { isAppUrl } from './app-origin.ts';
import { CALL_CHANNELS, type IpcAnswer } from './channels.ts';

/** The parts of Electron's WebFrameMain the check reads. */
export interface FrameLike {
  readonly url: string;
}

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<IpcAnswer>): void;
}

/** The window allowed to call: its webContents id and its top frame. */
export interface MainWindowLike {
  readonly webContents: { readonly id: number; readonly mainFrame: FrameLike };
}

export type Refusal = 'no-window' | 'foreign-sender' | 'sub-frame' | 'foreign-origin';

/** Why a sender may not call, or null when it may. */
export function senderRefusal(event: InvokeEventLike, window: MainWindowLike | undefined): Refusal | null {
  if (!window) return 'no-window';
  if (event.sender.id !== window.webContents.id) return 'foreign-sender';
  if (!event.senderFrame || event.senderFrame !== window.webContents.mainFrame) return 'sub-frame';
  if (!isAppUrl(event.senderFrame.url)) return 'foreign-origin';
  return null;
}

export interface IpcOptions {
  mainWindow: () => MainWindowLike | undefined;
  /** Runs a checked call (the engine client, or the shell's wrapper that keeps secrets out of the engine's file). */
  call: (method: CallableMethod, arg: unknown) => Promise<unknown>;
  /** Told about refusals: channel and reason only. */
  onRefused?: (channel: string, reason: string) => void;
}

/** Registers every channel, for the life of the app (they check the main window at each call, so a new window needs none). */
export function registerIpc(ipcMain: IpcMainLike, options: IpcOptions): void {
  for (const method of CALLABLE_METHODS) {
    const channel = CALL_CHANNELS[method];
    ipcMain.handle(channel, async (event, ...args) => {
      const refusal = senderRefusal(event, options.mainWindow());
      if (refusal) {
        options.onRefused?.(channel, refusal);
        return { ok: false, code: 'refused', message: 'not allowed' };
      }
      try {
        if (args.length > 1) throw new ApiError('bad-payload', `${method} takes at most one argument`);
        const parsed = parseCall(method, args[0]);
        return { ok: true, result: (await options.call(parsed.method, parsed.arg)) ?? null };
      } catch (error) {
        const code = errorCode(error);
        if (code === 'bad-payload') options.onRefused?.(channel, 'bad-payload');
        return { ok: false, code, message: error instanceof ApiError ? error.message : 'the engine could not do that' };
      }
    });
  }
}
