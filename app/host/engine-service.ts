// The engine as a hosted service: the child's side of the port. It starts
// the engine on request (answering ready, or failed with the reason), runs
// checked app/api.ts calls, forwards numbered events, and shuts down once,
// within a bound, however many times it is asked. The entry file
// (engine-entry.ts) gives it a port and exits when it says so.
import { dirname } from 'node:path';
import { loadConfigFile } from '../config/load.ts';
import { invoke, parseCall } from '../api-schemas.ts';
import { openEngineLog } from '../common/engine-log.ts';
import type { FileLogger } from '../common/log-file.ts';
import { prepareDemo } from './demo.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { createEngine } from '../engine/create-engine.ts';
import type { Engine } from '../engine/engine.ts';
import type { DataFolderLock } from '../engine/data-lock.ts';
import { errorCode, safeMessage, startFailure } from './errors.ts';
import { isToEngine, type FromEngine, type ParentPort, type StartRequest } from './protocol.ts';
import { askParentForProxies } from './proxy-port.ts';

/** How long a shutdown may take before the service gives up waiting for transfers to stop. */
export const SHUTDOWN_BOUND_MS = 10_000;

export interface ServiceOptions {
  /** Called once after the 'stopped' message is posted: the entry exits the process. */
  onStopped: (exitCode: number) => void;
  env?: NodeJS.ProcessEnv;
  shutdownBoundMs?: number;
}

export function serveEngine(port: ParentPort, options: ServiceOptions): { shutdown(): Promise<void> } {
  let engine: Engine | undefined;
  let sandbox: Sandbox | undefined;
  let demoLock: DataFolderLock | undefined;
  let logger: FileLogger | undefined;
  let starting = false;
  let stopping: Promise<void> | undefined;
  let unsubscribe = () => {};
  const post = (message: FromEngine) => port.postMessage(message);
  const proxies = askParentForProxies(post);

  const start = async (request: StartRequest) => {
    if (starting || engine || stopping) return;
    starting = true;
    const env = { ...(options.env ?? process.env) };
    if (request.secrets?.password) env.DEVICE_UPLOADER_PASSWORD = request.secrets.password;
    if (request.secrets?.secretKey) env.DEVICE_UPLOADER_SECRET_KEY = request.secrets.secretKey;
    if (request.secrets?.proxyPassword) env.DEVICE_UPLOADER_PROXY_PASSWORD = request.secrets.proxyPassword;
    try {
      let configFile = request.configFile;
      // The demo takes the data folder's lock before it starts its sandbox; otherwise the Engine takes it.
      // The demo's home is where the shell keeps its config (a per-machine install's, say), not this process's guess.
      if (request.demo) ({ sandbox, configFile, dataLock: demoLock } = await prepareDemo(undefined, dirname(request.configFile)));
      const config = loadConfigFile(configFile, env);
      logger = await openEngineLog(config);
      const network = request.systemProxy ? { defaultProxy: 'system' as const, system: proxies.resolver } : undefined;
      engine = createEngine(config, { logger, configFile, env, ...(demoLock && { dataLock: demoLock }), ...(network && { network }) });
      unsubscribe = engine.onEvent((event) => post({ kind: 'event', event }));
      engine.start({ watch: request.watch !== false });
      post({ kind: 'ready', pid: process.pid });
    } catch (error) {
      if (!engine) {
        demoLock?.release(); // the engine never took it over
        await logger?.close();
      }
      post({ kind: 'failed', ...startFailure(error) });
      void shutdown(2);
    }
  };

  const call = async (id: number, method: string, arg: unknown) => {
    try {
      if (!engine || stopping) {
        post({ kind: 'answer', id, ok: false, code: 'engine-stopped', message: 'the engine is not running' });
        return;
      }
      const parsed = parseCall(method, arg);
      const result = await invoke(engine, parsed.method, parsed.arg);
      post({ kind: 'answer', id, ok: true, result: result ?? null });
    } catch (error) {
      const code = errorCode(error);
      post({ kind: 'answer', id, ok: false, code, message: safeMessage(error, code) });
    }
  };

  const shutdown = (exitCode = 0): Promise<void> => {
    stopping ??= (async () => {
      unsubscribe();
      const closing = engine?.close() ?? Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), options.shutdownBoundMs ?? SHUTDOWN_BOUND_MS)));
      // A transfer that will not stop must not keep the app from quitting; uploads resume next start.
      const outcome = await Promise.race([
        closing.then(
          () => 'closed' as const,
          () => 'failed' as const,
        ),
        bound,
      ]);
      clearTimeout(timer);
      // The logs close last: what the engine says while stopping is written too.
      await logger?.close().catch(() => {});
      await sandbox?.close().catch(() => {});
      post({ kind: 'stopped' });
      options.onStopped(outcome === 'closed' ? exitCode : 1);
    })();
    return stopping;
  };

  port.on('message', ({ data }) => {
    if (!isToEngine(data)) return; // not ours: nothing to answer to
    if (data.kind === 'start') void start(data);
    else if (data.kind === 'call') void call(data.id, data.method, data.arg);
    else if (data.kind === 'proxy-answer') proxies.answered(data.id, data.answer);
    else if (data.kind === 'network-changed') engine?.networkChanged();
    else void shutdown();
  });
  return { shutdown: () => shutdown() };
}
