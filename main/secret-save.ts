// Saving Settings from the desktop window: the secret (and the proxy
// password) goes to the OS key store (secrets.ts), never into config.json. The engine is asked to save
// the settings without it; should it refuse for want of a secret to check a
// new login kind with, it is asked once more with the secret, which is then
// scrubbed from the file it wrote.
import type { SaveResult, SettingsInput } from '../app/api.ts';
import { scrubSecrets, updateSecrets, type SecretVault } from './secrets.ts';

export interface SecretSaveDeps {
  /** The engine's saveSettings. */
  save(input: SettingsInput): Promise<SaveResult>;
  vault: Pick<SecretVault, 'protection' | 'read' | 'write'>;
  /** The config file the engine writes. */
  configFile: string;
  /** Restarts the engine, so a new secret is used. */
  restart(): void;
}

/** Saves `input` with its secret in the vault and out of the config file (unless there is no encryption at all). */
export async function saveKeepingSecrets(deps: SecretSaveDeps, input: SettingsInput): Promise<SaveResult> {
  // Without any encryption the file is where the secret lives: the engine saves it as headless hosts do.
  if ((await deps.vault.protection()) === 'config-file') return deps.save(input);
  const auth = { ...input.server.auth };
  const secretField = auth.type === 'user' ? 'server.auth.password' : 'server.auth.secretKey';
  const secret = auth.type === 'user' ? auth.password : auth.secretKey;
  if (auth.type === 'user') delete auth.password;
  else delete auth.secretKey;
  // The proxy password goes to the vault too, never to the engine's file.
  const { proxyPassword, ...network } = input.network ?? {};
  let result = await deps.save({ ...input, server: { ...input.server, auth }, ...(input.network && { network: network as typeof input.network }) });
  // The engine checks a new login kind against the secrets it was started with; only a
  // switch to a kind it has no secret for fails so, and then it needs the new one to check.
  if (!result.ok && secret && result.errors.some((e) => e.field === secretField)) result = await deps.save(input);
  if (result.ok) {
    if (secret || proxyPassword)
      await updateSecrets(deps.vault, { ...(auth.type === 'user' ? { password: secret } : { secretKey: secret }), proxyPassword });
    // The engine writes the secret it runs with back into the file it saves: take it out again.
    scrubSecrets(deps.configFile);
    // The login and the proxy apply at the next start: restart now so a new secret is used.
    if (secret || proxyPassword) deps.restart();
  }
  return result;
}
