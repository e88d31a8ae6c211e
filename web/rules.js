// @ts-check
/**
 * The procedure rules the forms need to offer only what is allowed, loaded once from the server
 * (`GET /api/workflows/cooperation/<current>/rules`, the data in workflows/cooperation). The server
 * checks every action anyway; these only keep forbidden choices off the screen.
 */

/** @type {string[]} */ export let STAGES = [];
/** @type {string[]} */ export let TASK_STAGES = [];
/** @type {string[]} */ export let FINAL_STAGES = [];
/** @type {string[]} */ export let INSTRUMENTS = [];
/** @type {string[]} */ export let CATEGORIES = [];
/** @type {Record<string, string[]>} */ export let INSTRUMENT_RULES = {};
/** @type {Record<string, string>} */ export let STAGE_ROLE = {};
/** @type {string[]} */ export let COMMENT_REQUIRED = [];
/** Who may begin a case on the current version (`opd` first; cooperation@3 adds `partner`, `city`). @type {string[]} */
export let INITIATIVES = ['opd'];
/** Stages whose decision names the user who carries the case on (an offer's intake, approved to an OPD proposer). @type {Record<string, {decision: string, role: string}>} */
export let ASSIGNEE_RULES = {};
/** @type {Record<string, {roles: string[], kinds: string[], proposerOnly?: boolean}[]>} */ let UPLOAD_RULES = {};
/** @type {{always: string[], byCategory: Record<string, string[]>, byInstrument: Record<string, string[]>}} */
let SUBMIT_REQUIRES = { always: [], byCategory: {}, byInstrument: {} };

/** Loads the current workflow's rules; the app renders after this. */
export async function loadRules() {
  const res = await fetch('/api/workflows/cooperation/current/rules');
  if (!res.ok) throw new Error(`cannot load the procedure rules (${res.status})`);
  const data = await res.json();
  STAGES = data.stages;
  TASK_STAGES = data.taskStages;
  FINAL_STAGES = data.finalStages;
  INSTRUMENTS = data.instruments;
  CATEGORIES = data.partnerCategories;
  INSTRUMENT_RULES = data.instrumentRules;
  STAGE_ROLE = Object.fromEntries(Object.entries(data.taskStageRules).map(([stage, rule]) => [stage, /** @type {any} */ (rule).role]));
  COMMENT_REQUIRED = [...new Set(Object.values(data.taskStageRules).flatMap((rule) => /** @type {any} */ (rule).commentRequired))];
  ASSIGNEE_RULES = Object.fromEntries(Object.entries(data.taskStageRules).flatMap(([stage, rule]) => (/** @type {any} */ (rule).assignee ? [[stage, /** @type {any} */ (rule).assignee]] : [])));
  INITIATIVES = data.initiatives ?? ['opd'];
  UPLOAD_RULES = data.uploadRules;
  SUBMIT_REQUIRES = data.submitRequires;
}

/**
 * Document kinds `user` may upload to `c` now (empty: no upload form).
 * @param {{stage: string, proposerId?: string}} c
 * @param {{id: string, roles: string[]}} user
 * `rules`: the case's own workflow version's (versionRules), else the current cooperation version's.
 */
export function uploadKinds(c, user, rules = /** @type {VersionRules|null} */ (null)) {
  const kinds = [];
  for (const rule of (rules?.uploadRules ?? UPLOAD_RULES)[c.stage] ?? []) {
    if (!rule.roles.some((r) => user.roles.includes(r))) continue;
    if (rule.proposerOnly && c.proposerId && c.proposerId !== user.id) continue;
    kinds.push(...rule.kinds);
  }
  return [...new Set(kinds)];
}

/** What SUBMIT needs, from the server's rules: a KAK always, a feasibility study from a third party, a draft of the instrument. */
export function requiredForSubmit(/** @type {string} */ instrument, /** @type {string} */ category, rules = /** @type {VersionRules|null} */ (null)) {
  const req = rules?.submitRequires ?? SUBMIT_REQUIRES;
  return [...req.always, ...(req.byCategory[category] ?? []), ...(req.byInstrument[instrument] ?? [])];
}

/**
 * One workflow version's document rules (an addendum's or an evaluation's differ from a proposal's), asked
 * once per version: `GET /api/workflows/<name>/<version>/rules`.
 * @typedef {{uploadRules: Record<string, {roles: string[], kinds: string[], proposerOnly?: boolean}[]>,
 *   submitRequires: {always: string[], byCategory: Record<string, string[]>, byInstrument: Record<string, string[]>}}} VersionRules
 */
/** @type {Map<string, Promise<VersionRules>>} */
const versionRuleCache = new Map();
export function versionRules(/** @type {string} */ name, /** @type {number} */ version) {
  const key = `${name}/${version}`;
  let p = versionRuleCache.get(key);
  if (!p) {
    p = fetch(`/api/workflows/${encodeURIComponent(name)}/${encodeURIComponent(String(version))}/rules`)
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`rules ${res.status}`))))
      .then((/** @type {any} */ data) => ({ uploadRules: data.uploadRules ?? {}, submitRequires: data.submitRequires ?? { always: [], byCategory: {}, byInstrument: {} } }));
    p.catch(() => versionRuleCache.delete(key));
    versionRuleCache.set(key, p);
  }
  return p;
}

/** What `sign` needs in one workflow version (`{kind, uploadedAt}`, or null), from that version's own rules; asked once per version. */
const signRequirements = new Map();
export function signRequirement(/** @type {string} */ name, /** @type {number} */ version) {
  const key = `${name}/${version}`;
  if (!signRequirements.has(key)) {
    const p = fetch(`/api/workflows/${encodeURIComponent(name)}/${encodeURIComponent(String(version))}/rules`)
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`rules ${res.status}`))))
      .then((/** @type {any} */ data) => /** @type {{kind: string, uploadedAt: string}|null} */ (data.signRequires ?? null));
    p.catch(() => signRequirements.delete(key));
    signRequirements.set(key, p);
  }
  return signRequirements.get(key);
}
