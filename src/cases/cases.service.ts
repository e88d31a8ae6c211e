import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { INSTRUMENT_RULES, TERMINATION_GROUNDS, type PartnerCategory } from '../../workflows/domain.js';
import { DEFAULT_WORKFLOW, newestWorkflow, type CaseEventRule, type WorkflowDefinition } from '../../workflows/registry.js';
import { hasRole, isPartnerActor, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { yearRange } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, TASK } from '../database/entities.js';
import type { CaseKind, CaseProposal, CaseRow, TaskRow } from '../database/rows.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import { Engine, type StartCommand } from '../engine/engine.js';
import { taskWorkingDays, toCaseDto, type CaseDto, type CaseEventDto, type CreateCaseDto, type ListCasesQuery } from './case.dto.js';
import type { Instrument } from '../../workflows/domain.js';
import { canSeeCase, visibleProposer } from './case-visibility.js';
import { planTermination, readTerminationFacts } from './termination.js';
import { AmendmentsService } from '../amendments/amendments.service.js';

/** Use cases of a cooperation case: propose it, send it a case-level event, find and read it. */
@Injectable()
export class CasesService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(WorkingCalendar) private readonly calendar: WorkingCalendar,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AmendmentsService) private readonly amendments: AmendmentsService,
  ) {}

  async create(actor: Actor, body: CreateCaseDto): Promise<CaseDto> {
    // An addendum of an agreement in force (contract §10): its own use case; what it changes goes in `changes`.
    if (body.amends !== undefined) {
      const proposalOnly = (['fields', 'opds', 'value'] as const).find((k) => body[k] !== undefined);
      if (proposalOnly) throw invalid(proposalOnly, 'not sent with amends: an addendum changes the agreement through changes');
      if (body.initiative !== undefined) throw invalid('initiative', 'not with amends: an addendum is of its agreement');
      return this.amendments.open(actor, body);
    }
    if (body.changes !== undefined || body.scopeChanged !== undefined) throw invalid(body.changes !== undefined ? 'changes' : 'scopeChanged', 'only with amends (an addendum)');
    checkPartnerFits(body);
    // The newest version decides who may begin a case; one that knows no initiatives takes only an OPD's proposal.
    if (body.initiative !== undefined && body.initiative !== 'opd' && !newestWorkflow(DEFAULT_WORKFLOW)!.initiatives?.includes(body.initiative)) {
      throw invalid('initiative', `the current procedure takes no ${body.initiative} initiative`);
    }
    if (body.validFrom && body.validUntil && body.validUntil <= body.validFrom) throw invalid('validUntil', 'must be after validFrom');
    // A case the proposer may not see is, here too, no case at all.
    const proposer = visibleProposer(actor);
    const parent = body.parentCaseId ? { id: body.parentCaseId, ...(proposer !== null ? { proposerId: proposer } : {}) } : null;
    if (parent && !(await this.db.read((em) => em.existsBy(CASE, parent)))) {
      throw invalid('parentCaseId', `no case ${body.parentCaseId}`);
    }
    const { case: row, tasks } = await this.engine.start({ actor, ...startOf(actor.id, body) });
    return toCaseDto(row, tasks);
  }

  /**
   * A partner's offer (contract §11): a case on the newest version that begins at `intake`, where the
   * secretariat takes it in. `actor` is the offer's partner (`partnerActor(offerId)`), who is the case's
   * proposer until the intake hands it to an OPD. `writes` are the caller's own rows (its offer), written
   * in the case's transaction after it. Checks as `POST /api/cases` does: 400 naming the field.
   */
  async startOffer(actor: Actor, offer: OfferStart, writes: StartCommand['writes'] = []): Promise<CaseDto> {
    if (!isPartnerActor(actor)) throw forbidden('an offer is started by its partner (actor partner:<offerId>)');
    const workflow = newestWorkflow(DEFAULT_WORKFLOW)!;
    if (!workflow.initiatives?.includes('partner')) throw new DomainError('InvalidTransition', `${workflow.name}@${workflow.version} takes no partner offers`, { allowedEvents: [] });
    checkPartnerFits(offer);
    const start = startOf(actor.id, { ...offer, initiative: 'partner' });
    const { case: row, tasks } = await this.engine.start({ actor, ...start, workflow: { name: workflow.name, version: workflow.version }, writes });
    return toCaseDto(row, tasks);
  }

  /**
   * The partner's answer to the intake's request (`PARTNER_REPLY`, contract §11): the case goes back to
   * `intake`. Only the offer's own partner, while the case is still its own; any other case is 404, and a
   * case not awaiting the partner is 409 with its allowed events.
   */
  async partnerReply(actor: Actor, caseId: string, body: { comment?: string | null; expectedVersion?: number } = {}): Promise<CaseDto> {
    if (!isPartnerActor(actor)) throw forbidden('PARTNER_REPLY is sent by the partner of the offer (actor partner:<offerId>)');
    const comment = typeof body.comment === 'string' && body.comment.trim() ? body.comment.trim() : null;
    if (comment && comment.length > 5000) throw invalid('comment', 'at most 5000 characters');
    const { case: row, openTasks } = await this.engine.step({
      caseId,
      actor,
      expectedVersion: body.expectedVersion,
      plan: ({ row, workflow }) => {
        if (row.proposerId !== actor.id) throw notFound('case', caseId);
        if (!workflow.caseEventRules.PARTNER_REPLY?.byPartner) {
          throw new DomainError('InvalidTransition', `${workflow.name}@${workflow.version} has no case event PARTNER_REPLY`, { allowedEvents: [] });
        }
        return { type: 'PARTNER_REPLY', machineEvent: { type: 'PARTNER_REPLY' }, data: { comment } };
      },
    });
    return toCaseDto(row, openTasks);
  }

  async sendEvent(actor: Actor, caseId: string, body: CaseEventDto): Promise<CaseDto> {
    // Refused before the case is read when the newest version refuses it too (a 403 before a 409); the
    // case's own version has the last word in the step.
    checkCaseEventRoles(actor, body.type, newestWorkflow(DEFAULT_WORKFLOW)!);
    if (body.grounds !== undefined && body.type !== 'TERMINATE') throw invalid('grounds', `only TERMINATE takes grounds, not ${body.type}`);
    // Before the step: its load would answer a stale expectedVersion (409, naming the version) first.
    const proposer = visibleProposer(actor);
    if (proposer !== null && !(await this.db.read((em) => em.existsBy(CASE, { id: caseId, proposerId: proposer })))) throw notFound('case', caseId);
    const { case: row, openTasks } = await this.engine.step({
      caseId,
      actor,
      expectedVersion: body.expectedVersion,
      // TERMINATE reads its letter and the agreement's evaluations (termination.ts); other events read nothing more.
      load: async ({ row }, read) => (body.type === 'TERMINATE' ? await readTerminationFacts(read, row.id) : null),
      plan: (current, facts) => {
        const { row, workflow } = current;
        const rule = checkCaseEventRoles(actor, body.type, workflow);
        if (rule.proposerOnly && row.proposerId !== actor.id) throw forbidden(`only the case's proposer (${row.proposerId}) may ${body.type}`);
        const data = { comment: body.comment ?? null };
        if (!facts) return { type: body.type, machineEvent: { type: body.type }, data };
        // The DTO asks for grounds too; a caller inside the process (the demo) meets the same rule here.
        if (!body.grounds) throw invalid('grounds', `required for TERMINATE: one of ${TERMINATION_GROUNDS.join(', ')}`);
        // The sealed machines take a bare TERMINATE at their in-force stage; the grounds are the register's, kept in the event.
        const termination = planTermination(current, body.grounds, facts);
        return { type: body.type, machineEvent: { type: body.type }, data: { ...data, grounds: body.grounds, ...termination.data }, timers: termination.timers };
      },
    });
    return toCaseDto(row, openTasks);
  }

  /** The case page; a case the actor may not see (case-visibility.ts) is 404, as an unknown id. */
  async get(actor: Actor, id: string): Promise<CaseDto> {
    const { row, tasks } = await this.db.read(async (em) => {
      const row = await em.findOneBy<CaseRow>(CASE, { id });
      if (!row || !canSeeCase(actor, row)) throw notFound('case', id);
      return { row, tasks: await em.find<TaskRow>(TASK, { where: { caseId: id, status: 'open' }, order: { key: 'ASC' } }) };
    });
    const dto = toCaseDto(row, tasks);
    const now = this.clock.now();
    const rows = new Map(tasks.map((t) => [t.id, t]));
    // The case page shows how long each open task has waited and has left, as the inbox does.
    return { ...dto, openTasks: dto.openTasks.map((t) => ({ ...t, ...taskWorkingDays(rows.get(t.id)!, this.calendar, now) })) };
  }

  /** Cases the actor may see, newest first: a proposer's own only (filters, `q` and `total` included). */
  async list(actor: Actor, query: ListCasesQuery): Promise<{ items: CaseDto[]; total: number; limit: number; offset: number }> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    return this.db.read(async (em) => {
      const qb = em.createQueryBuilder<CaseRow>(CASE, 'c');
      const proposer = visibleProposer(actor);
      if (proposer !== null) qb.andWhere('c.proposer_id = :proposer', { proposer });
      if (query.stage) qb.andWhere('c.stage = :stage', { stage: query.stage });
      if (query.instrument) qb.andWhere('c.instrument = :instrument', { instrument: query.instrument });
      if (query.category) qb.andWhere('c.partner_category = :category', { category: query.category });
      if (query.q) {
        const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (m) => '\\' + m)}%`;
        qb.andWhere("(LOWER(c.title) LIKE :like ESCAPE '\\' OR LOWER(c.partner_name) LIKE :like ESCAPE '\\' OR LOWER(c.number) LIKE :like ESCAPE '\\')", { like });
      }
      if (query.year) {
        const [from, to] = yearRange(query.year, this.config.timezone);
        qb.andWhere('c.created_at >= :from AND c.created_at < :to', { from, to });
      }
      const [rows, total] = await qb.orderBy('c.created_at', 'DESC').addOrderBy('c.number', 'DESC').skip(offset).take(limit).getManyAndCount();
      const tasks = rows.length
        ? await em.find<TaskRow>(TASK, { where: { caseId: In(rows.map((r) => r.id)), status: 'open' }, order: { key: 'ASC' } })
        : [];
      return { items: rows.map((r) => toCaseDto(r, tasks.filter((t) => t.caseId === r.id))), total, limit, offset };
    });
  }
}

/** A proposal's case fields and its machine's input, as the case starts (the simulator of `npm run bench` uses it too). */
export function startOf(
  proposerId: string,
  body: Pick<CreateCaseDto, 'title' | 'instrument' | 'summary' | 'requiresDprdApproval' | 'parentCaseId' | 'validFrom' | 'validUntil' | 'fields' | 'opds' | 'value'> & {
    partner: { name: string; category: PartnerCategory; country?: string; contact?: { name: string; email: string; phone?: string } };
    /** Who begins it (cooperation@3): absent for an OPD's proposal, so versions before 3 get the input they always had. */
    initiative?: 'opd' | 'partner' | 'city';
  },
  kind: CaseKind = 'cooperation',
): Pick<StartCommand, 'fields' | 'input'> {
  const requiresDprdApproval = body.requiresDprdApproval ?? false;
  return {
    fields: {
      title: body.title.trim(),
      instrument: body.instrument,
      partnerName: body.partner.name.trim(),
      partnerCategory: body.partner.category,
      partnerCountry: body.partner.country ?? null,
      summary: body.summary ?? null,
      requiresDprdApproval,
      parentCaseId: body.parentCaseId ?? null,
      kind,
      validFrom: body.validFrom ?? null,
      validUntil: body.validUntil ?? null,
      proposal: proposalOf(body),
      proposerId,
    },
    input: {
      proposerId,
      instrument: body.instrument,
      partnerCategory: body.partner.category,
      requiresDprdApproval,
      allowedInstruments: INSTRUMENT_RULES[body.partner.category],
      ...(body.initiative ? { initiative: body.initiative } : {}),
    },
  };
}

/**
 * The proposal's structured part as the case keeps it (trimmed, each name once, as the register's PATCH
 * keeps them); null when the proposal gives none of it.
 */
export function proposalOf(body: Pick<CreateCaseDto, 'fields' | 'opds' | 'value'> & { partner: { contact?: { name: string; email: string; phone?: string } } }): CaseProposal | null {
  const { fields, opds, value } = body;
  const contact = body.partner.contact;
  if (fields === undefined && opds === undefined && value === undefined && contact === undefined) return null;
  const names = (xs: string[] | undefined) => [...new Set((xs ?? []).map((x) => x.trim()))];
  return {
    fields: names(fields),
    opds: names(opds),
    value: value ? { amount: value.amount, currency: value.currency, source: value.source?.trim() || null } : null,
    contact: contact ? { name: contact.name.trim(), email: contact.email.trim(), phone: contact.phone?.trim() || null } : null,
  };
}

/** A partner's offer as the caller took it in (the public form): the case's fields, as `POST /api/cases` takes them. */
export interface OfferStart {
  title: string;
  instrument: Instrument;
  partner: { name: string; category: PartnerCategory; country?: string };
  summary?: string;
  requiresDprdApproval?: boolean;
}

/** The instrument fits the partner's category, and a foreign partner names its country: 400 naming the field. */
function checkPartnerFits(body: { instrument: Instrument; partner: { category: PartnerCategory; country?: string } }): void {
  const allowed = INSTRUMENT_RULES[body.partner.category];
  if (!allowed.includes(body.instrument)) {
    throw invalid('instrument', `${body.instrument} is not used with ${body.partner.category} partners (allowed: ${allowed.join(', ')})`);
  }
  if (body.partner.category === 'foreign' && !body.partner.country) throw invalid('partner.country', 'required for a foreign partner');
}

/** The version's rule for a case-level event, when the actor holds one of its roles; else 403 (409 for an event the version lacks). */
function checkCaseEventRoles(actor: Actor, type: string, workflow: WorkflowDefinition): CaseEventRule {
  const rule = workflow.caseEventRules[type];
  if (!rule) throw new DomainError('InvalidTransition', `${workflow.name}@${workflow.version} has no case event ${type}`, { allowedEvents: workflow.caseEventTypes });
  if (rule.byPartner) throw forbidden(`${type} is sent by the partner of the offer through its tracking page, not by a user`);
  if (!hasRole(actor, ...rule.roles)) throw forbidden(`${type} needs one of the roles: ${rule.roles.join(', ')}`);
  return rule;
}
