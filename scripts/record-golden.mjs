#!/usr/bin/env node
// Records the golden replays of test/golden/: real cases run through the engine on a fresh embedded
// database, one per stage path and branch of every workflow version, written down as the event log
// and the case row the engine stored. test/golden/golden.int-spec.ts replays each log on its recorded
// version and must reach the stored state; a sealed version whose behaviour changed fails it.
//
// Record once, when a version is sealed (a recording of a changed version would only bless the change):
//   npm run build && node scripts/record-golden.mjs [--only cooperation@3 | --only cooperation@2-3] [--out DIR]
// (`name@from-to`: cases moved from one version to the next while running, MIGRATED midway.)
// Existing fixtures are never overwritten; delete one on purpose to record it again.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: args } = parseArgs({ options: { only: { type: 'string' }, out: { type: 'string' } } });
const dist = (path) => import(join(root, 'dist', path));
const { Database } = await dist('src/database/database.js');
const { Engine } = await dist('src/engine/engine.js');
const { SettableClock } = await dist('src/common/clock.js');
const { CASE, CASE_EVENT } = await dist('src/database/entities.js');
const registry = await dist('workflows/registry.js');
const { INSTRUMENT_RULES } = await dist('workflows/domain.js');

const ACTORS = {
  proposer: { id: 'opd-dinkes', roles: ['proposer'] },
  secretariat: { id: 'sekretariat-1', roles: ['secretariat'] },
  secretariat2: { id: 'sekretariat-2', roles: ['secretariat'] },
  technical_reviewer: { id: 'tim-teknis-1', roles: ['technical_reviewer'] },
  reviewer2: { id: 'tim-teknis-2', roles: ['technical_reviewer'] },
  tkksd_chair: { id: 'ketua-tkksd', roles: ['tkksd', 'tkksd_chair'] },
  legal: { id: 'bagian-hukum', roles: ['legal'] },
  dprd: { id: 'sekwan-dprd', roles: ['dprd'] },
  mayor: { id: 'walikota', roles: ['mayor'] },
  system: { id: 'system', roles: [] },
  // The partner of an offer (cooperation@3), acting through its tracking page: no user, no roles.
  partner: { id: 'partner:golden-offer', roles: [] },
  admin: { id: 'admin', roles: ['admin'] },
};

const PARTNERS = {
  region: { partnerName: 'Kabupaten Muaro Jambi', partnerCountry: null },
  third_party: { partnerName: 'PT Bank Jambi', partnerCountry: null },
  central_government: { partnerName: 'Kementerian PUPR', partnerCountry: null },
  foreign: { partnerName: 'Kota Hefei', partnerCountry: 'CN' },
};

/** One case, driven as the use cases drive it (tasks.service, cases.service): the same event types, machine events and data. */
class Driver {
  constructor(engine, clock, definition, row) {
    Object.assign(this, { engine, clock, definition, row });
  }

  async step(actor, plan) {
    this.clock.advance(26 * 3600_000);
    const { case: row } = await this.engine.step({ caseId: this.row.id, actor, plan });
    this.row = row;
    return this;
  }

  caseEvent(type, actor = ACTORS.proposer, comment = null) {
    return this.step(actor, () => ({ type, machineEvent: { type }, data: { comment } }));
  }

  /** Completes the open task held by `who` (or the first open one) with `decision`. */
  decide(decision, { who, reviewers, carried, comment = decision === 'approve' || decision === 'sign' || decision === 'submit' ? null : `Mohon diperbaiki (${decision})` } = {}) {
    return this.task(who, (task, actor, context) => {
      const held = context.documents;
      const documents = held ? Object.fromEntries(Object.entries(held).map(([kind, d]) => [kind, d.version])) : undefined;
      return {
        actor,
        plan: {
          type: 'TASK_COMPLETED',
          machineEvent: { type: 'DECIDE', taskKey: task.key, decision, ...(reviewers ? { reviewers } : {}), ...carried },
          data: { stage: task.stage, decision, comment, ...(documents ? { documents } : {}), ...carried },
          completion: { taskKey: task.key, decision, comment },
        },
      };
    });
  }

  /** A deadline's deemed approval, sent by the scheduler. */
  deemApprove() {
    return this.task(undefined, (task) => ({
      actor: ACTORS.system,
      plan: { type: 'TASK_DEEMED_APPROVED', machineEvent: { type: 'DECIDE', taskKey: task.key, decision: 'approve' }, data: { stage: task.stage, decision: 'approve' } },
    }));
  }

  claim(who) {
    return this.task(undefined, (task) => ({ actor: ACTORS[who], plan: { type: 'TASK_CLAIMED', machineEvent: { type: 'CLAIM', taskKey: task.key, userId: ACTORS[who].id }, data: {} } }));
  }

  unclaim() {
    return this.task(undefined, (task, actor) => ({ actor, plan: { type: 'TASK_UNCLAIMED', machineEvent: { type: 'UNCLAIM', taskKey: task.key }, data: { previousAssignee: task.assignee } } }));
  }

  delegate(to) {
    return this.task(undefined, (task, actor) => ({
      actor,
      plan: { type: 'TASK_DELEGATED', machineEvent: { type: 'DELEGATE', taskKey: task.key, userId: ACTORS[to].id }, data: { from: task.assignee, to: ACTORS[to].id } },
    }));
  }

  upload(kind, actor = ACTORS.proposer) {
    const held = this.row.snapshot.context.documents?.[kind];
    const version = (held?.version ?? 0) + 1;
    const sha256 = Buffer.from(`${this.row.number}:${kind}:${version}`).toString('hex').padEnd(64, '0').slice(0, 64);
    return this.step(actor, () => ({
      type: 'DOCUMENT_UPLOADED',
      machineEvent: { type: 'DOCUMENT_ADDED', kind, version, sha256 },
      data: { document: { kind, version, name: `${kind}.pdf`, mediaType: 'application/pdf', size: 1024 * version, sha256 } },
    }));
  }

  async task(who, build) {
    const tasks = this.row.snapshot.context.tasks;
    const id = who ? ACTORS[who].id : null;
    const task = (id && tasks.find((t) => t.assignee === id)) || tasks[0];
    if (!task) throw new Error(`case ${this.row.number} in ${this.row.stage} has no open task`);
    const holder = Object.values(ACTORS).find((a) => a.id === task.assignee) ?? actorFor(task.role);
    const { actor, plan } = build(task, holder, this.row.snapshot.context);
    return this.step(actor, () => plan);
  }

  /** The proposer's documents for SUBMIT, on versions with document rules. */
  async submitDocuments() {
    const docs = this.definition.documents;
    if (!docs) return this;
    for (const kind of docs.requiredForSubmit(this.row.instrument, this.row.partnerCategory)) await this.upload(kind);
    return this;
  }

  async signedCopy() {
    return this.definition.documents ? this.upload(this.definition.documents.signRequires.kind, ACTORS.mayor) : this;
  }
}

function actorFor(role) {
  const actor = ACTORS[role];
  if (!actor) throw new Error(`no actor for role ${role}`);
  return actor;
}

/** The paths every cooperation version is recorded on: each stage, each decision it takes, each branch. */
/** A recorded path: the partner's category, the instrument, whether the DPRD must approve, and the drive. */
const path = (category, instrument, requiresDprdApproval, drive) => ({ category, instrument, requiresDprdApproval, drive });
/** A path begun by `initiative` (cooperation@3): a partner's offer (started by the partner, at intake) or the city's. */
const begunBy = (initiative, category, instrument, requiresDprdApproval, drive) => ({ initiative, category, instrument, requiresDprdApproval, drive });

const COOPERATION_PATHS = {
  'region kb: two reviewers, signed, then expired': path('region', 'kb', false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve', { reviewers: [ACTORS.technical_reviewer.id, ACTORS.reviewer2.id] });
    await c.decide('approve', { who: 'reviewer2' });
    await c.decide('approve', { who: 'technical_reviewer' });
    await c.decide('approve');
    await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
    await c.step(ACTORS.system, () => ({ type: 'EXPIRE', machineEvent: { type: 'EXPIRE' }, data: { validUntil: '2027-03-01' } }));
  }),
  'third party pks: claim, unclaim, delegate; DPRD deemed approval; signed, then terminated': path('third_party', 'pks', true, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.claim('secretariat');
    await c.unclaim();
    await c.claim('secretariat');
    await c.delegate('secretariat2');
    await c.decide('approve');
    await c.decide('approve');
    await c.decide('approve');
    await c.decide('approve');
    await c.deemApprove();
    await (await c.signedCopy()).decide('sign');
    await c.caseEvent('TERMINATE', ACTORS.secretariat, 'Para pihak sepakat mengakhiri');
  }),
  'foreign loi: DPRD, then the minister, signed': path('foreign', 'loi', true, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    for (let i = 0; i < 6; i++) await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'foreign loi without DPRD: the minister, signed': path('foreign', 'loi', false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    for (let i = 0; i < 5; i++) await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'central government nk: a revision at every stage, each resubmitted to where it was asked': path('central_government', 'nk', true, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    const stages = ['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'dprd_approval', 'mayor_signature'];
    for (const stage of stages) {
      if (c.row.stage !== stage) throw new Error(`expected ${stage}, at ${c.row.stage}`);
      await c.decide('revise');
      if (c.definition.documents) await c.upload('other');
      await c.caseEvent('RESUBMIT');
      if (stage === 'mayor_signature') await c.signedCopy();
      await c.decide(stage === 'mayor_signature' ? 'sign' : 'approve');
    }
  }),
  'foreign kb: a revision at the minister, withdrawn while in revision': path('foreign', 'kb', false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    for (let i = 0; i < 4; i++) await c.decide('approve');
    await c.decide('revise');
    await c.caseEvent('WITHDRAW');
  }),
  'region pks: withdrawn before it was submitted': path('region', 'pks', false, async (c) => {
    await c.caseEvent('WITHDRAW');
  }),
  'region kb: withdrawn during technical review': path('region', 'kb', false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve');
    await c.caseEvent('WITHDRAW');
  }),
  ...Object.fromEntries(
    [
      ['administrative_check', 0],
      ['tkksd_coordination', 2],
      ['legal_review', 3],
      ['dprd_approval', 4],
      ['ministry_approval', 5],
      ['mayor_signature', 6],
    ].map(([stage, approvals]) => [
      `foreign loi with DPRD: rejected at ${stage}`,
      path('foreign', 'loi', true, async (c) => {
        await (await c.submitDocuments()).caseEvent('SUBMIT');
        for (let i = 0; i < approvals; i++) await c.decide('approve');
        if (c.row.stage !== stage) throw new Error(`expected ${stage}, at ${c.row.stage}`);
        await c.decide('reject');
      }),
    ]),
  ),
};

/**
 * The paths cooperation@3 adds to every cooperation path (contract §11): a partner's offer approved to an OPD,
 * asked for more and rejected, marked spam; the city's offer through the partner's response, approved and rejected.
 */
const PARTNERS_WAY_IN_PATHS = {
  "partner's offer, third party pks: its papers, claimed and approved at intake to an OPD, drafted and signed": begunBy('partner', 'third_party', 'pks', false, async (c) => {
    await c.upload('partner_profile', ACTORS.partner);
    await c.upload('partner_legal', ACTORS.partner);
    await c.claim('secretariat');
    await c.decide('approve', { carried: { assignee: ACTORS.proposer.id } });
    if (c.row.stage !== 'proposal' || c.row.proposerId !== ACTORS.proposer.id) throw new Error(`expected proposal by ${ACTORS.proposer.id}, at ${c.row.stage} by ${c.row.proposerId}`);
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    for (let i = 0; i < 4; i++) await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  "partner's offer, region kb: asked for more at intake, the partner replies with an attachment, rejected": begunBy('partner', 'region', 'kb', false, async (c) => {
    await c.upload('partner_profile', ACTORS.partner);
    await c.decide('revise', { comment: 'Mohon lengkapi dokumen legalitas' });
    await c.upload('partner_attachment', ACTORS.partner);
    await c.caseEvent('PARTNER_REPLY', ACTORS.partner, 'Dokumen legalitas terlampir');
    if (c.row.stage !== 'intake') throw new Error(`expected intake, at ${c.row.stage}`);
    await c.decide('reject', { comment: 'Bidang kerja sama tidak sesuai urusan daerah' });
  }),
  "partner's offer, foreign loi: marked spam at intake": begunBy('partner', 'foreign', 'loi', false, async (c) => {
    await c.decide('spam', { comment: null });
  }),
  "city's offer, region kb: the mayor's letter at TKKSD, the partner's reply approved, signed": begunBy('city', 'region', 'kb', false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve');
    await c.decide('approve');
    await c.upload('offer_letter', ACTORS.secretariat);
    await c.decide('approve');
    if (c.row.stage !== 'partner_response') throw new Error(`expected partner_response, at ${c.row.stage}`);
    await c.upload('partner_reply', ACTORS.secretariat);
    await c.decide('approve');
    await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  "city's offer, foreign loi with DPRD: the partner declines, rejected at partner_response": begunBy('city', 'foreign', 'loi', true, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve');
    await c.decide('approve');
    await c.decide('approve');
    await c.upload('offer_letter', ACTORS.secretariat);
    await c.decide('reject', { comment: 'Mitra menolak penawaran' });
  }),
};

/** An addendum's recorded path: as `path`, with whether it changes the scope (Tim Teknis and TKKSD then review it). */
const amendmentPath = (category, instrument, requiresDprdApproval, scopeChanged, drive) => ({ category, instrument, requiresDprdApproval, scopeChanged, drive });

/** The paths amendment@1 is recorded on: each stage, each decision it takes, each branch. */
const AMENDMENT_PATHS = {
  'region kb addendum, scope unchanged: administrative check, legal review, signed': amendmentPath('region', 'kb', false, false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve');
    await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'third party pks addendum, scope changed, two reviewers, DPRD: signed': amendmentPath('third_party', 'pks', true, true, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve', { reviewers: [ACTORS.technical_reviewer.id, ACTORS.reviewer2.id] });
    await c.decide('approve', { who: 'reviewer2' });
    await c.decide('approve', { who: 'technical_reviewer' });
    await c.claim('tkksd_chair');
    await c.decide('approve');
    await c.decide('approve');
    await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'foreign loi addendum, DPRD, scope unchanged: no minister, signed': amendmentPath('foreign', 'loi', true, false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    for (let i = 0; i < 3; i++) await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'central government nk addendum, scope changed, DPRD: a revision at every stage, each resubmitted to where it was asked': amendmentPath('central_government', 'nk', true, true, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    const stages = ['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'dprd_approval', 'mayor_signature'];
    for (const stage of stages) {
      if (c.row.stage !== stage) throw new Error(`expected ${stage}, at ${c.row.stage}`);
      await c.decide('revise');
      await c.upload('other');
      await c.caseEvent('RESUBMIT');
      if (stage === 'mayor_signature') await c.signedCopy();
      await c.decide(stage === 'mayor_signature' ? 'sign' : 'approve');
    }
  }),
  'region pks addendum: withdrawn before it was submitted': amendmentPath('region', 'pks', false, false, async (c) => {
    await c.caseEvent('WITHDRAW');
  }),
  'region kb addendum: a revision at legal review, withdrawn while in revision': amendmentPath('region', 'kb', false, false, async (c) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve');
    await c.decide('revise');
    await c.caseEvent('WITHDRAW');
  }),
  ...Object.fromEntries(
    [
      ['administrative_check', 0],
      ['tkksd_coordination', 2],
      ['legal_review', 3],
      ['dprd_approval', 4],
      ['mayor_signature', 5],
    ].map(([stage, approvals]) => [
      `third party pks addendum, scope changed, DPRD: rejected at ${stage}`,
      amendmentPath('third_party', 'pks', true, true, async (c) => {
        await (await c.submitDocuments()).caseEvent('SUBMIT');
        for (let i = 0; i < approvals; i++) await c.decide('approve');
        if (c.row.stage !== stage) throw new Error(`expected ${stage}, at ${c.row.stage}`);
        await c.decide('reject');
      }),
    ]),
  ),
};

/** The paths an evaluation version is recorded on (contract §10): concluded after a revision, cancelled from each stage. */
const REPORT = { progress: 40, outputs: 'Dua pelatihan pengelolaan sampah terlaksana', problems: 'Anggaran terlambat' };
const EVALUATION_PATHS = {
  'report file, revised, claimed and delegated review, concluded': async (c) => {
    await c.upload('evaluation_report');
    await c.decide('submit', { carried: { report: REPORT } });
    await c.decide('revise');
    await c.decide('submit', { carried: { report: { progress: 45, outputs: 'Dua pelatihan, daftar hadir terlampir' } } });
    await c.claim('technical_reviewer');
    await c.unclaim();
    await c.claim('technical_reviewer');
    await c.delegate('reviewer2');
    await c.decide('approve');
    await c.decide('approve', { carried: { rating: 4, recommendation: 'continue' } });
  },
  'cancelled at the report': async (c) => {
    await c.step(ACTORS.system, () => ({ type: 'EVALUATION_CANCELLED', machineEvent: { type: 'CANCEL' }, data: { reason: 'terminated' } }));
  },
  'cancelled at the review': async (c) => {
    await c.decide('submit', { carried: { report: REPORT } });
    await c.step(ACTORS.system, () => ({ type: 'EVALUATION_CANCELLED', machineEvent: { type: 'CANCEL' }, data: { reason: 'terminated' } }));
  },
  'cancelled at the conclusion': async (c) => {
    await c.decide('submit', { carried: { report: REPORT } });
    await c.decide('approve');
    await c.step(ACTORS.system, () => ({ type: 'EVALUATION_CANCELLED', machineEvent: { type: 'CANCEL' }, data: { reason: 'terminated' } }));
  },
};

/**
 * Cases moved to a newer version while running (contract §11): each drive gets `migrate()`, the MIGRATED
 * step, which it takes midway; after it the case goes on under the new version's rules.
 */
const MIGRATED_PATHS = {
  'region kb: moved during technical review, one of two reviewers done; signed on the new version': path('region', 'kb', false, async (c, migrate) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('approve', { reviewers: [ACTORS.technical_reviewer.id, ACTORS.reviewer2.id] });
    await c.decide('approve', { who: 'reviewer2' });
    await migrate();
    await c.decide('approve', { who: 'technical_reviewer' });
    await c.decide('approve');
    await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'third party pks with DPRD: moved in revision asked at legal review; resubmitted, DPRD, signed': path('third_party', 'pks', true, async (c, migrate) => {
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    for (let i = 0; i < 3; i++) await c.decide('approve');
    await c.decide('revise');
    await migrate();
    if (c.definition.documents) await c.upload('other');
    await c.caseEvent('RESUBMIT');
    await c.decide('approve');
    await c.decide('approve');
    await (await c.signedCopy()).decide('sign');
  }),
  'region kb: moved before it was submitted; submitted with the new version\'s documents, rejected': path('region', 'kb', false, async (c, migrate) => {
    await migrate();
    await (await c.submitDocuments()).caseEvent('SUBMIT');
    await c.decide('reject');
  }),
};

/** The moves recorded (MIGRATED_PATHS on each): from a version to the next, once both exist. */
const MIGRATIONS = [
  { name: 'cooperation', from: 1, to: 2 },
  { name: 'cooperation', from: 2, to: 3 },
];

async function recordMigrated({ name, from, to }, db, clock) {
  const engine = new Engine(db, clock, 'Asia/Jakarta');
  const source = registry.findWorkflow(name, from);
  const target = registry.findWorkflow(name, to);
  const cases = [];
  for (const [title, { category, instrument, requiresDprdApproval, drive }] of Object.entries(MIGRATED_PATHS)) {
    const partner = PARTNERS[category];
    const fields = {
      title: `Kerja sama Kota Jambi dengan ${partner.partnerName}`,
      instrument,
      partnerName: partner.partnerName,
      partnerCategory: category,
      partnerCountry: partner.partnerCountry,
      summary: title,
      requiresDprdApproval,
      parentCaseId: null,
      kind: 'cooperation',
      validFrom: null,
      validUntil: null,
      proposerId: ACTORS.proposer.id,
    };
    const input = { proposerId: ACTORS.proposer.id, instrument, partnerCategory: category, requiresDprdApproval, allowedInstruments: INSTRUMENT_RULES[category] };
    const { case: row } = await engine.start({ actor: ACTORS.proposer, fields, input, workflow: { name, version: from } });
    const driver = new Driver(engine, clock, source, row);
    await drive(driver, async () => {
      await driver.step(ACTORS.admin, () => ({ type: 'MIGRATED', machineEvent: null, data: { from, to }, moveTo: target }));
      driver.definition = target;
    });
    const events = await db.read((em) => em.find(CASE_EVENT, { where: { caseId: row.id }, order: { seq: 'ASC' } }));
    const stored = await db.read((em) => em.findOneByOrFail(CASE, { id: row.id }));
    cases.push({
      name: title,
      events: events.map((e) => ({ ...e, id: String(e.id), at: e.at.toISOString() })),
      stored: { stage: stored.stage, version: stored.version, snapshot: stored.snapshot, headHash: stored.headHash },
    });
    process.stderr.write(`  ${name}@${from}→${to}: ${title} → ${stored.stage} (${events.length} events)\n`);
  }
  return cases;
}

/** Evaluations of one agreement (an in-force cooperation case started for it, its parent). */
async function recordEvaluations(definition, db, clock, engine) {
  const cases = [];
  for (const [name, drive] of Object.entries(EVALUATION_PATHS)) {
    const fields = {
      title: `Evaluasi semester 2026/2 — Kerja sama Kota Jambi dengan ${PARTNERS.region.partnerName}`,
      instrument: 'kb',
      partnerName: PARTNERS.region.partnerName,
      partnerCategory: 'region',
      partnerCountry: null,
      summary: name,
      requiresDprdApproval: false,
      parentCaseId: '00000000-0000-4000-8000-000000000001',
      kind: 'evaluation',
      validFrom: null,
      validUntil: null,
      proposerId: ACTORS.proposer.id,
    };
    const input = { agreementId: fields.parentCaseId, proposerId: ACTORS.proposer.id, period: { from: '2026-07-01', to: '2026-12-31' } };
    const { case: row } = await engine.start({ actor: ACTORS.system, fields, input, workflow: { name: definition.name, version: definition.version } });
    const driver = new Driver(engine, clock, definition, row);
    await drive(driver);
    const events = await db.read((em) => em.find(CASE_EVENT, { where: { caseId: row.id }, order: { seq: 'ASC' } }));
    const stored = await db.read((em) => em.findOneByOrFail(CASE, { id: row.id }));
    cases.push({
      name,
      events: events.map((e) => ({ ...e, id: String(e.id), at: e.at.toISOString() })),
      stored: { stage: stored.stage, version: stored.version, snapshot: stored.snapshot, headHash: stored.headHash },
    });
    process.stderr.write(`  ${definition.name}@${definition.version}: ${name} → ${stored.stage} (${events.length} events)\n`);
  }
  return cases;
}

async function record(definition, db, clock) {
  const engine = new Engine(db, clock, 'Asia/Jakarta');
  if (definition.name === 'evaluation') return recordEvaluations(definition, db, clock, engine);
  const cases = [];
  const amendment = definition.name === 'amendment';
  const paths = amendment ? AMENDMENT_PATHS : definition.initiatives?.includes('partner') ? { ...COOPERATION_PATHS, ...PARTNERS_WAY_IN_PATHS } : COOPERATION_PATHS;
  for (const [name, { initiative, category, instrument, requiresDprdApproval, scopeChanged, drive }] of Object.entries(paths)) {
    // A partner's offer is the partner's case until its intake hands it to an OPD (cases.service startOffer).
    const starter = initiative === 'partner' ? ACTORS.partner : ACTORS.proposer;
    const partner = { ...PARTNERS[category], instrument };
    const fields = {
      title: `Kerja sama Kota Jambi dengan ${partner.partnerName}`,
      instrument: partner.instrument,
      partnerName: partner.partnerName,
      partnerCategory: category,
      partnerCountry: partner.partnerCountry,
      summary: name,
      requiresDprdApproval,
      parentCaseId: null,
      validFrom: null,
      validUntil: null,
      proposerId: starter.id,
      kind: amendment ? 'amendment' : 'cooperation',
    };
    // An addendum's input names its agreement (not a row here: only the replay is recorded) and what it changes.
    const input = amendment
      ? { proposerId: ACTORS.proposer.id, amends: '00000000-0000-4000-8000-000000000001', instrument: partner.instrument, partnerCategory: category, requiresDprdApproval, scopeChanged, changes: { validUntil: '2029-12-31', fields: ['kesehatan'] } }
      : {
          proposerId: starter.id,
          instrument: partner.instrument,
          partnerCategory: category,
          requiresDprdApproval,
          allowedInstruments: INSTRUMENT_RULES[category],
          ...(initiative ? { initiative } : {}),
        };
    const { case: row } = await engine.start({ actor: starter, fields, input, workflow: { name: definition.name, version: definition.version } });
    const driver = new Driver(engine, clock, definition, row);
    await drive(driver);
    const events = await db.read((em) => em.find(CASE_EVENT, { where: { caseId: row.id }, order: { seq: 'ASC' } }));
    const stored = await db.read((em) => em.findOneByOrFail(CASE, { id: row.id }));
    cases.push({
      name,
      events: events.map((e) => ({ ...e, id: String(e.id), at: e.at.toISOString() })),
      stored: { stage: stored.stage, version: stored.version, snapshot: stored.snapshot, headHash: stored.headHash },
    });
    process.stderr.write(`  ${definition.name}@${definition.version}: ${name} → ${stored.stage} (${events.length} events)\n`);
  }
  return cases;
}

const dir = mkdtempSync(join(tmpdir(), 'onegate-golden-'));
try {
  const db = await Database.open({ kind: 'sqlite', file: join(dir, 'golden.sqlite') });
  const clock = new SettableClock();
  clock.set(new Date('2026-03-02T01:00:00Z'));
  for (const definition of registry.WORKFLOWS) {
    const key = `${definition.name}@${definition.version}`;
    if (args.only && args.only !== key) continue;
    const file = join(args.out ?? join(root, 'test', 'golden'), `${definition.name}-v${definition.version}.json`);
    if (existsSync(file)) {
      process.stderr.write(`${key}: ${file} exists, kept (delete it to record again)\n`);
      continue;
    }
    const cases = await record(definition, db, clock);
    writeFileSync(file, `${JSON.stringify({ workflow: { name: definition.name, version: definition.version }, recordedAt: new Date().toISOString(), cases }, null, 1)}\n`);
    process.stderr.write(`${key}: ${cases.length} cases written to ${file}\n`);
  }
  for (const move of MIGRATIONS) {
    const key = `${move.name}@${move.from}-${move.to}`;
    if (args.only && args.only !== key) continue;
    const file = join(args.out ?? join(root, 'test', 'golden'), `${move.name}-v${move.from}-to-v${move.to}.json`);
    if (existsSync(file)) {
      process.stderr.write(`${key}: ${file} exists, kept (delete it to record again)\n`);
      continue;
    }
    const cases = await recordMigrated(move, db, clock);
    writeFileSync(file, `${JSON.stringify({ workflow: { name: move.name, version: move.to }, migratedFrom: move.from, recordedAt: new Date().toISOString(), cases }, null, 1)}\n`);
    process.stderr.write(`${key}: ${cases.length} cases written to ${file}\n`);
  }
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
