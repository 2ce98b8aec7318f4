// `device-uploader serve --config FILE [--ui-port N]`: the engine plus the
// control server on 127.0.0.1, serving the same window the desktop app shows.
// Prints the window's URL (with its access token) once, for the person; the
// token appears nowhere else (logs carry only why a request was refused).
import { resolve } from 'node:path';
import { loadConfigFile } from '../config/load.ts';
import type { ControlServer } from '../control/server.ts';
import { createEngine, type EngineOptions } from '../engine/create-engine.ts';
import type { Engine } from '../engine/engine.ts';
import { parseFlags, UsageError } from './flags.ts';
import { openEngineLog } from '../common/engine-log.ts';
import { runningWindowText } from './already-running.ts';
import { printLoginNews, printResumed } from './serve-console.ts';
import { startOnSavedAddress } from './window-address.ts';
import { errorFacts } from '../common/error-facts.ts';

export interface Serving {
  engine: Engine;
  control: ControlServer;
  close(): Promise<void>;
}

/** Starts the engine on a config file and the control server over it (tests call this in-process). */
export async function startServe(
  configFile: string,
  options: { port?: number; distDir?: string; engine?: EngineOptions; env?: NodeJS.ProcessEnv } = {},
): Promise<Serving> {
  const file = resolve(configFile);
  const env = options.env ?? process.env;
  const config = loadConfigFile(file, env);
  // A logger the caller gave is the caller's to close; one opened here closes with the rest.
  const ownLog = options.engine?.logger ? undefined : await openEngineLog(config);
  const logger = options.engine?.logger ?? ownLog!;
  const closeLog = async () => ownLog?.close();
  let engine: Engine;
  try {
    engine = createEngine(config, { logger, ...options.engine, configFile: file, env });
  } catch (error) {
    await closeLog();
    throw error;
  }
  let control: ControlServer;
  try {
    // The same port and token as last time, so a tab left open reconnects by itself.
    control = await startOnSavedAddress(engine, config.dataDir, {
      ...(options.port !== undefined && { port: options.port }),
      ...(options.distDir !== undefined && { distDir: options.distDir }),
      onRefused: (status, reason) => logger.log('warn', 'control-refused', { status, reason }),
      onError: (operation, error) => logger.log('error', 'control-error', errorFacts(error, operation)),
    });
  } catch (error) {
    await engine.close();
    await closeLog();
    throw error;
  }
  engine.start();
  return {
    engine,
    control,
    async close() {
      await control.close();
      await engine.close();
      await closeLog();
    },
  };
}

export async function serveCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, 'ui-port': { type: 'string' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  const port = flags['ui-port'] === undefined ? 0 : Number(flags['ui-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--ui-port must be a port number (0-65535)');
  let serving: Serving;
  try {
    serving = await startServe(flags.config, { port });
  } catch (error) {
    // Already running on this data folder: say where its window is; still a failure to start, for a service manager.
    const running = await runningWindowText(error);
    if (!running) throw error;
    process.stderr.write(running);
    return 1;
  }
  const stopNews = printLoginNews(serving.engine, process.stdout);
  // Whatever ends this (a signal, a console that throws), the engine and the window close.
  try {
    process.stdout.write(
      `Device Uploader is running. Open this address in a browser on this PC:\n  ${serving.control.url}\n(Ctrl+C stops; uploads resume next time)\n`,
    );
    await printResumed(serving.engine, process.stdout);
    const signal = await new Promise<NodeJS.Signals>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    process.stderr.write(`\n${signal}: stopping; uploads resume where they left off next time\n`);
    return signal === 'SIGINT' ? 130 : 143;
  } finally {
    stopNews();
    await serving.close();
  }
}
