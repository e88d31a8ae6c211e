import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { INSTRUMENT_RULES, type PartnerCategory } from '../../workflows/domain.js';
import { newestWorkflow } from '../../workflows/registry.js';
import { SYSTEM_ACTOR, hasRole, type Actor } from '../common/actor.js';
import { sameJson } from '../common/canonical-json.js';
import { Clock } from '../common/clock.js';
import { DomainError, NothingToDo, forbidden, invalid, notFound } from '../common/errors.js';
import { dateIn } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { AGREEMENT, CASE, TIMER } from '../database/entities.js';
import type { AgreementRow, CaseRow, TimerRow } from '../database/rows.js';
import { TimerActions } from '../deadlines/timer-actions.js';
import { Engine } from '../engine/engine.js';
import { agreementStatus } from '../agreements/agreement-status.js';
import { canSeeCase } from '../cases/case-visibility.js';
import { toCaseDto, type CaseDto, type CreateCaseDto } from '../cases/case.dto.js';
import { AMENDED } from './after-signing.js';
import { AMENDABLE_FIELDS, type AmendableField } from './amendment.dto.js';
import type { RenewAgreementDto } from './renewal.dto.js';

/** The workflows a life after signing starts on (contract §10). */
const AMENDMENT_WORKFLOW = 'amendment';
const RENEWAL_WORKFLOW = 'cooperation';

/** Body fields of `POST /api/cases` an addendum does not send: it takes them from its agreement. */
const NOT_WITH_AMENDS = ['instrument', 'partner', 'parentCaseId', 'validFrom', 'validUntil'] as const;

/** Stages of a renewal that no longer counts (it will never renew the agreement). */
const DEAD_RENEWAL_STAGES = ['rejected', 'withdrawn'];

class Stale extends NothingToDo {}

type Changes = Partial<Record<AmendableField, unknown>>;

/**
 * Addenda and renewals of an agreement (contract §10). An addendum is a case of its own (`amendment@1`,
 * kind `amendment`, parent = the agreement); when it is signed, the step writes an `amend` timer on the
 * agreement (after-signing.ts), and this service's timer action applies it: one `AMENDED` step on the
 * agreement's chain with every changed field old → new, the register's and the case row's new values and
 * the timer settled, all in that step's transaction. A renewal is a new cooperation case (kind `renewal`)
 * prefilled from the agreement, through the whole procedure.
 */
@Injectable()
export class AmendmentsService implements OnModuleInit {
  private readonly logger = new Logger('Amendments');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TimerActions) private readonly actions: TimerActions,
  ) {}

  onModuleInit(): void {
    this.actions.register('amend', (timer) => this.apply(timer));
  }

  /**
   * `POST /api/cases {amends, title, changes, scopeChanged?, requiresDprdApproval?}`: opens an addendum
   * of an agreement in force, by the agreement's own proposer (another's is 404, as an unknown id).
   */
  async open(actor: Actor, body: CreateCaseDto): Promise<CaseDto> {
    const agreementId = body.amends!;
    const sent = NOT_WITH_AMENDS.find((k) => body[k] !== undefined);
    if (sent) throw invalid(sent, 'not sent with amends: an addendum takes its partner, instrument and parent from the agreement, and its new term from changes');
    const changes = (body.changes ?? {}) as Changes;
    const given = AMENDABLE_FIELDS.filter((k) => changes[k] !== undefined);
    if (given.length === 0) throw invalid('changes', `give at least one of ${AMENDABLE_FIELDS.join(', ')}`);
    const { c } = await this.agreementOf(actor, agreementId);
    if (c.proposerId !== actor.id) throw notFound('agreement', agreementId);
    const status = agreementStatus(c, this.today());
    if (status !== 'in_force') {
      throw new DomainError('InvalidTransition', `agreement ${c.number} is ${status}: only an agreement in force is amended`, { status, allowedEvents: [] });
    }
    const validUntil = changes.validUntil as string | undefined;
    if (validUntil !== undefined && c.validFrom !== null && validUntil <= c.validFrom) throw invalid('changes.validUntil', `must be after the agreement's validFrom ${c.validFrom}`);
    const workflow = newestWorkflow(AMENDMENT_WORKFLOW)!;
    const requiresDprdApproval = body.requiresDprdApproval ?? false;
    const scopeChanged = body.scopeChanged ?? false;
    const requested = normalise(changes);
    const { case: row, tasks } = await this.engine.start({
      actor,
      workflow: { name: workflow.name, version: workflow.version },
      fields: {
        title: body.title.trim(),
        instrument: c.instrument,
        partnerName: c.partnerName,
        partnerCategory: c.partnerCategory,
        partnerCountry: c.partnerCountry,
        summary: body.summary ?? null,
        requiresDprdApproval,
        parentCaseId: c.id,
        kind: 'amendment',
        validFrom: null,
        validUntil: null,
        proposerId: actor.id,
      },
      input: { proposerId: actor.id, amends: c.id, instrument: c.instrument, partnerCategory: c.partnerCategory, requiresDprdApproval, scopeChanged, changes: requested },
    });
    return toCaseDto(row, tasks);
  }

  /**
   * `POST /api/agreements/:id/renew` (the agreement's proposer, or the secretariat): a new case of the
   * newest cooperation version, kind `renewal`, parent = the agreement, prefilled from it; its proposer is
   * the agreement's proposer (who drafts and submits it), whoever opened it. Only an agreement in force or
   * expired (not terminated), and only one renewal at a time (409 while another is open or signed).
   */
  async renew(actor: Actor, id: string, body: RenewAgreementDto): Promise<CaseDto> {
    if (!hasRole(actor, 'proposer', 'secretariat')) throw forbidden('renewing needs one of the roles: proposer, secretariat');
    const { c } = await this.agreementOf(actor, id);
    const status = agreementStatus(c, this.today());
    if (status === 'terminated') throw new DomainError('InvalidTransition', `agreement ${c.number} is terminated: a terminated agreement is not renewed`, { status, allowedEvents: [] });
    const other = await this.db.read((em) => em.find<CaseRow>(CASE, { where: { parentCaseId: id, kind: 'renewal' }, select: { id: true, number: true, stage: true } }));
    const live = other.find((r) => !DEAD_RENEWAL_STAGES.includes(r.stage));
    if (live) throw new DomainError('InvalidTransition', `agreement ${c.number} already has a renewal, ${live.number} (${live.stage})`, { status, renewal: live.id, allowedEvents: [] });
    const validFrom = body.validFrom ?? null;
    if (validFrom && body.validUntil && body.validUntil <= validFrom) throw invalid('validUntil', 'must be after validFrom');
    const workflow = newestWorkflow(RENEWAL_WORKFLOW)!;
    // As startOf (cases.service.ts) builds a proposal's, from the agreement; not imported from there, which imports this service.
    const fields = {
      title: (body.title ?? c.title).trim(),
      instrument: c.instrument,
      partnerName: c.partnerName,
      partnerCategory: c.partnerCategory,
      partnerCountry: c.partnerCountry,
      summary: c.summary,
      requiresDprdApproval: c.requiresDprdApproval,
      parentCaseId: c.id,
      kind: 'renewal' as const,
      validFrom,
      validUntil: body.validUntil ?? null,
      // The partner's contact person carries on; the urusan, OPDs and value come from the register entry at signing (register-entry.ts).
      proposal: c.proposal?.contact ? { fields: [], opds: [], value: null, contact: { ...c.proposal.contact } } : null,
      proposerId: c.proposerId,
    };
    const input = {
      proposerId: c.proposerId,
      instrument: c.instrument,
      partnerCategory: c.partnerCategory,
      requiresDprdApproval: c.requiresDprdApproval,
      allowedInstruments: INSTRUMENT_RULES[c.partnerCategory as PartnerCategory],
    };
    const { case: row, tasks } = await this.engine.start({ actor, fields, input, workflow: { name: workflow.name, version: workflow.version } });
    return toCaseDto(row, tasks);
  }

  /**
   * The `amend` timer (after-signing.ts): the agreement takes its signed addendum's changes, as one
   * `AMENDED` step on its chain. Exactly once: the timer is read in the step and settled in it, guarded,
   * so a duplicated or reconciled job finds it fired and does nothing.
   */
  async apply(timer: TimerRow): Promise<void> {
    try {
      await this.engine.step({
        caseId: timer.caseId,
        actor: SYSTEM_ACTOR,
        load: async (_current, read) => ({
          current: await read.findOneBy<TimerRow>(TIMER, { id: timer.id }),
          amendment: await read.findOneBy<CaseRow>(CASE, { id: timer.offset }),
          entry: await read.findOneBy<AgreementRow>(AGREEMENT, { id: timer.caseId }),
        }),
        plan: ({ row, now }, { current, amendment, entry }) => {
          if (!current || current.status !== 'pending') throw new Stale();
          if (!amendment || !entry || amendment.parentCaseId !== row.id) throw notFound('addendum', timer.offset);
          const requested = (amendment.snapshot.context.changes ?? {}) as Changes;
          const before: Record<AmendableField, unknown> = {
            validUntil: row.validUntil,
            summary: row.summary,
            value: entry.value,
            fields: entry.fields,
            opds: entry.opds,
          };
          const changes: Record<string, { from: unknown; to: unknown }> = {};
          for (const k of AMENDABLE_FIELDS) {
            if (requested[k] === undefined || sameJson(before[k], requested[k])) continue;
            changes[k] = { from: before[k], to: requested[k] };
          }
          const onEntry: Partial<AgreementRow> = {};
          const onCase: Partial<CaseRow> = {};
          if (changes.value) onEntry.value = changes.value.to as AgreementRow['value'];
          if (changes.fields) onEntry.fields = changes.fields.to as string[];
          if (changes.opds) onEntry.opds = changes.opds.to as string[];
          if (changes.validUntil) onCase.validUntil = changes.validUntil.to as string;
          if (changes.summary) onCase.summary = changes.summary.to as string;
          return {
            type: AMENDED,
            machineEvent: null,
            data: { amendmentId: amendment.id, amendmentNumber: amendment.number, timerId: timer.id, changes },
            writes: [
              // The register lists the addendum even when it changed nothing that was not already so.
              { kind: 'update', entity: AGREEMENT, set: { ...onEntry, updatedAt: now }, where: { id: row.id }, expect: 1, what: `agreement ${row.id}` },
              // validUntil and summary are the case row's, not the machine's: its context holds neither, so it stays as it is.
              ...(Object.keys(onCase).length ? [{ kind: 'update' as const, entity: CASE, set: onCase, where: { id: row.id }, expect: 1, what: `case ${row.id}` }] : []),
              { kind: 'update', entity: TIMER, set: { status: 'fired', settledAt: now }, where: { id: timer.id, status: 'pending' }, expect: 1, what: `timer ${timer.id}` },
            ],
          };
        },
      });
    } catch (err) {
      if (err instanceof Stale) return;
      if (err instanceof DomainError && err.code === 'NotFound') {
        this.logger.warn(`amend timer ${timer.id} of agreement ${timer.caseId}: ${err.message}; cancelled`);
        await this.db.transaction((em) => em.update(TIMER, { id: timer.id, status: 'pending' }, { status: 'cancelled', settledAt: this.clock.now() }));
        return;
      }
      throw err;
    }
  }

  /** An agreement (its case and register entry) the actor may see; else 404, as an unknown id. */
  private async agreementOf(actor: Actor, id: string): Promise<{ c: CaseRow; a: AgreementRow }> {
    const found = await this.db.read(async (em) => {
      const c = await em.findOneBy<CaseRow>(CASE, { id });
      if (!c || !canSeeCase(actor, c)) return null;
      const a = await em.findOneBy<AgreementRow>(AGREEMENT, { id });
      return a ? { c, a } : null;
    });
    if (!found) throw notFound('agreement', id);
    return found;
  }

  private today(): string {
    return dateIn(this.clock.now(), this.config.timezone);
  }
}

/** The requested changes as the register keeps them: trimmed, lists de-duplicated, a value's source null when absent. */
function normalise(changes: Changes): Changes {
  const out: Changes = {};
  const names = (xs: string[]) => [...new Set(xs.map((x) => x.trim()))];
  if (changes.validUntil !== undefined) out.validUntil = changes.validUntil;
  if (changes.summary !== undefined) out.summary = (changes.summary as string).trim();
  if (changes.value !== undefined) {
    const v = changes.value as { amount: number; currency: string; source?: string | null };
    out.value = { amount: v.amount, currency: v.currency, source: v.source?.trim() || null };
  }
  if (changes.fields !== undefined) out.fields = names(changes.fields as string[]);
  if (changes.opds !== undefined) out.opds = names(changes.opds as string[]);
  return out;
}
