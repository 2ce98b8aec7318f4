// A wedged engine, for the host's kill bound: it says ready to a start, then
// ignores the shutdown message and SIGTERM alike. Only SIGKILL ends it (or its
// parent going away, so a crashed test leaves nothing behind).
process.on('SIGTERM', () => {});
process.on('message', (message: { kind?: string }) => {
  if (message.kind === 'start') process.send?.({ kind: 'ready', pid: process.pid });
});
process.on('disconnect', () => process.exit(0));
setInterval(() => {}, 60_000);
