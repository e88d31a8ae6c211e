import { In } from 'typeorm';
import type { Database } from '../../../src/database/database.js';
import { DELIVERY, TASK, TIMER } from '../../../src/database/entities.js';
import type { DeliveryRow, TaskRow, TimerRow } from '../../../src/database/rows.js';
import { USERS, samplePdf } from '../../support/test-app.js';
import type { SmtpSink } from '../../support/smtp-sink.js';
import { REVIEWERS, type FaultEnv } from './fault-env.js';
import { call, multipart, request } from './http-client.js';
import { sleep } from './server-process.js';

/**
 * Many reminders due soon, made through the product's own path: each case is proposed, submitted and
 * approved at the administrative check with twenty technical reviewers assigned, which opens twenty
 * technical-review tasks; an SLA file gives that stage `remindCount` reminders a few seconds apart, so
 * each case writes 20 × remindCount timer rows in the step's transaction, one e-mail each.
 */
export function reminderSla(remindCount: number, firstAfterSeconds: number, spacingSeconds: number) {
  const due = firstAfterSeconds + (remindCount - 1) * spacingSeconds;
  return {
    technical_review: {
      due: `PT${due}S`,
      remind: Array.from({ length: remindCount }, (_, i) => `PT${due - firstAfterSeconds - i * spacingSeconds}S`),
      escalate: [],
    },
  };
}

/** Creates `cases` cases at technical review (20 assigned tasks each), `concurrency` at a time; returns their ids. */
export async function seedTechnicalReviews(env: FaultEnv, baseUrl: string, cases: number, concurrency = 6): Promise<string[]> {
  const ids: string[] = [];
  const proposer = await env.token(USERS.proposer);
  const secretariat = await env.token(USERS.secretariat);
  const upload = async (caseId: string, kind: string) => {
    const form = multipart({ kind }, { name: `${kind}.pdf`, contentType: 'application/pdf', bytes: samplePdf(`${caseId} ${kind}`) });
    const res = await request(`${baseUrl}/api/cases/${caseId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${proposer}`, 'content-type': form.contentType }, body: form.body });
    if (res.status !== 201) throw new Error(`upload ${kind}: ${res.status} ${res.text}`);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases) {
        const n = next++;
        const c = await call(baseUrl, 'POST', '/api/cases', proposer, { title: `Pengingat uji ${n}`, instrument: 'kb', partner: { name: `Kabupaten ${n}`, category: 'region' } });
        if (c.status !== 201) throw new Error(`create: ${c.status} ${c.text}`);
        await upload(c.body.id, 'kak');
        await upload(c.body.id, 'draft_kb');
        const submitted = await call(baseUrl, 'POST', `/api/cases/${c.body.id}/events`, proposer, { type: 'SUBMIT' });
        if (submitted.status !== 201) throw new Error(`submit: ${submitted.status} ${submitted.text}`);
        const task = submitted.body.openTasks[0].id;
        const approved = await call(baseUrl, 'POST', `/api/tasks/${task}/complete`, secretariat, { decision: 'approve', reviewers: REVIEWERS.map((r) => r.id) });
        if (approved.status !== 200 || approved.body.case.openTasks.length !== REVIEWERS.length) throw new Error(`approve: ${approved.status} ${approved.text.slice(0, 300)}`);
        ids.push(c.body.id);
      }
    }),
  );
  return ids;
}

export interface ReminderOutcome {
  timers: number;
  fired: number;
  deliveries: number;
  sent: number;
  received: number;
  uniqueMessageIds: number;
  /** Message-IDs that arrived more than once, or mails for no delivery row. */
  problems: string[];
}

/** Waits until every reminder timer of `caseIds` has fired and every delivery is sent (or `timeoutMs`). */
/** Waits until `expected` reminder timers fired and every delivery was sent and received (at least `mails` of them, when given). */
export async function waitForReminders(db: Database, caseIds: string[], smtp: SmtpSink, expected: number, timeoutMs: number, mails = 0): Promise<ReminderOutcome> {
  const until = Date.now() + timeoutMs;
  let outcome = await reminderOutcome(db, caseIds, smtp);
  while (Date.now() < until && !(outcome.fired === expected && outcome.deliveries >= mails && outcome.sent === outcome.deliveries && outcome.received >= outcome.sent)) {
    await sleep(1000);
    outcome = await reminderOutcome(db, caseIds, smtp);
  }
  // Anything sent twice would arrive within a few more seconds.
  await sleep(3000);
  return reminderOutcome(db, caseIds, smtp);
}

export async function reminderOutcome(db: Database, caseIds: string[], smtp: SmtpSink): Promise<ReminderOutcome> {
  // The technical-review reminders (the administrative check's own timers were cancelled when it was approved).
  const { timers, deliveries } = await db.read(async (em) => {
    const tasks = await em.find<TaskRow>(TASK, { where: { caseId: In(caseIds), stage: 'technical_review' }, select: { id: true } });
    return {
      timers: await em.find<TimerRow>(TIMER, { where: { taskId: In(tasks.map((t) => t.id)), kind: 'remind' }, select: { id: true, status: true } }),
      deliveries: await em.find<DeliveryRow>(DELIVERY, { where: { caseId: In(caseIds) }, select: { id: true, status: true, timerId: true, recipientEmail: true } }),
    };
  });
  const byMessageId = new Map<string, number>();
  for (const m of smtp.received) byMessageId.set(m.messageId, (byMessageId.get(m.messageId) ?? 0) + 1);
  const deliveryIds = new Set(deliveries.map((d) => `<${d.id}@onegate>`));
  const problems = [
    ...[...byMessageId].filter(([, n]) => n > 1).map(([id, n]) => `${id} received ${n} times`),
    ...[...byMessageId.keys()].filter((id) => !deliveryIds.has(id)).map((id) => `${id} received but no delivery row`),
    ...dupes(deliveries.map((d) => `${d.timerId} → ${d.recipientEmail}`)).map((k) => `two deliveries for ${k}`),
  ];
  return {
    timers: timers.length,
    fired: timers.filter((t) => t.status === 'fired').length,
    deliveries: deliveries.length,
    sent: deliveries.filter((d) => d.status === 'sent').length,
    received: smtp.received.length,
    uniqueMessageIds: byMessageId.size,
    problems,
  };
}

function dupes(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
}
