// One line saying what machine a bench or soak run's figures come from.
import { cpus, loadavg } from 'node:os';

export function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}
