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
