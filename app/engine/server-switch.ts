// The BioT client, replaceable while the engine runs. Fixing the password
// (or the server address, or the login kind) in Settings must apply at once:
// a person who just fixed it should not have to restart anything, and the
// banner must stop asking. Everything in the engine holds this one object;
// its tokens, files and entities are the current client's, so each new call
// goes out with the new settings, and the old client is closed once its calls
// in flight ended (a transfer that was using it fails that call and is retried).
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

export class ServerSwitch implements BiotClient {
  readonly #options: ServerSwitchOptions;
  /** One Retry-After book for every client: a new login does not make a loaded server's wait go away. */
  readonly holds: HostHolds;
  #settings: ServerSettings;
  #current: BiotClient;
  /** Clients replaced while calls may still be in flight on them: closed in the background, awaited by close(). */
  readonly #retiring = new Set<Promise<void>>();

  constructor(settings: ServerSettings, options: ServerSwitchOptions = {}) {
    this.#options = options;
    this.holds = new HostHolds({ ...(options.onHold && { onHold: options.onHold }) });
    this.#settings = settings;
    this.#current = this.#build(settings);
  }

  get tokens(): BiotClient['tokens'] {
    return this.#current.tokens;
  }

  get files(): BiotClient['files'] {
    return this.#current.files;
  }

  get entities(): BiotClient['entities'] {
    return this.#current.entities;
  }

  /** Switches to a client for `settings` when they differ from the current ones; answers whether it did. */
  apply(settings: ServerSettings): boolean {
    if (!serverSettingsChanged(this.#settings, settings)) return false;
    const old = this.#current;
    this.#settings = settings;
    this.#current = this.#build(settings);
    const closing: Promise<void> = old.close().catch(() => old.destroy());
    this.#retiring.add(closing);
    void closing.finally(() => this.#retiring.delete(closing));
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([this.#current.close(), ...this.#retiring]);
  }

  async destroy(): Promise<void> {
    await this.#current.destroy();
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
