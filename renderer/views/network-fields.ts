// Settings' Network section: how the engine reaches BioT through a hospital's
// proxy, and a certificate bundle to trust besides the PC's store. The proxy
// password is write-only, like the BioT password (the desktop app keeps it in
// the OS key store). Changes apply after a restart, as the login does.
import type { FieldError, NetworkSettings, SettingsView } from '../../app/api.ts';
import { h } from '../lib/dom.ts';
import { linesField, linesOf, selectField, textField } from './settings-fields.ts';

type Input = NetworkSettings & { proxyPassword?: string };

const MODES: [string, string][] = [
  ['', 'default (this PC’s settings; headless: HTTPS_PROXY)'],
  ['system', 'this PC’s proxy settings (PAC, WPAD, system)'],
  ['env', 'the HTTPS_PROXY / NO_PROXY variables'],
  ['none', 'no proxy'],
  ['url', 'this proxy:'],
];

export function networkFields(view: SettingsView['network']): { el: HTMLElement; read(): { value: Input; errors: FieldError[] } } {
  const fixed = ['', 'system', 'env', 'none'].includes(view.proxy);
  const mode = selectField('Proxy', 'network.proxy', fixed ? view.proxy : 'url', MODES);
  const url = textField('Proxy address', 'network.proxy', fixed ? '' : view.proxy, { placeholder: 'http://proxy.hospital.local:3128' });
  const noProxy = linesField('Reach directly (no proxy)', 'network.noProxy', view.noProxy, 'one host per line; a name covers its subdomains');
  const user = textField('Proxy user name', 'network.proxyUsername', view.proxyUsername, { autocomplete: 'off' });
  const password = textField('Proxy password', 'network.proxyPassword', '', {
    type: 'password',
    autocomplete: 'new-password',
    placeholder: view.hasProxyPassword ? 'saved (leave empty to keep it)' : 'not set',
  });
  const caFile = textField('Extra trusted certificates (PEM file)', 'network.caFile', view.caFile, { placeholder: 'only if IT gives you one' });
  const showUrl = () => (url.el.hidden = mode.input.value !== 'url');
  mode.input.addEventListener('change', showUrl);
  showUrl();
  const el = h('fieldset', { class: 'network' }, h('legend', {}, 'Network'), mode.el, url.el, noProxy.el, user.el, password.el, caFile.el);
  return {
    el,
    read() {
      const proxy = mode.input.value === 'url' ? url.input.value.trim() : mode.input.value;
      const errors = mode.input.value === 'url' && !proxy ? [{ field: 'network.proxy', message: 'enter the proxy address' }] : [];
      const value: Input = { proxy, noProxy: linesOf(noProxy.input), proxyUsername: user.input.value.trim(), caFile: caFile.input.value.trim() };
      if (password.input.value) value.proxyPassword = password.input.value;
      return { value, errors };
    },
  };
}
