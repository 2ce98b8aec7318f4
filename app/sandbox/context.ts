// What every route handler gets: the state, the store, the current knobs and
// the sandbox's principals. One object, so handlers stay plain functions.
import type { IncomingMessage } from 'node:http';
import type { OperationName } from './faults.ts';
import type { ObjectStore } from './object-store.ts';
import type { SandboxState } from './state.ts';

export interface SandboxCredentials {
  user: { username: string; password: string };
  service: { id: string; secretKey: string };
}

export interface SandboxSettings {
  linkTtlSeconds: number;
  tokenTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Epoch ms until which each principal is locked: 0 = unlocked, Infinity = until unlock(). */
  lockedUntil: { user: number; service: number };
  /** PATCH to an entity that was never registered answers 404 (as BioT does) instead of creating it. */
  strictEntities: boolean;
}

export interface SandboxContext {
  state: SandboxState;
  store: ObjectStore;
  settings: SandboxSettings;
  credentials: SandboxCredentials;
  userId: string;
  organizationId: string;
  /** Turns a store link into the link handed to clients (the proxy rewrites S3 links). */
  publicLink(url: string): string;
  log(line: string): void;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  pattern: RegExp;
  op: OperationName;
  /** serviceName in error bodies, as BioT's services name themselves. */
  service: string;
  /** Public calls need no bearer token (login, refresh, service token). */
  public?: boolean;
  handle(ctx: SandboxContext, params: string[], body: unknown, req: IncomingMessage): Promise<RouteAnswer>;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
