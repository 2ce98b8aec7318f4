// The desktop shell's IPC handlers (main/ipc.ts), fuzzed: random payloads that
// the schemas must refuse (wrong types, unknown keys, prototype keys, huge
// strings, extra arguments) and calls from senders that are not the main
// window's top frame on app://uploader. Behind the handlers runs a real engine
// in a child process (app/host), as in the desktop app. Nothing may crash the
// handlers or the engine, and nothing refused may reach it.
import { forkEngine } from '../../../app/host/fork.ts';
import { EngineClient } from '../../../app/host/engine-client.ts';
import { CALLABLE_METHODS } from '../../../app/api-schemas.ts';
import { APP_ENTRY_URL } from '../../../main/app-origin.ts';
import { CALL_CHANNELS, type IpcAnswer } from '../../../main/channels.ts';
import { registerIpc, type InvokeEventLike, type IpcMainLike } from '../../../main/ipc.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { createSoakWorld } from '../soak-world.ts';
import { exactly, type SoakScenario } from '../types.ts';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<IpcAnswer>;

export const ipcFuzz: SoakScenario = {
  name: 'ipc-fuzz',
  describe: "the desktop shell's IPC handlers fuzzed with random payloads and foreign senders",
  async run(ctx) {
    const calls = ctx.scale === 'full' ? 20_000 : 1_500;
    const random = seededRandom(53);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const world = await createSoakWorld(ctx);
    const client = new EngineClient(forkEngine({ env: {} }));
    try {
      const inbox = world.folder('inbox');
      await client.start({ configFile: world.writeConfig({ inbox: { path: inbox } }) });
      let died = false;
      client.onLifecycle((e) => (died ||= e.state === 'exited' || e.state === 'fatal'));

      const handlers = new Map<string, Handler>();
      const ipcMain: IpcMainLike = {
        handle: (channel, listener) => void handlers.set(channel, listener),
      };
      const mainFrame = { url: APP_ENTRY_URL };
      const window = { webContents: { id: 1, mainFrame } };
      let reachedEngine = 0;
      registerIpc(ipcMain, {
        mainWindow: () => window,
        call: (method, arg) => {
          reachedEngine++;
          return client.call(method, arg);
        },
      });

      /** Payloads no schema admits: each has a wrong type, an unknown or prototype key, or is not an object at all (null is left out: it means "no argument" to the calls whose argument is optional). */
      const badPayloads: (() => unknown)[] = [
        () => ({ fileId: pick(['1', -1, 1.5, NaN, null, 2 ** 60]) }),
        () => ({ all: pick([false, 'true', 1, null]) }),
        () => ({ all: true, zz: 1 }),
        () => JSON.parse('{"__proto__":{"all":true}}'),
        () => ({ constructor: { prototype: { all: true } } }),
        () => pick([42, 'all', true, [], [{ all: true }], () => 1]),
        () => ({ states: pick([['done', 7], 'done', [{}]]), limit: pick([-1, 'x', 1e9]), zz: true }),
        () => ({ search: 'x'.repeat(2 * 1024 * 1024), zz: 0 }),
        () => ({ server: { baseUrl: pick(['javascript:alert(1)', 42, 'ftp://x']) }, folders: 'x', transfer: null }),
        () => new Array(1000).fill({ all: true }),
      ];
      const frames = [
        { kind: 'main', event: () => ({ sender: { id: 1 }, senderFrame: mainFrame }) },
        { kind: 'foreign-sender', event: () => ({ sender: { id: 2 }, senderFrame: mainFrame }) },
        { kind: 'sub-frame', event: () => ({ sender: { id: 1 }, senderFrame: { url: APP_ENTRY_URL } }) },
        {
          kind: 'foreign-origin',
          event: () => ({
            sender: { id: 1 },
            senderFrame: { url: pick(['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'devtools://x']) },
          }),
        },
        { kind: 'no-frame', event: () => ({ sender: { id: 1 }, senderFrame: null }) },
      ] as const;

      let crashes = 0;
      let accepted = 0;
      for (let i = 0; i < calls && !died; i++) {
        const method = pick(CALLABLE_METHODS);
        const handler = handlers.get(CALL_CHANNELS[method])!;
        const frame = pick(frames);
        // From the main window, the payload is what is wrong; from anywhere else, even a good one must be refused.
        const args =
          frame.kind === 'main'
            ? random() < 0.2
              ? [{ all: true }, pick(badPayloads)()]
              : [pick(badPayloads)()]
            : [random() < 0.5 ? { all: true } : pick(badPayloads)()];
        const before = reachedEngine;
        const answer = await handler(frame.event() as InvokeEventLike, ...args).catch(() => undefined);
        if (answer === undefined) crashes++;
        else if (answer.ok || reachedEngine !== before) accepted++;
      }
      if (died) crashes++;
      // The engine still answers a good call from the main window afterwards.
      const good = await handlers.get(CALL_CHANNELS.snapshot)!({ sender: { id: 1 }, senderFrame: mainFrame }, { limit: 1 });
      if (!good.ok) crashes++;
      ctx.say(`${calls} fuzzed IPC calls; ${reachedEngine} reached the engine (the final good one included)`);
      const name = `IPC, ${calls} calls`;
      return [exactly(name, 'crashes (handler or engine)', crashes, 0), exactly(name, 'refused calls accepted', accepted, 0)];
    } finally {
      await client.stop();
      await world.dispose();
    }
  },
};
