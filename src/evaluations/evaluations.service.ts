import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { ConcurrentWrite, DomainError, NothingToDo, notFound } from '../common/errors.js';
import { canSeeCase } from '../cases/case-visibility.js';
import { addDays, agreementStatus } from '../agreements/agreement-status.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { AGREEMENT, CASE, TIMER } from '../database/entities.js';
import type { AgreementRow, CaseRow, TimerRow } from '../database/rows.js';
import { TimerActions } from '../deadlines/timer-actions.js';
import { dateIn } from '../common/time-zone.js';
import { Engine, type StepResult, type StepWrite } from '../engine/engine.js';
import { loadEvaluations, toEvaluationDto, type EvaluationDto, type EvaluationListDto } from './evaluation-list.js';
import { periodOfOffset } from './evaluation-schedule.js';

/** The workflow an evaluation runs on (contract §10). */
export const EVALUATION_WORKFLOW = { name: 'evaluation', version: 1 } as const;
/** The event that ends an open evaluation of an agreement that ended. */
export const EVALUATION_CANCELLED = 'EVALUATION_CANCELLED';

class Stale extends NothingToDo {}

/**
 * Monitoring and evaluation of agreements (contract §10): opens an evaluation when its `evaluation_due`
 * timer fires (or when the secretariat asks), cancels one on a `cancel_evaluation` timer, and lists them.
 * An evaluation is an ordinary case of workflow `evaluation`, kind `evaluation`, its parent the agreement,
 * so its steps are events on its own chain, verified and replayed like any other.
 */
@Injectable()
export class EvaluationsService implements OnModuleInit {
  private readonly logger = new Logger('Evaluations');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(TimerActions) private readonly actions: TimerActions,
  ) {}

  onModuleInit(): void {
    this.actions.register('evaluation_due', (timer) => this.openDue(timer));
    this.actions.register('cancel_evaluation', (timer) => this.cancel(timer));
  }

  today(): string {
    return dateIn(this.clock.now(), this.config.timezone);
  }

  async list(actor: Actor, agreementId: string): Promise<EvaluationListDto> {
    const items = await this.db.read(async (em) => {
      await this.visibleAgreement(em, actor, agreementId);
      return loadEvaluations(em, agreementId);
    });
    return { items, total: items.length };
  }

  /** `POST /api/agreements/:id/evaluations`: one now, for the period since the last one (or the term's start) to today. */
  async openNow(actor: Actor, agreementId: string): Promise<EvaluationDto> {
    const today = this.today();
    const { agreement, lastTo, underWay } = await this.db.read(async (em) => {
      const agreement = await this.visibleAgreement(em, actor, agreementId);
      const evaluations = await loadEvaluations(em, agreementId);
      return { agreement, lastTo: lastEvaluatedTo(evaluations), underWay: evaluations.find((e) => e.status === 'open') };
    });
    if (agreementStatus(agreement, today) !== 'in_force') {
      throw new DomainError('InvalidTransition', `agreement ${agreementId} is not in force: only an agreement in force is evaluated`, { stage: agreement.stage });
    }
    // One at a time: a second would ask the proposer for the same report twice.
    if (underWay) throw new DomainError('InvalidTransition', `evaluation ${underWay.number} of this agreement is under way: conclude it first`, { evaluationId: underWay.id });
    const start = lastTo ? addDays(lastTo, 1) : (agreement.validFrom ?? today);
    const from = start > today ? today : start;
    const step = await this.open(actor, agreement, { from, to: today }, 'now', []);
    return toEvaluationDto(step.case, step.openTasks[0] ?? null);
  }

  /**
   * An `evaluation_due` timer fired: the evaluation opens, the timer settled in its transaction, guarded.
   * A second firing (a duplicate job, a job re-queued by reconciliation after Redis lost it) finds the
   * timer settled: the guard refuses, the new case is rolled back, nothing is created twice.
   */
  private async openDue(timer: TimerRow): Promise<void> {
    const agreement = await this.db.read((em) => em.findOneBy<CaseRow>(CASE, { id: timer.caseId }));
    const today = this.today();
    if (!agreement || agreementStatus(agreement, today) !== 'in_force') {
      // The agreement ended before its evaluation fell due (its ending cancels these; this is the belt).
      await this.db.transaction((em) => em.update(TIMER, { id: timer.id, status: 'pending' }, { status: 'cancelled', settledAt: this.clock.now() }));
      return;
    }
    // Several periods found due at once (history loaded by demo or import, a long outage): only the latest
    // opens, the older are superseded, as deadlines found past give one catch-up rather than a storm.
    const later = await this.db.read((em) =>
      em
        .createQueryBuilder<TimerRow>(TIMER, 't')
        .where('t.case_id = :caseId', { caseId: timer.caseId })
        .andWhere(`t.kind = 'evaluation_due'`)
        .andWhere(`t.status = 'pending'`)
        .andWhere('t.fire_at <= :now', { now: this.clock.now() })
        .andWhere('t.fire_at > :at', { at: timer.fireAt })
        .getCount(),
    );
    if (later > 0) {
      await this.db.transaction((em) => em.update(TIMER, { id: timer.id, status: 'pending' }, { status: 'cancelled', settledAt: this.clock.now() }));
      return;
    }
    const planned = periodOfOffset(timer.offset);
    // An evaluation opened meanwhile (the secretariat's, POST) covered the period's start: this one begins after it,
    // or, when it covered the whole period, is superseded.
    const lastTo = await this.db.read(async (em) => lastEvaluatedTo(await loadEvaluations(em, agreement.id)));
    const period = lastTo && lastTo >= planned.from ? { ...planned, from: addDays(lastTo, 1) } : planned;
    if (period.from > period.to) {
      await this.db.transaction((em) => em.update(TIMER, { id: timer.id, status: 'pending' }, { status: 'cancelled', settledAt: this.clock.now() }));
      return;
    }
    const settle: StepWrite = { kind: 'update', entity: TIMER, set: { status: 'fired', settledAt: this.clock.now() }, where: { id: timer.id, status: 'pending' }, expect: 1, what: `timer ${timer.id}` };
    try {
      const step = await this.open(SYSTEM_ACTOR, agreement, { from: period.from, to: period.to }, period.key, [settle]);
      this.logger.log(`evaluation ${step.case.number} of agreement ${agreement.number} (${period.key}) opened`);
    } catch (err) {
      if (!(err instanceof ConcurrentWrite)) throw err;
      // Settled by another firing: done. Otherwise (a database conflict) the job runs again.
      const now = await this.db.read((em) => em.findOneBy<TimerRow>(TIMER, { id: timer.id }));
      if (now?.status === 'pending') throw err;
    }
  }

  private async open(actor: Actor, agreement: CaseRow, period: { from: string; to: string }, key: string, writes: StepWrite[]): Promise<StepResult> {
    const entry = await this.db.read((em) => em.findOneBy<AgreementRow>(AGREEMENT, { id: agreement.id }));
    const label = key === 'end' ? 'akhir masa berlaku' : key === 'now' ? `${dayName(period.from)} s.d. ${dayName(period.to)}` : semesterName(key);
    return this.engine.start({
      actor,
      workflow: EVALUATION_WORKFLOW,
      fields: {
        title: `Evaluasi ${label} — ${agreement.title}`.slice(0, 300),
        instrument: agreement.instrument,
        partnerName: agreement.partnerName,
        partnerCategory: agreement.partnerCategory,
        partnerCountry: agreement.partnerCountry,
        summary: `Monitoring dan evaluasi perjanjian ${entry?.number ?? agreement.number}, periode ${dayName(period.from)} s.d. ${dayName(period.to)}`,
        requiresDprdApproval: false,
        parentCaseId: agreement.id,
        kind: 'evaluation',
        validFrom: null,
        validUntil: null,
        proposerId: agreement.proposerId,
      },
      input: { agreementId: agreement.id, proposerId: agreement.proposerId, period },
      writes,
    });
  }

  /** A `cancel_evaluation` timer (an agreement that ended) on an evaluation's case: CANCEL, the timer settled with it. */
  private async cancel(timer: TimerRow): Promise<void> {
    try {
      await this.engine.step({
        caseId: timer.caseId,
        actor: SYSTEM_ACTOR,
        load: async (_c, read) => read.findOneBy<TimerRow>(TIMER, { id: timer.id }),
        plan: ({ now }, current) => {
          if (!current || current.status !== 'pending') throw new Stale();
          // After the step's effects, which cancel the case's pending timers as it ends, this one among them.
          return { type: EVALUATION_CANCELLED, machineEvent: { type: 'CANCEL' }, data: { timerId: timer.id, reason: timer.offset }, writes: [{ kind: 'update', entity: TIMER, set: { status: 'fired', settledAt: now }, where: { id: timer.id } }] };
        },
      });
    } catch (err) {
      if (err instanceof Stale) return;
      if (err instanceof DomainError && (err.code === 'InvalidTransition' || err.code === 'NotFound')) {
        await this.db.transaction((em) => em.update(TIMER, { id: timer.id, status: 'pending' }, { status: 'cancelled', settledAt: this.clock.now() }));
        return;
      }
      throw err;
    }
  }

  private async visibleAgreement(em: import('typeorm').EntityManager, actor: Actor, id: string): Promise<CaseRow> {
    const c = await em.findOneBy<CaseRow>(CASE, { id });
    const registered = c && canSeeCase(actor, c) ? await em.existsBy(AGREEMENT, { id }) : false;
    if (!c || !registered) throw notFound('agreement', id);
    return c;
  }
}

/** The end of the agreement's last evaluation that was opened (not cancelled), or null. */
function lastEvaluatedTo(evaluations: EvaluationDto[]): string | null {
  return evaluations.filter((e) => e.status !== 'scheduled' && e.status !== 'cancelled').reduce<string | null>((m, e) => (m === null || e.period.to > m ? e.period.to : m), null);
}

const DAY_NAME = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A calendar date as a clerk writes it in a title: `2026-06-30` → "30 Juni 2026" (never ISO to a person). */
function dayName(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return DAY_NAME.format(new Date(Date.UTC(y, m - 1, d)));
}

/** A half-year period's key as its name: `2027-1` → "semester I 2027". */
function semesterName(key: string): string {
  const [year, half] = key.split('-');
  return `semester ${half === '1' ? 'I' : 'II'} ${year}`;
}
