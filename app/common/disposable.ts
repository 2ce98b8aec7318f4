// The one shape for everything that lives long (watchers, timers, listeners,
// child processes): it is let go with dispose(). Below every layer (app/common),
// so the engine, the host and the Electron shell all hold and release their
// long-lived parts the same way.

export interface Disposable {
  /** Lets the thing go; calling it again does nothing. May finish asynchronously (a child process, a watcher). */
  dispose(): void | Promise<void>;
}

/** One that lets go at once (a timer, a listener): callers need not await it. */
export interface SyncDisposable extends Disposable {
  dispose(): void;
}

/** A Disposable from a plain function, run at most once. */
export function disposable(release: () => void): SyncDisposable;
export function disposable(release: () => void | Promise<void>): Disposable;
export function disposable(release: () => void | Promise<void>): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      return release();
    },
  };
}

/** A repeating timer as a Disposable; `unref` keeps a pending tick from holding a quitting process alive. */
export function every(ms: number, run: () => void, options: { unref?: boolean } = {}): SyncDisposable {
  const timer = setInterval(run, ms);
  if (options.unref) timer.unref();
  return disposable(() => clearInterval(timer));
}

/**
 * Holds what a component started and lets it all go in reverse order (the last
 * started depends on the earlier ones), once. A member that throws or rejects
 * does not stop the others: every member is disposed, then the failures are
 * told to `onError`, or, without one, raised together as an AggregateError.
 */
export class DisposableStore implements Disposable {
  readonly #members: Disposable[] = [];
  readonly #onError: ((error: unknown) => void) | undefined;
  #disposing: Promise<void> | undefined;

  constructor(onError?: (error: unknown) => void) {
    this.#onError = onError;
  }

  /**
   * Adds a member and hands it back. One added after dispose() (a watcher that
   * finished starting during shutdown) is disposed at once; its failure goes to
   * onError, as there is no dispose() call left to raise it from.
   */
  add<T extends Disposable>(member: T): T {
    if (this.#disposing) {
      void this.#disposeOne(member).then((error) => {
        if (error !== undefined) this.#onError?.(error);
      });
    } else this.#members.push(member);
    return member;
  }

  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  dispose(): Promise<void> {
    this.#disposing ??= this.#disposeAll();
    return this.#disposing;
  }

  async #disposeAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const member of this.#members.splice(0).reverse()) {
      const error = await this.#disposeOne(member);
      if (error !== undefined) failures.push(error);
    }
    this.#report(failures);
  }

  /** Disposes one member; answers its failure rather than throwing it. */
  async #disposeOne(member: Disposable): Promise<unknown> {
    try {
      await member.dispose();
      return undefined;
    } catch (error) {
      return error ?? new Error('dispose failed');
    }
  }

  #report(failures: unknown[]): void {
    if (failures.length === 0) return;
    if (this.#onError) for (const error of failures) this.#onError(error);
    else throw new AggregateError(failures, `${failures.length} member(s) failed to dispose`);
  }
}
