// `device-uploader doctor --config FILE`: Test connection from a terminal.
// Walks DNS, TCP (through the proxy), TLS (issuer shown), the BioT login and
// one storage round trip with the config's own network settings, prints each
// step and, at the first failure, what to do. Exit 0 when the whole path
// works, 1 otherwise. Prints no secret (no password, token or signed link).
import { createBiotClient } from '../biot/index.ts';
import { loadConfigFile } from '../config/load.ts';
import { testConnection } from '../engine/connection-test.ts';
import { clientSettings } from '../engine/server-switch.ts';
import { openNet } from '../net/index.ts';
import type { ConnectionTest } from '../api.ts';
import { parseFlags, UsageError } from './flags.ts';

export async function doctorCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const flags = parseFlags(args, { config: { type: 'string' } });
  if (!flags.config) throw new UsageError('--config FILE is required');
  const config = loadConfigFile(flags.config);
  const net = openNet(config.network, { env: process.env, defaultProxy: 'env' });
  const biot = createBiotClient({
    ...clientSettings(config),
    net,
  });
  const storage = net.dispatcher({ connections: 2 });
  out.write(
    `Device Uploader doctor: ${config.server.baseUrl} (proxy: ${net.proxies.mode}; ${net.trust.count} trusted certificates${net.trust.fromCaFile ? `, ${net.trust.fromCaFile} from network.caFile` : ''})\n`,
  );
  try {
    const result = await testConnection({ baseUrl: config.server.baseUrl, net, biot, storage });
    out.write(report(result));
    return result.ok ? 0 : 1;
  } finally {
    await biot.close();
    await storage.close();
  }
}

/** The steps as lines: `ok   TLS     BioT api.x  certificate trusted, issued by "..."`, then the first failure's advice. */
export function report(result: ConnectionTest): string {
  const lines = result.steps.map(
    (s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.step.toUpperCase().padEnd(7)} ${s.target}: ${s.detail}${s.code ? ` [${s.code}]` : ''}`,
  );
  const failed = result.steps.find((s) => !s.ok);
  if (failed?.advice) lines.push(`What to do: ${failed.advice}`);
  lines.push(result.ok ? 'The whole path to BioT works.' : `Stopped at ${failed?.step.toUpperCase() ?? 'the first step'}.`);
  return `${lines.join('\n')}\n`;
}
