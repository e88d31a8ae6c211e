// @ts-check
/**
 * The signed-in user's own page (`/profile`): how onegate reaches them. A WhatsApp number (any of
 * `0812…`, `+62 812…`, `62812…`; the server keeps it as `62812…`), the channels their messages go by,
 * and the morning digest instead of separate reminders (contract §12). Name, e-mail and roles are the
 * admin's, shown but not edited here.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { Loading, html, useMessages } from './components.js';
import { t } from './i18n.js';

/** @typedef {{id: string, name: string, email: string, phone: string|null, channels: string[], digest: 'none'|'daily'}} Profile */

export function ProfilePage() {
  const [profile, setProfile] = useState(/** @type {Profile|null} */ (null));
  const [f, setF] = useState({ phone: '', whatsapp: false, digest: false });
  const [busy, setBusy] = useState(false);
  const m = useMessages();

  const show = (/** @type {Profile} */ p) => {
    setProfile(p);
    setF({ phone: p.phone ?? '', whatsapp: p.channels.includes('whatsapp'), digest: p.digest === 'daily' });
  };

  useEffect(() => {
    api('/profile').then(show, m.fail);
  }, []);

  async function save(/** @type {Event} */ ev) {
    ev.preventDefault();
    setBusy(true);
    m.clear();
    try {
      const body = { phone: f.phone.trim() || null, channels: f.whatsapp ? ['email', 'whatsapp'] : ['email'], digest: f.digest ? 'daily' : 'none' };
      show(await api('/profile', { method: 'PUT', body }));
      m.ok(t('profile.saved'));
    } catch (e) {
      m.fail(e);
    } finally {
      setBusy(false);
    }
  }

  if (!profile) return html`${m.view()}<${Loading} />`;
  return html`<section class="card form-card" aria-labelledby="profile-title">
    <h1 id="profile-title">${t('profile.title')}</h1>
    ${m.view()}
    <dl class="details">
      <dt>${t('profile.name')}</dt>
      <dd data-testid="profile-name">${profile.name}</dd>
      <dt>${t('profile.email')}</dt>
      <dd data-testid="profile-email">${profile.email}</dd>
    </dl>
    <form onSubmit=${save} class="stack" data-testid="profile-form" noValidate>
      <label for="pf-phone">${t('profile.phone')}</label>
      <input id="pf-phone" type="tel" value=${f.phone} onInput=${(/** @type {any} */ e) => setF({ ...f, phone: e.currentTarget.value })} maxLength="40" autocomplete="tel" aria-describedby="pf-phone-hint" data-testid="profile-phone" />
      <p class="hint" id="pf-phone-hint">${t('profile.phoneHint')}</p>
      <fieldset class="stack form-section">
        <legend>${t('profile.channels')}</legend>
        <label class="checkbox"><input type="checkbox" checked disabled /> ${t('profile.channelEmail')}</label>
        <label class="checkbox"><input type="checkbox" checked=${f.whatsapp} onChange=${(/** @type {any} */ e) => setF({ ...f, whatsapp: e.currentTarget.checked })} data-testid="profile-whatsapp" /> ${t('profile.channelWhatsapp')}</label>
      </fieldset>
      <fieldset class="stack form-section">
        <legend>${t('profile.digest')}</legend>
        <label class="checkbox"><input type="checkbox" checked=${f.digest} onChange=${(/** @type {any} */ e) => setF({ ...f, digest: e.currentTarget.checked })} aria-describedby="pf-digest-hint" data-testid="profile-digest" /> ${t('profile.digestDaily')}</label>
        <p class="hint" id="pf-digest-hint">${t('profile.digestHint')}</p>
      </fieldset>
      <div><button type="submit" class="primary" disabled=${busy} data-testid="profile-save">${t('profile.save')}</button></div>
    </form>
  </section>`;
}
