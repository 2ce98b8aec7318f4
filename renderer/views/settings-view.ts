// Settings: the BioT server and login, the watched folders with their
// options, the transfer limits. The engine validates before it writes and
// names the field in error; secrets are write-only (the box is empty, and
// left empty keeps the saved one).
import type { FieldError, FolderSettings, SettingsInput, SettingsView, TransferLimits, UploaderApi } from '../../app/api.ts';
import { h, setText } from '../lib/dom.ts';
import { createConnectionTest } from './connection-test-view.ts';
import { blankFolder, folderEditor } from './folder-editor.ts';
import { lockManaged } from './managed-lock.ts';
import { networkFields } from './network-fields.ts';
import { numberField, numberOf, selectField, textField, type Field } from './settings-fields.ts';
import { fieldLabel, savedText } from './settings-words.ts';

const MiB = 1024 * 1024;

export function createSettingsView(api: UploaderApi, onError: (e: unknown) => void): { el: HTMLElement; load(): Promise<void> } {
  const form = h('form', { class: 'settings', novalidate: true });
  const status = h('div', { class: 'save-status', role: 'status', 'aria-live': 'polite' });
  const el = h('section', { class: 'view view-settings', 'aria-label': 'Settings' }, form);
  let collect: () => { input: SettingsInput; errors: FieldError[] } = () => ({ input: undefined as never, errors: [] });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });

  async function save() {
    clearErrors();
    const { input, errors } = collect();
    if (errors.length) return showErrors(errors);
    setText(status, 'Saving…');
    try {
      const result = await api.saveSettings(input);
      if (!result.ok) return showErrors(result.errors);
      status.className = 'save-status ok';
      setText(status, savedText(form, result.restartNeeded));
      await load(true);
    } catch (error) {
      onError(error);
      setText(status, '');
    }
  }

  function clearErrors() {
    status.className = 'save-status';
    setText(status, '');
    for (const e of form.querySelectorAll('[data-error-for]')) setText(e, '');
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  function showErrors(errors: FieldError[]) {
    status.className = 'save-status bad';
    status.replaceChildren(
      h('strong', {}, 'Not saved. Please correct:'),
      h('ul', {}, ...errors.map((e) => h('li', { 'data-key': e.field }, h('strong', {}, fieldLabel(form, e.field)), `: ${e.message}`))),
    );
    let first: HTMLElement | undefined;
    for (const e of errors) {
      const input = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(e.field)}"]`);
      input?.setAttribute('aria-invalid', 'true');
      first ??= input ?? undefined;
      const slot = form.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`);
      if (slot) setText(slot, e.message);
    }
    first?.focus();
  }

  async function load(keepStatus = false) {
    let view: SettingsView;
    try {
      view = await api.settings();
    } catch (error) {
      return onError(error);
    }
    if (!keepStatus) clearErrors();
    collect = build(view);
  }

  const SECRET_STORAGE_NOTE: Record<NonNullable<SettingsView['secretStorage']>, string> = {
    'os-protected': 'The password or secret key is kept encrypted by this computer’s keychain, not in the config file.',
    obfuscated:
      'This Linux desktop has no keyring, so the password or secret key is only obfuscated on disk, not protected. Install GNOME Keyring or KWallet to protect it.',
    'config-file':
      'This computer offers no encryption: the password or secret key stays in the config file. Keep that file readable only by this user.',
  };

  function build(view: SettingsView): typeof collect {
    const a = view.server.auth;
    const baseUrl = textField('BioT server address', 'server.baseUrl', view.server.baseUrl, { placeholder: 'https://api.example.biot-med.com' });
    const kind = selectField('Log in as', 'server.auth.type', a.type, [
      ['user', 'a user (name and password)'],
      ['service', 'a service user (id and secret key)'],
    ]);
    const who = textField(
      a.type === 'user' ? 'User name' : 'Service user id',
      a.type === 'user' ? 'server.auth.username' : 'server.auth.id',
      a.type === 'user' ? a.username : a.id,
      { autocomplete: 'off' },
    );
    const secretField = a.type === 'user' ? 'server.auth.password' : 'server.auth.secretKey';
    const secret = textField(a.type === 'user' ? 'Password' : 'Secret key', secretField, '', {
      type: 'password',
      autocomplete: 'new-password',
      placeholder: a.hasSecret ? 'saved (leave empty to keep it)' : 'not set',
    });
    kind.input.addEventListener('change', () => {
      const user = kind.input.value === 'user';
      who.el.querySelector('label')!.textContent = user ? 'User name' : 'Service user id';
      secret.el.querySelector('label')!.textContent = user ? 'Password' : 'Secret key';
      who.input.dataset.field = user ? 'server.auth.username' : 'server.auth.id';
      secret.input.dataset.field = user ? 'server.auth.password' : 'server.auth.secretKey';
      (secret.input as HTMLInputElement).placeholder = 'enter it for this login kind';
    });

    const network = networkFields(view.network);
    const folderBox = h('div', { class: 'folders' });
    const folders: ReturnType<typeof folderEditor>[] = [];
    const addFolder = (f: FolderSettings) => {
      const editor = folderEditor(f, folders.length, () => {
        editor.el.remove();
        folders.splice(folders.indexOf(editor), 1);
        // Keys follow the position ("folders[1]" becomes "folders[0]"), so errors still land on the right box.
        folders.forEach((e, i) => e.renumber(i));
      });
      folders.push(editor);
      folderBox.append(editor.el);
    };
    view.folders.forEach(addFolder);

    const t = view.transfer;
    const limits: [keyof TransferLimits, Field, number][] = [
      [
        'maxBytesPerSecond',
        numberField('Speed limit (MB/s)', 'transfer.maxBytesPerSecond', t.maxBytesPerSecond / MiB, '0 = no limit; shared by all uploads'),
        MiB,
      ],
      ['parallelFiles', numberField('Files at once', 'transfer.parallelFiles', t.parallelFiles), 1],
      ['parallelParts', numberField('Parts at once per file', 'transfer.parallelParts', t.parallelParts), 1],
      ['partSizeMiB', numberField('Part size (MB)', 'transfer.partSizeMiB', t.partSizeMiB, '5 to 5120'), 1],
      ['stallSeconds', numberField('Give up on a stalled part after (s)', 'transfer.stallSeconds', t.stallSeconds), 1],
      ['requestTimeoutSeconds', numberField('BioT request timeout (s)', 'transfer.requestTimeoutSeconds', t.requestTimeoutSeconds), 1],
    ];

    form.replaceChildren(
      h(
        'fieldset',
        {},
        h('legend', {}, 'BioT server'),
        baseUrl.el,
        kind.el,
        who.el,
        secret.el,
        // Only the desktop app says where it keeps the secret; it says so plainly when that is not protected.
        ...(view.secretStorage
          ? [h('p', { class: 'hint secret-storage', 'data-storage': view.secretStorage }, SECRET_STORAGE_NOTE[view.secretStorage])]
          : []),
      ),
      network.el,
      createConnectionTest(api, onError),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Watched folders'),
        folderBox,
        h('button', { type: 'button', class: 'add-folder', onclick: () => addFolder(blankFolder()) }, 'Add a folder'),
      ),
      h('fieldset', { class: 'limits' }, h('legend', {}, 'Transfer limits'), ...limits.map(([, f]) => f.el)),
      h('div', { class: 'save-row' }, h('button', { type: 'submit', class: 'primary save' }, 'Save settings'), status),
    );
    lockManaged(form, view.locked);

    return () => {
      const errors: FieldError[] = [];
      const transfer = {} as TransferLimits;
      for (const [key, f, scale] of limits) {
        const n = numberOf(f.input);
        if (n === undefined) errors.push({ field: `transfer.${key}`, message: 'enter a number' });
        transfer[key] = scale === 1 ? (n ?? 0) : Math.round((n ?? 0) * scale);
      }
      const user = kind.input.value === 'user';
      const secretValue = secret.input.value;
      const auth: SettingsInput['server']['auth'] = user
        ? { type: 'user', username: who.input.value.trim(), ...(secretValue && { password: secretValue }) }
        : { type: 'service', id: who.input.value.trim(), ...(secretValue && { secretKey: secretValue }) };
      const folderValues = folders.map((e) => e.read());
      errors.push(...folderValues.flatMap((f) => f.errors));
      const net = network.read();
      errors.push(...net.errors);
      const server = { baseUrl: baseUrl.input.value.trim(), auth };
      return { input: { server, folders: folderValues.map((f) => f.value), transfer, network: net.value }, errors };
    };
  }

  return { el, load };
}
