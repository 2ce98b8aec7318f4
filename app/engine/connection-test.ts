// Test connection (Settings' button, `device-uploader doctor`): the path to
// BioT walked step by step, DNS, TCP (through the proxy), TLS (issuer shown),
// the BioT login, then one storage round trip, each step's result and the
// first failure with what to do. The round trip PUTs one byte as part 1 of a
// multipart upload that is then cancelled, so BioT keeps nothing. No secret
// appears in a step: the proxy shows as host:port, the login by kind only.
import { request, type Dispatcher } from 'undici';
import type { ConnectionTest, ConnectionTestStep } from '../api.ts';
import { BiotError, type BiotClient } from '../biot/index.ts';
import { isNetCode, netAdvice, netFailureOf, type Net } from '../net/index.ts';
import { probeHost, type ProbeStep } from '../net/probe.ts';

export interface ConnectionTestDeps {
  baseUrl: string;
  net: Pick<Net, 'proxies' | 'trust'>;
  biot: BiotClient;
  storage: Dispatcher;
  timeoutMs?: number;
}

const TEST_NAME = 'device-uploader-connection-test.bin';

export async function testConnection(deps: ConnectionTestDeps): Promise<ConnectionTest> {
  const steps: ConnectionTestStep[] = [];
  const host = new URL(deps.baseUrl);
  if (!(await probe(host, 'BioT', deps, steps))) return done(steps);
  try {
    await deps.biot.tokens.token();
    steps.push(step('login', host.hostname, true, 'BioT accepted the login'));
  } catch (error) {
    steps.push(failed('login', host.hostname, error));
    return done(steps);
  }
  let uploadId: string | undefined;
  try {
    const upload = await deps.biot.files.createMultipart({ name: TEST_NAME, mimeType: 'application/octet-stream', parts: 1 });
    uploadId = upload.id;
    const link = upload.signedUrls[0]?.signedUrl;
    if (!link) throw new BiotError({ status: 200, code: 'MALFORMED_RESPONSE', operation: 'file.createMultipart' });
    const storageUrl = new URL(link);
    if (!(await probe(storageUrl, 'storage', deps, steps))) return done(steps);
    const answer = await request(storageUrl, {
      method: 'PUT',
      body: 'x',
      dispatcher: deps.storage,
      signal: AbortSignal.timeout(deps.timeoutMs ?? 15_000),
    });
    await answer.body.dump();
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    steps.push(
      ok
        ? step('storage', storageUrl.hostname, true, `storage accepted a 1-byte part (HTTP ${answer.statusCode}); the test upload is cancelled`)
        : {
            ...step('storage', storageUrl.hostname, false, `storage refused the test part (HTTP ${answer.statusCode})`),
            code: `STORAGE_${answer.statusCode}`,
            advice: "BioT's storage refused the upload link: check this PC's clock, then call your BioT administrator.",
          },
    );
  } catch (error) {
    steps.push(failed('storage', host.hostname, error));
  } finally {
    if (uploadId) await deps.biot.files.cancel(uploadId).catch(() => undefined);
  }
  return done(steps);
}

async function probe(url: URL, label: string, deps: ConnectionTestDeps, steps: ConnectionTestStep[]): Promise<boolean> {
  const found = await probeHost(url, deps.net, deps.timeoutMs);
  steps.push(...found.map((s) => fromProbe(s, label)));
  return found.every((s) => s.ok);
}

function fromProbe(s: ProbeStep, label: string): ConnectionTestStep {
  return {
    step: s.step,
    target: `${label} ${s.target}`,
    ok: s.ok,
    detail: s.detail,
    code: s.code ?? null,
    advice: s.code ? netAdvice(s.code, { host: s.target, issuer: /issued by "([^"]+)"/.exec(s.detail)?.[1] }) : null,
  };
}

const step = (name: ConnectionTestStep['step'], target: string, ok: boolean, detail: string): ConnectionTestStep => ({
  step: name,
  target,
  ok,
  detail,
  code: null,
  advice: null,
});

function failed(name: ConnectionTestStep['step'], target: string, error: unknown): ConnectionTestStep {
  const net = netFailureOf(error);
  if (net) return { step: name, target, ok: false, detail: net.message, code: net.code, advice: netAdvice(net.code, net.facts) };
  if (error instanceof BiotError) {
    const advice = error.locked
      ? 'The BioT account is locked. Ask your BioT administrator to unlock it.'
      : error.status === 401 || error.status === 403
        ? 'BioT refused the login: check the user name and password (or service key) in Settings.'
        : isNetCode(error.code)
          ? netAdvice(error.code)
          : 'BioT answered with an error: try again later; if it persists, call your BioT administrator with the code.';
    return { step: name, target, ok: false, detail: error.message, code: error.code, advice };
  }
  return {
    step: name,
    target,
    ok: false,
    detail: 'an unexpected error',
    code: 'UNEXPECTED',
    advice: 'Try again; if it persists, send the log folder to support.',
  };
}

function done(steps: ConnectionTestStep[]): ConnectionTest {
  return { ok: steps.length > 0 && steps.every((s) => s.ok) && steps.some((s) => s.step === 'storage'), steps };
}
