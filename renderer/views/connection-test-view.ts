// Settings' "Test connection": runs the engine's step-by-step check (DNS,
// TCP through the proxy, TLS with the issuer shown, the BioT login, one
// storage round trip) on the saved settings and lists each step, the first
// failure with what to do. The engine's answer holds no secret.
import type { ConnectionTest, UploaderApi } from '../../app/api.ts';
import { h, setText } from '../lib/dom.ts';

export function createConnectionTest(api: UploaderApi, onError: (e: unknown) => void): HTMLElement {
  const result = h('div', { class: 'connection-test-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'test-connection' }, 'Test connection') as HTMLButtonElement;
  button.addEventListener('click', () => void run());

  async function run() {
    button.disabled = true;
    result.replaceChildren();
    setText(result, 'Testing the path to BioT…');
    try {
      show(await api.testConnection());
    } catch (error) {
      setText(result, '');
      onError(error);
    } finally {
      button.disabled = false;
    }
  }

  function show(test: ConnectionTest) {
    const failed = test.steps.find((s) => !s.ok);
    result.replaceChildren(
      h(
        'ol',
        { class: 'connection-steps' },
        ...test.steps.map((s) =>
          h(
            'li',
            { class: s.ok ? 'step-ok' : 'step-failed', 'data-step': s.step },
            h('strong', {}, `${s.ok ? '✓' : '✗'} ${s.step.toUpperCase()}`),
            ` ${s.target}: ${s.detail}`,
            s.code ? h('code', {}, ` ${s.code}`) : null,
          ),
        ),
      ),
      h('p', { class: test.ok ? 'hint ok' : 'hint bad' }, test.ok ? 'The whole path to BioT works.' : (failed?.advice ?? 'The test did not finish.')),
    );
  }

  return h('fieldset', { class: 'connection-test' }, h('legend', {}, 'Connection'), button, result);
}
