// The BioT client, replaceable while the engine runs. Fixing the password
// (or the server address, or the login kind) in Settings must apply at once:
// a person who just fixed it should not have to restart anything, and the
// banner must stop asking. Everything in the engine holds this one object;
// each call on its files and entities goes to the client current when the
// call starts, so a running transfer moves to the new settings at its next
// call and fails none. A replaced client is closed once the last call that
// started on it has ended (closing it earlier makes undici refuse that call's
// next request: a NETWORK failure, a lost attempt and "BioT unreachable").
import { createBiotClient, HostHolds, type BiotClient, type BiotClientOptions, type HoldEvent, type TokenEvent } from '../biot/index.ts';
import type { Config } from '../config/schema.ts';
import type { Net } from '../net/index.ts';

/** What a BioT client is built from: the server part of the config and the request timeout. */
export type ServerSettings = Pick<Config, 'server'> & { transfer: Pick<Config['transfer'], 'requestTimeoutSeconds'> };

export interface ServerSwitchOptions {
  now?: () => number;
  /** Token life-cycle events of whichever client is current (never carries secrets). */
  onTokenEvent?: (event: TokenEvent) => void;
  /** A host asked to be left alone a while (Retry-After), for the log. */
  onHold?: (event: HoldEvent) => void;
  /** Trust and proxy (app/net), the same for every client this switch builds. */
  net?: Net;
  /** Builds a client (tests); createBiotClient otherwise. */
  create?: typeof createBiotClient;
}

/** The address, login and request timeout of a client for these settings (an unset secret is sent empty and refused by BioT). */
export function clientSettings(s: ServerSettings): Pick<BiotClientOptions, 'baseUrl' | 'auth' | 'timeoutMs'> {
  const a = s.server.auth;
  return {
    baseUrl: s.server.baseUrl,
    auth:
      a.type === 'user'
        ? { type: 'user', username: a.username, password: a.password ?? '' }
        : { type: 'service', id: a.id, secretKey: a.secretKey ?? '' },
    timeoutMs: s.transfer.requestTimeoutSeconds * 1000,
  };
}

/** Whether `after` needs another BioT client than `before` (address, login, secret, request timeout). */
export function serverSettingsChanged(before: ServerSettings, after: ServerSettings): boolean {
  return (
    JSON.stringify(before.server) !== JSON.stringify(after.server) || before.transfer.requestTimeoutSeconds !== after.transfer.requestTimeoutSeconds
  );
}

/** A client and how many calls are running on it. */
interface Held {
  client: BiotClient;
  calls: number;
  closed?: Promise<void>;
}

export class ServerSwitch implements BiotClient {
  readonly #options: ServerSwitchOptions;
  /** One Retry-After book for every client: a new login does not make a loaded server's wait go away. */
  readonly holds: HostHolds;
  #settings: ServerSettings;
  #current: Held;
  /** Replaced clients, kept until closed so destroy() can still cut a call that hangs on one. */
  readonly #retiring = new Set<Held>();

  constructor(settings: ServerSettings, options: ServerSwitchOptions = {}) {
    this.#options = options;
    this.holds = new HostHolds({ ...(options.onHold && { onHold: options.onHold }) });
    this.#settings = settings;
    this.#current = { client: this.#build(settings), calls: 0 };
  }

  get tokens(): BiotClient['tokens'] {
    return this.#current.client.tokens;
  }

  readonly files: BiotClient['files'] = {
    createSingle: (...a) => this.#use((c) => c.files.createSingle(...a)),
    createMultipart: (...a) => this.#use((c) => c.files.createMultipart(...a)),
    partLinks: (...a) => this.#use((c) => c.files.partLinks(...a)),
    saveEtags: (...a) => this.#use((c) => c.files.saveEtags(...a)),
    complete: (...a) => this.#use((c) => c.files.complete(...a)),
    cancel: (...a) => this.#use((c) => c.files.cancel(...a)),
    downloadLink: (...a) => this.#use((c) => c.files.downloadLink(...a)),
  };

  readonly entities: BiotClient['entities'] = {
    attachFile: (...a) => this.#use((c) => c.entities.attachFile(...a)),
    createGenericEntity: (...a) => this.#use((c) => c.entities.createGenericEntity(...a)),
    getEntity: (...a) => this.#use((c) => c.entities.getEntity(...a)),
  };

  /** Switches to a client for `settings` when they differ from the current ones; answers whether it did. */
  apply(settings: ServerSettings): boolean {
    if (!serverSettingsChanged(this.#settings, settings)) return false;
    const old = this.#current;
    this.#settings = settings;
    this.#current = { client: this.#build(settings), calls: 0 };
    this.#retiring.add(old);
    if (old.calls === 0) void this.#retire(old);
    return true;
  }

  /** Closes every client, the replaced ones too (shutdown: transfers were stopped first). */
  async close(): Promise<void> {
    await Promise.all([this.#current.client.close(), ...[...this.#retiring].map((held) => this.#retire(held))]);
  }

  /** Cuts whatever is still in flight on any client, the replaced ones too (close() took too long). */
  async destroy(): Promise<void> {
    await Promise.all([this.#current, ...this.#retiring].map((held) => held.client.destroy()));
  }

  async #use<R>(call: (client: BiotClient) => Promise<R>): Promise<R> {
    const held = this.#current;
    held.calls += 1;
    try {
      return await call(held.client);
    } finally {
      held.calls -= 1;
      if (held.calls === 0 && this.#retiring.has(held)) void this.#retire(held);
    }
  }

  #retire(held: Held): Promise<void> {
    held.closed ??= held.client
      .close()
      .catch(() => held.client.destroy())
      .catch(() => undefined)
      .finally(() => this.#retiring.delete(held));
    return held.closed;
  }

  #build(s: ServerSettings): BiotClient {
    return (this.#options.create ?? createBiotClient)({
      ...clientSettings(s),
      ...(this.#options.net && { net: this.#options.net }),
      ...(this.#options.now && { now: this.#options.now }),
      ...(this.#options.onTokenEvent && { onTokenEvent: this.#options.onTokenEvent }),
      holds: this.holds,
    });
  }
}
