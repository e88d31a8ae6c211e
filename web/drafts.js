// @ts-check
/**
 * Text typed into a form survives a sign-in, without each page's cooperation.
 *
 * The choice: when a session ends (the API answers 401) the sign-in opens as a modal dialog over the
 * page (app.js), which stays mounted with its state, so signing in again with the picker or a pasted
 * token leaves every field as it was. Only the OpenID Connect sign-in leaves the page (the provider's
 * login is another site): for it, just before the redirect, `keepDrafts` copies the page's form fields
 * (by element id) to sessionStorage with the path and the user; back from the provider, `restoreDrafts`
 * puts them back once the page has drawn those fields, for the same user on the same path only, and
 * forgets them. sessionStorage is this tab's alone and is cleared when the tab closes.
 */

const DRAFTS_KEY = 'onegate.drafts';
/** How long a restore waits for a page to draw its fields (a case page loads its data first). */
const RESTORE_WAIT_MS = 15_000;

/** @typedef {{id: string, value?: string, checked?: boolean}} Field */

/** Form fields worth keeping: text the person typed or chose; never files, passwords or hidden fields. */
function fieldsIn(/** @type {ParentNode} */ root) {
  /** @type {Field[]} */
  const out = [];
  for (const el of root.querySelectorAll('input[id], textarea[id], select[id]')) {
    if (el instanceof HTMLInputElement) {
      if (['file', 'password', 'hidden', 'submit', 'button'].includes(el.type)) continue;
      if (el.type === 'checkbox' || el.type === 'radio') out.push({ id: el.id, checked: el.checked });
      else if (el.value) out.push({ id: el.id, value: el.value });
    } else if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
      if (el.value) out.push({ id: el.id, value: el.value });
    }
  }
  return out;
}

/**
 * Keeps the fields of the page (`#content`) for `userId`, before the browser leaves for the provider.
 * @param {string|null} userId  the user whose session ended (null: nobody was signed in, nothing to keep)
 */
export function keepDrafts(userId) {
  const root = document.getElementById('content');
  if (!userId || !root) return;
  const fields = fieldsIn(root);
  if (fields.length === 0) return;
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify({ userId, path: `${location.pathname}${location.search}`, fields }));
}

/** Sets a field as typing would, so the page's own handlers (Preact's onInput/onChange) see it. */
function fill(/** @type {Element} */ el, /** @type {Field} */ f) {
  if (el instanceof HTMLInputElement && f.checked !== undefined) {
    if (el.checked !== f.checked) el.click();
    return el.checked === f.checked;
  }
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) || f.value === undefined) return true;
  if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === f.value)) return false;
  el.value = f.value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return el.value === f.value;
}

/**
 * Puts back the fields kept for `userId` on this path, in page order, each once the page shows it
 * (a select once it offers the value: the instrument follows the partner category). Resolves with
 * the number of fields restored.
 * @param {string} userId
 */
export async function restoreDrafts(userId) {
  const raw = sessionStorage.getItem(DRAFTS_KEY);
  sessionStorage.removeItem(DRAFTS_KEY);
  let kept;
  try {
    kept = raw ? JSON.parse(raw) : null;
  } catch {
    kept = null;
  }
  if (!kept || kept.userId !== userId || kept.path !== `${location.pathname}${location.search}` || !Array.isArray(kept.fields)) return 0;
  const until = Date.now() + RESTORE_WAIT_MS;
  let restored = 0;
  for (const f of /** @type {Field[]} */ (kept.fields)) {
    if (typeof f?.id !== 'string') continue;
    for (;;) {
      const el = document.getElementById(f.id);
      if (el && fill(el, f)) {
        restored++;
        break;
      }
      if (Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Let the page draw what the field changes (options that depend on it) before the next one.
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  }
  return restored;
}
