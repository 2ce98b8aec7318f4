// `device-uploader start`: the engine with the queue window served on
// 127.0.0.1, what `npm start` runs where the Electron binary is not
// installed. On the config the desktop app would take (app/host/config-source.ts:
// --config, DEVICE_UPLOADER_CONFIG, the data folder's own); with none, the demo
// (app/host/demo.ts): a local BioT sandbox and an inbox folder it creates and
// names, so a file dropped there shows it uploading.
import type { DataFolderLock } from '../engine/data-lock.ts';
import { configSource } from '../host/config-source.ts';
import { defaultHome } from '../host/data-home.ts';
import { prepareDemo } from '../host/demo.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { parseFlags, UsageError } from './flags.ts';
import { runningWindowText } from './already-running.ts';
import { printLoginNews, printResumed } from './serve-console.ts';
import { startServe, type Serving } from './serve.ts';

export async function startCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' }, inbox: { type: 'string' }, 'ui-port': { type: 'string' } });
  const port = flags['ui-port'] === undefined ? 0 : Number(flags['ui-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--ui-port must be a port number (0-65535)');
  let sandbox: Sandbox | undefined;
  const source = configSource(flags.config ? ['--config', flags.config] : [], process.env, defaultHome());
  if (flags.inbox && source.kind === 'file') {
    // The demo would point that config at its sandbox: a person's tenant is never overwritten.
    throw new UsageError(`--inbox starts the demo, but ${source.file} is a config of its own; set DEVICE_UPLOADER_HOME for a demo apart`);
  }
  let configFile = source.kind === 'file' ? source.file : undefined;
  let dataLock: DataFolderLock | undefined;
  let serving: Serving;
  try {
    if (!configFile) {
      const demo = await prepareDemo(flags.inbox);
      sandbox = demo.sandbox;
      configFile = demo.configFile;
      dataLock = demo.dataLock;
    }
    serving = await startServe(configFile, { port, ...(dataLock && { engine: { dataLock } }) });
  } catch (error) {
    dataLock?.release(); // the engine never took it over
    await sandbox?.close();
    // Already running here: what the person wants is its window, so say where it is (and that is not a failure).
    const running = await runningWindowText(error);
    if (!running) throw error;
    process.stdout.write(running);
    return 0;
  }
  const stopNews = printLoginNews(serving.engine, process.stdout);
  // Whatever ends this (a signal, a console that throws), the engine, the window and the demo's sandbox close.
  try {
    process.stdout.write(`Queue window: ${serving.control.url}\n(Ctrl+C stops; uploads resume where they left off next time)\n`);
    await printResumed(serving.engine, process.stdout);
    const signal = await new Promise<NodeJS.Signals>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    process.stderr.write(`\n${signal}: stopping\n`);
    return signal === 'SIGINT' ? 130 : 143;
  } finally {
    stopNews();
    await serving.close();
    await sandbox?.close();
  }
}
