// The parent's side of the engine host: app/api.ts over an EngineProcess
// (a Node child or an Electron utility process), plus the lifecycle a shell
// needs: start() resolves on ready or rejects with the reason it failed,
// stop() is bounded and idempotent, and calls in flight when the process dies
// are answered with 'engine-stopped' rather than left hanging.
import type {
  ConnectionTest,
  EngineEvent,
  HistoryPage,
  HistoryQuery,
  PauseTarget,
  QueueQuery,
  SaveResult,
  SettingsInput,
  SettingsView,
  Snapshot,
  Target,
  UploaderApi,
} from '../api.ts';
import { ApiError, type CallableMethod } from '../api-schemas.ts';
import type { EngineProcess, FromEngine, StartFailure, StartRequest, ToEngine } from './protocol.ts';

export class EngineStartError extends Error {
  override name = 'EngineStartError';
  readonly reason: StartFailure;
  constructor(reason: StartFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export type EngineLifecycle =
  | { state: 'ready' }
  | { state: 'failed'; reason: StartFailure; message: string }
  | { state: 'fatal'; message: string }
  /** The process is gone; `expected` when stop() asked for it. */
  | { state: 'exited'; code: number | null; expected: boolean };

/** How long stop() waits for a clean exit before killing the process. */
export const STOP_BOUND_MS = 15_000;

/** How long stop() then waits for the killed process to be gone (the host escalates to SIGKILL within it). */
export const KILL_WAIT_MS = 5_000;

export class EngineClient implements UploaderApi {
  readonly #process: EngineProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #lifecycle = new Set<(e: EngineLifecycle) => void>();
  readonly #stopBoundMs: number;
  readonly #killWaitMs: number;
  #nextId = 1;
  #resolveProxy: ((url: string) => Promise<string>) | undefined;
  #exited = false;
  #stopping: Promise<void> | undefined;
  #exitedPromise: Promise<void>;

  constructor(process: EngineProcess, options: { stopBoundMs?: number; killWaitMs?: number } = {}) {
    this.#process = process;
    this.#stopBoundMs = options.stopBoundMs ?? STOP_BOUND_MS;
    this.#killWaitMs = options.killWaitMs ?? KILL_WAIT_MS;
    let exited!: () => void;
    this.#exitedPromise = new Promise((r) => (exited = r));
    process.onMessage((message) => this.#receive(message));
    process.onExit((code) => {
      this.#exited = true;
      for (const { reject } of this.#pending.values()) reject(new ApiError('engine-stopped', 'the engine stopped'));
      this.#pending.clear();
      this.#tell({ state: 'exited', code, expected: this.#stopping !== undefined });
      exited();
    });
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Starts the engine; resolves when it is ready, rejects with EngineStartError (or if it dies first). */
  start(request: Omit<StartRequest, 'kind'>): Promise<void> {
    return new Promise((resolve, reject) => {
      const off = this.onLifecycle((e) => {
        if (e.state === 'ready') resolve();
        else if (e.state === 'failed') reject(new EngineStartError(e.reason, e.message));
        else reject(new EngineStartError('other', e.state === 'fatal' ? `the engine crashed (${e.message})` : `the engine exited (code ${e.code})`));
        off();
      });
      this.#process.send({ kind: 'start', ...request });
    });
  }

  /** Hears ready / failed / fatal / exited; answers the unsubscribe function. */
  onLifecycle(listener: (e: EngineLifecycle) => void): () => void {
    this.#lifecycle.add(listener);
    return () => this.#lifecycle.delete(listener);
  }

  /** Asks the engine to stop (transfers stay resumable); kills it past the bound. Same promise every time. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#exited) return;
      try {
        this.#process.send({ kind: 'shutdown' });
      } catch {
        // The channel is already closed: the exit is on its way.
      }
      if ((await this.#exitedWithin(this.#stopBoundMs)) === 'exited') return;
      this.#process.kill();
      // Never for ever: a process whose exit is never reported is let go after this.
      await this.#exitedWithin(this.#killWaitMs);
    })();
    return this.#stopping;
  }

  async #exitedWithin(ms: number): Promise<'exited' | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
    const outcome = await Promise.race([this.#exitedPromise.then(() => 'exited' as const), bound]);
    clearTimeout(timer);
    return outcome;
  }

  /** Resolves when the process has exited (for whatever reason). */
  whenExited(): Promise<void> {
    return this.#exitedPromise;
  }

  // ---- app/api.ts: checked again in the engine process; here only carried ----
  snapshot = (query?: QueueQuery) => this.#call('snapshot', query) as Promise<Snapshot>;
  pause = (target: PauseTarget) => this.#call('pause', target) as Promise<number>;
  resume = (target: Target) => this.#call('resume', target) as Promise<number>;
  cancel = (target: Target) => this.#call('cancel', target) as Promise<number>;
  retry = (target: Target) => this.#call('retry', target) as Promise<number>;
  history = (query?: HistoryQuery) => this.#call('history', query) as Promise<HistoryPage>;
  settings = () => this.#call('settings', undefined) as Promise<SettingsView>;
  saveSettings = (input: SettingsInput) => this.#call('saveSettings', input) as Promise<SaveResult>;
  testConnection = () => this.#call('testConnection', undefined) as Promise<ConnectionTest>;

  /** Answers the engine's resolve-proxy questions (the desktop shell: session.resolveProxy). */
  onResolveProxy(resolve: (url: string) => Promise<string>): void {
    this.#resolveProxy = resolve;
  }

  /** Tells the engine the network changed: its next connections ask for proxies again. */
  networkChanged(): void {
    if (!this.#exited && !this.#stopping) this.#process.send({ kind: 'network-changed' });
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends any call by name (the shell's IPC relays names it has checked). */
  call(method: CallableMethod, arg: unknown): Promise<unknown> {
    return this.#call(method, arg);
  }

  #call(method: CallableMethod, arg: unknown): Promise<unknown> {
    if (this.#exited || this.#stopping) return Promise.reject(new ApiError('engine-stopped', 'the engine is not running'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#process.send({ kind: 'call', id, method, arg: arg ?? null });
    });
  }

  #receive(message: FromEngine): void {
    switch (message.kind) {
      case 'answer': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new ApiError(message.code, message.message));
        return;
      }
      case 'event':
        for (const listener of this.#listeners) listener(message.event);
        return;
      case 'ready':
        return this.#tell({ state: 'ready' });
      case 'failed':
        return this.#tell({ state: 'failed', reason: message.reason, message: message.message });
      case 'fatal':
        return this.#tell({ state: 'fatal', message: message.message });
      case 'resolve-proxy': {
        const { id } = message;
        const asked = this.#resolveProxy?.(message.url) ?? Promise.reject(new Error('no resolver'));
        asked.then(
          (answer) => this.#send({ kind: 'proxy-answer', id, answer }),
          () => this.#send({ kind: 'proxy-answer', id, answer: null }),
        );
        return;
      }
      case 'stopped':
        return;
    }
  }

  #send(message: ToEngine): void {
    if (!this.#exited) this.#process.send(message);
  }

  #tell(e: EngineLifecycle): void {
    for (const listener of [...this.#lifecycle]) listener(e);
  }
}
