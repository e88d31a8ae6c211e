import { USERS, type TestApp, type TestUser } from './test-app.js';

/** The desks a plain proposal passes to its signature, in order, with their decision. */
export const SIGNING: [TestUser, string][] = [
  [USERS.secretariat, 'approve'],
  [USERS.reviewerA, 'approve'],
  [USERS.chair, 'approve'],
  [USERS.legal, 'approve'],
  [USERS.mayor, 'sign'],
];

/** A case taken through the whole procedure to the mayor's signature: an agreement in the register. */
export async function signedCase(t: TestApp, body: Record<string, unknown> = {}, as: TestUser = USERS.proposer): Promise<any> {
  const c = await t.createCase(body, as);
  const submit = await t.post(`/api/cases/${c.id}/events`, as, { type: 'SUBMIT' });
  if (submit.status !== 201) throw new Error(`submit: ${submit.status} ${submit.text}`);
  for (const [user, decision] of SIGNING) {
    const res = await t.decide(c.id, user, decision);
    if (res.status !== 200) throw new Error(`${decision} by ${user.id}: ${res.status} ${res.text}`);
  }
  return (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body;
}

/**
 * Ends an agreement in force early as contract §10 asks: the secretariat uploads the termination letter,
 * then sends TERMINATE with its grounds. Returns the TERMINATE response.
 */
export async function terminate(t: TestApp, id: string, body: { grounds?: string; comment?: string } = {}, as: TestUser = USERS.secretariat) {
  const up = await t.upload(id, as, 'termination_letter');
  if (up.status !== 201) throw new Error(`upload termination_letter: ${up.status} ${up.text}`);
  return t.post(`/api/cases/${id}/events`, as, { type: 'TERMINATE', grounds: 'mutual_agreement', ...body });
}

/** The desks an evaluation (evaluation@1) passes to its conclusion: the proposer's report, Tim Teknis, the secretariat's conclusion. */
export const EVALUATING = (recommendation: string, rating = 4): [TestUser, string, Record<string, unknown>][] => [
  [USERS.proposer, 'submit', { report: { progress: 50, outputs: 'Kegiatan berjalan sesuai rencana' } }],
  [USERS.reviewerA, 'approve', {}],
  [USERS.secretariat, 'approve', { rating, recommendation }],
];

/** Opens an evaluation of the agreement now, as the secretariat does (`POST /api/agreements/:id/evaluations`); returns it. */
export async function openEvaluation(t: TestApp, agreementId: string): Promise<any> {
  const res = await t.post(`/api/agreements/${agreementId}/evaluations`, USERS.secretariat);
  if (res.status !== 201) throw new Error(`open evaluation: ${res.status} ${res.text}`);
  return res.body;
}

/** An evaluation of the agreement opened now and taken to its conclusion with `recommendation`; returns it. */
export async function concludedEvaluation(t: TestApp, agreementId: string, recommendation: string, rating = 4): Promise<any> {
  const e = await openEvaluation(t, agreementId);
  for (const [user, decision, extra] of EVALUATING(recommendation, rating)) {
    const res = await t.decide(e.id, user, decision, extra);
    if (res.status !== 200) throw new Error(`${decision} by ${user.id}: ${res.status} ${res.text}`);
  }
  return e;
}
