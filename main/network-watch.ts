// When the PC's network may have changed, the engine asks for proxies again
// (network.proxy "system": a laptop moved from the ward's network to home, a
// VPN up or down, a new PAC file). Electron's main process has no event for
// it, so this watches what it has: the online flag going off and on
// (net.isOnline(), polled), and waking from sleep. app/net also forgets its
// answers every minute and resolves again then.
export interface NetworkSignals {
  isOnline(): boolean;
  powerMonitor: { on(event: 'resume', listener: () => void): void };
}

export interface NetworkWatch {
  dispose(): void;
}

export function watchNetwork(signals: NetworkSignals, onChange: (why: 'online' | 'offline' | 'resume') => void, everyMs = 5_000): NetworkWatch {
  let online = signals.isOnline();
  const timer = setInterval(() => {
    const now = signals.isOnline();
    if (now === online) return;
    online = now;
    onChange(now ? 'online' : 'offline');
  }, everyMs);
  timer.unref?.();
  let disposed = false;
  signals.powerMonitor.on('resume', () => {
    if (!disposed) onChange('resume');
  });
  return {
    dispose() {
      disposed = true;
      clearInterval(timer);
    },
  };
}
