// Keeps the engine process running: starts it, and when it dies (or fails to
// start) starts it again after a growing delay; after repeated failures it
// tells the person once (a notification), and keeps trying at the longest
// delay, so a fixed config or a freed data folder is picked up by itself.
// stop() ends that for good (Quit).
import type { EngineClient, EngineLifecycle } from '../app/host/engine-client.ts';
import { EngineStartError } from '../app/host/engine-client.ts';
import type { StartFailure, StartRequest } from '../app/host/protocol.ts';

export interface SupervisorOptions {
  /** A new, not yet started engine client (utilityProcess in the app, a Node child in tests). */
  spawn(): EngineClient;
  /** What to start it with (read each time: the secret or the config may have changed). */
  request(): Promise<Omit<StartRequest, 'kind'>>;
  onUp(client: EngineClient): void;
  onDown(): void;
  /** Called once per run of failures, when they reach `notifyAfter`. */
  onRepeatedFailure(failures: number, reason: StartFailure | 'crashed'): void;
  /** The desktop app's log: each start, failure (with the restart's delay) and asked-for restart. */
  log?(event: string, facts?: Record<string, string | number>): void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  notifyAfter?: number;
  /** Up this long counts as healthy: the next failure starts the backoff over. */
  healthyAfterMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export class EngineSupervisor {
  readonly #o: Required<Omit<SupervisorOptions, 'spawn' | 'request' | 'onUp' | 'onDown' | 'onRepeatedFailure' | 'log'>> & SupervisorOptions;
  #client: EngineClient | undefined;
  #failures = 0;
  #upSince: number | undefined;
  #timer: unknown;
  #stopped = false;
  #told = false;

  constructor(options: SupervisorOptions) {
    this.#o = {
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
      notifyAfter: 3,
      healthyAfterMs: 60_000,
      now: Date.now,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      ...options,
    };
  }

  get client(): EngineClient | undefined {
    return this.#client;
  }

  /** The delay before restart number `failures` (1, 2, 4... seconds, capped). */
  delayFor(failures: number): number {
    return Math.min(this.#o.baseDelayMs * 2 ** Math.max(0, failures - 1), this.#o.maxDelayMs);
  }

  start(): void {
    if (this.#stopped || this.#client) return;
    const client = this.#o.spawn();
    this.#client = client;
    client.onLifecycle((e) => this.#lifecycle(client, e));
    void this.#o
      .request()
      .then(
        (request) => client.start(request),
        () => client.start({ configFile: '' }), // cannot happen in practice; the engine then answers bad-config
      )
      .then(
        () => {
          if (this.#client !== client) return;
          this.#upSince = this.#o.now();
          this.#o.log?.('engine-up', { recentFailures: this.#failures });
          this.#o.onUp(client);
        },
        (error: unknown) => {
          if (this.#client !== client) return;
          this.#failed(error instanceof EngineStartError ? error.reason : 'crashed');
        },
      );
  }

  /** Stops the running engine and starts a fresh one (a new secret or login applies at start). */
  async restart(): Promise<void> {
    const old = this.#client;
    this.#client = undefined;
    this.#o.log?.('engine-restart-asked');
    this.#o.onDown();
    await old?.stop();
    this.start();
  }

  /** Stops for good; bounded by the client's own stop bound. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.clearTimer(this.#timer);
    const old = this.#client;
    this.#client = undefined;
    await old?.stop();
  }

  #lifecycle(client: EngineClient, e: EngineLifecycle): void {
    if (e.state !== 'exited' || e.expected || this.#client !== client) return;
    // Died after it was up: a crash. (A death before ready is handled by start()'s rejection.)
    if (this.#upSince === undefined) return;
    this.#client = undefined;
    this.#o.onDown();
    if (this.#o.now() - this.#upSince >= this.#o.healthyAfterMs) {
      this.#failures = 0;
      this.#told = false;
    }
    this.#failed('crashed');
  }

  #failed(reason: StartFailure | 'crashed'): void {
    this.#client = undefined;
    this.#upSince = undefined;
    this.#failures++;
    if (this.#failures >= this.#o.notifyAfter && !this.#told) {
      this.#told = true;
      this.#o.onRepeatedFailure(this.#failures, reason);
    }
    this.#o.log?.('engine-failed', { reason, failures: this.#failures, ...(!this.#stopped && { retryInMs: this.delayFor(this.#failures) }) });
    if (this.#stopped) return;
    this.#timer = this.#o.setTimer(() => this.start(), this.delayFor(this.#failures));
  }
}
