import { Inject, Injectable } from '@nestjs/common';
import { Brackets, In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { Role } from '../../workflows/domain.js';
import type { TaskStageRule } from '../../workflows/registry.js';

import { hasRole, type Actor } from '../common/actor.js';
import { hasVisibleText } from '../common/validation.js';
import { DomainError, NothingToDo, forbidden, invalid, notFound } from '../common/errors.js';
import { Clock } from '../common/clock.js';
import { Database } from '../database/database.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import { CASE, TASK } from '../database/entities.js';
import type { CaseRow, TaskRow, UserRow } from '../database/rows.js';
import { UserRepository } from '../directory/user.repository.js';
import { SigningService } from '../signing/signing.service.js';
import { Engine, type LoadedCase, type StepPlan, type StepReader, type StepResult } from '../engine/engine.js';
import { taskWorkingDays, toCaseDto, toTaskDto, type CaseDto, type TaskDto } from '../cases/case.dto.js';
import { canSeeCase, visibleProposer } from '../cases/case-visibility.js';
import type { CompleteTaskDto, ListTasksQuery } from './task.dto.js';
import { REVISION_TASK } from './revision-task.js';

/** The stage where partners' offers from `/public/offers` wait for the secretariat (cooperation@3). */
const OFFER_INTAKE_STAGE = 'intake';

/** Use cases of a task: list the inbox, claim, unclaim, delegate, complete. */
@Injectable()
export class TasksService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(WorkingCalendar) private readonly calendar: WorkingCalendar,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(SigningService) private readonly signing: SigningService,
  ) {}

  /**
   * Open tasks the caller may act on (assigned to them, or unassigned for a role they hold), oldest
   * first; or, with `status=completed`, the history view (see `completedPage`).
   */
  async list(actor: Actor, query: ListTasksQuery): Promise<{ items: TaskDto[]; total: number; totalCapped?: boolean; nextCursor?: string | null }> {
    if (query.cursor !== undefined && query.status !== 'completed') throw invalid('cursor', 'pages only the history view (status=completed)');
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : null;
    return this.db.read(async (em) => {
      const roles = actor.roles.length ? actor.roles : ['-'];
      const limit = query.limit ?? 500;
      let page: { tasks: TaskRow[]; total: number; totalCapped?: boolean; nextCursor?: string | null };
      if (query.status === 'completed') {
        page = await this.completedPage(em, actor, roles, query.caseId, limit, after);
      } else {
        const open = (offers: boolean) => {
          const qb = em.createQueryBuilder<TaskRow>(TASK, 't');
          qb.where('t.status = :status', { status: 'open' }).andWhere(
            new Brackets((w) =>
              w.where('t.assignee_id = :me', { me: actor.id }).orWhere(new Brackets((x) => x.where('t.assignee_id IS NULL').andWhere('t.role IN (:...roles)', { roles }))),
            ),
          );
          qb.andWhere(offers ? 't.stage = :intake' : 't.stage <> :intake', { intake: OFFER_INTAKE_STAGE });
          if (query.caseId) qb.andWhere('t.case_id = :caseId', { caseId: query.caseId });
          onVisibleCases(qb, actor);
          return qb.orderBy('t.created_at', 'ASC').addOrderBy('t.key', 'ASC');
        };
        // Open work does not grow with the archive: every match is counted. Offers from the public wait in a
        // group of their own after the rest, so a flood of them never pushes other work off the page (contract §11).
        const [work, workTotal] = await open(false).take(limit).getManyAndCount();
        const room = limit - work.length;
        const [offers, offersTotal] = room > 0 ? await open(true).take(room).getManyAndCount() : [[], await open(true).getCount()];
        page = { tasks: [...work, ...offers], total: workTotal + offersTotal };
      }
      const { tasks, ...rest } = page;
      const cases = tasks.length ? await em.findBy<CaseRow>(CASE, { id: In([...new Set(tasks.map((t) => t.caseId))]) }) : [];
      const byId = new Map(cases.map((c) => [c.id, c]));
      const now = this.clock.now();
      const items = tasks.map((t) => ({ ...toTaskDto(t, byId.get(t.caseId)), ...taskWorkingDays(t, this.calendar, now), ...(t.stage === OFFER_INTAKE_STAGE && t.status === 'open' ? { group: 'offers' as const } : {}) }));
      return { items, ...rest };
    });
  }

  /**
   * The history view: tasks the caller completed or that were completed in one of their roles, newest
   * completion first, a page at a time. Its cost must not grow with the archive, so each source (the
   * caller's own completions, each role's) is read in index order from the page's cursor, at most a
   * page each, and merged here; and the total is counted only up to HISTORY_COUNT_CAP.
   */
  private async completedPage(em: EntityManager, actor: Actor, roles: string[], caseId: string | undefined, limit: number, after: Cursor | null) {
    const sources: [string, Record<string, unknown>][] = [['t.completed_by = :me', { me: actor.id }], ...actor.roles.map((role, i): [string, Record<string, unknown>] => [`t.role = :role${i}`, { [`role${i}`]: role }])];
    const pages = await Promise.all(
      sources.map(([where, params]) => {
        // The literal status lets both databases use the partial indexes on completed tasks.
        const qb = em.createQueryBuilder<TaskRow>(TASK, 't').where(`t.status = 'completed'`).andWhere(where, params);
        if (caseId) qb.andWhere('t.case_id = :caseId', { caseId });
        onVisibleCases(qb, actor);
        if (after) qb.andWhere(new Brackets((w) => w.where('t.completed_at < :at', { at: after.at }).orWhere(new Brackets((x) => x.where('t.completed_at = :at', { at: after.at }).andWhere('t.id < :id', { id: after.id })))));
        return qb.orderBy('t.completed_at', 'DESC').addOrderBy('t.id', 'DESC').take(limit + 1).getMany();
      }),
    );
    const merged = [...new Map(pages.flat().map((t) => [t.id, t])).values()].sort(newestFirst);
    const tasks = merged.slice(0, limit);
    const last = tasks[tasks.length - 1];
    const nextCursor = merged.length > limit && last ? encodeCursor(last) : null;
    const counted = em
      .createQueryBuilder<TaskRow>(TASK, 't')
      .select('1')
      .where(`t.status = 'completed'`)
      .andWhere(new Brackets((w) => w.where('t.completed_by = :me', { me: actor.id }).orWhere('t.role IN (:...roles)', { roles })));
    if (caseId) counted.andWhere('t.case_id = :caseId', { caseId });
    onVisibleCases(counted, actor);
    const [sql, params] = counted.limit(HISTORY_COUNT_CAP + 1).getQueryAndParameters();
    const [{ n }] = await em.query(`SELECT COUNT(*) AS n FROM (${sql}) capped`, params);
    const total = Number(n);
    return { tasks, total: Math.min(total, HISTORY_COUNT_CAP), totalCapped: total > HISTORY_COUNT_CAP, nextCursor };
  }

  /**
   * One task with its case's number, title and stage: where a message's `/tasks/<id>` link lands. A
   * task of a case the actor may not see (case-visibility.ts) is 404, as an unknown id.
   */
  async get(actor: Actor, taskId: string): Promise<TaskDto> {
    const found = await this.db.read(async (em) => {
      const task = await em.findOneBy<TaskRow>(TASK, { id: taskId });
      return task ? { task, c: await em.findOneBy<CaseRow>(CASE, { id: task.caseId }) } : null;
    });
    if (!found?.c || !canSeeCase(actor, found.c)) throw notFound('task', taskId);
    return toTaskDto(found.task, found.c);
  }

  async claim(actor: Actor, taskId: string): Promise<TaskDto> {
    return this.actOnTask(actor, taskId, (task) => {
      staysWithProposer(task);
      this.requireRole(actor, task);
      if (task.assigneeId === actor.id) return null;
      if (task.assigneeId) throw new DomainError('TaskClaimedByAnother', `task ${task.id} is claimed by ${task.assigneeId}`, { assigneeId: task.assigneeId });
      return { type: 'TASK_CLAIMED', machineEvent: { type: 'CLAIM', taskKey: task.key, userId: actor.id }, data: { taskId: task.id } };
    });
  }

  async unclaim(actor: Actor, taskId: string): Promise<TaskDto> {
    return this.actOnTask(actor, taskId, (task) => {
      staysWithProposer(task);
      if (!task.assigneeId) throw new DomainError('InvalidTransition', `task ${task.id} is not claimed`, { allowedEvents: ['claim'] });
      if (task.assigneeId !== actor.id && !hasRole(actor, 'admin')) {
        throw new DomainError('NotYourTask', `task ${task.id} is claimed by ${task.assigneeId}; only they or an admin may unclaim it`);
      }
      return { type: 'TASK_UNCLAIMED', machineEvent: { type: 'UNCLAIM', taskKey: task.key }, data: { taskId: task.id, previousAssignee: task.assigneeId } };
    });
  }

  async delegate(actor: Actor, taskId: string, userId: string): Promise<TaskDto> {
    const load = (read: StepReader) => this.users.byId(read, userId);
    return this.actOnTask(actor, taskId, (task, _current, user) => {
      staysWithProposer(task);
      const mayDelegate = task.assigneeId === actor.id || hasRole(actor, 'admin') || (task.assigneeId === null && actor.roles.includes(task.role as Role));
      if (!mayDelegate) {
        if (!actor.roles.includes(task.role as Role)) this.requireRole(actor, task);
        throw new DomainError('TaskClaimedByAnother', `task ${task.id} is claimed by ${task.assigneeId}`, { assigneeId: task.assigneeId });
      }
      if (!user) throw invalid('userId', `no user ${userId} in the directory`);
      if (!user.active) throw invalid('userId', `${userId} is deactivated`);
      if (!user.roles.includes(task.role)) throw invalid('userId', `${userId} does not hold the role ${task.role}`);
      if (task.assigneeId === userId) return null;
      return { type: 'TASK_DELEGATED', machineEvent: { type: 'DELEGATE', taskKey: task.key, userId }, data: { taskId: task.id, from: task.assigneeId, to: userId } };
    }, load);
  }

  async complete(actor: Actor, taskId: string, body: CompleteTaskDto): Promise<{ task: TaskDto; case: CaseDto }> {
    // Signed here (ONEGATE_SIGNING local or bsre): the draft is signed and stored as the `signed` copy
    // first, which the decision then requires as it requires an uploaded one (contract §12).
    if (body.decision === 'sign' && this.signing.signsHere) await this.signing.signForTask(actor, taskId, body.passphrase);
    else if (body.passphrase !== undefined) throw invalid('passphrase', body.decision === 'sign' ? 'not taken: signing is by uploaded signed copy (ONEGATE_SIGNING=upload)' : 'only sign takes a passphrase');
    // The reviewers and the assignee named, read in the step (a deactivation that lands first is seen).
    const named = [...(body.reviewers ?? []), ...(body.assignee !== undefined ? [body.assignee] : [])];
    const load = named.length ? (read: StepReader) => this.users.byIds(read, named) : null;
    const { task, step } = await this.act(actor, taskId, (task, { snapshot, workflow }, users: UserRow[] = []) => {
      if (task.stage === REVISION_TASK.stage) return resubmitPlan(actor, task, body);
      const rule = workflow.taskStageRules[task.stage];
      if (!rule) throw new DomainError('InvalidTransition', `${workflow.name}@${workflow.version} has no task stage ${task.stage}`, { stage: task.stage });
      if (task.assigneeId !== actor.id) {
        this.requireRole(actor, task);
        if (task.assigneeId) throw new DomainError('TaskClaimedByAnother', `task ${task.id} is claimed by ${task.assigneeId}`, { assigneeId: task.assigneeId });
      }
      const decision = body.decision;
      if (decision === 'resubmit' || !rule.decisions.includes(decision)) throw invalid('decision', `${task.stage} takes ${rule.decisions.join(', ')}`);
      // A comment of spaces or zero-width characters alone says nothing: as good as none.
      const comment = hasVisibleText(body.comment) ? body.comment.trim() : null;
      if (rule.commentRequired.includes(decision) && !comment) throw invalid('comment', `a ${body.decision} needs a comment`);
      const reviewers = body.reviewers ?? [];
      if (body.reviewers !== undefined && !(task.stage === 'administrative_check' && body.decision === 'approve')) {
        throw invalid('reviewers', 'only the administrative check assigns technical reviewers, when it approves');
      }
      if (reviewers.length) {
        for (const id of reviewers) {
          const u = users.find((x) => x.id === id);
          if (!u) throw invalid('reviewers', `no user ${id} in the directory`);
          if (!u.active) throw invalid('reviewers', `${id} is deactivated`);
          if (!u.roles.includes('technical_reviewer')) throw invalid('reviewers', `${id} is not a technical_reviewer`);
        }
      }
      const assignee = checkAssignee(task.stage, rule, decision, body.assignee, users);
      // What the decision carries besides (an evaluation's report, rating): its workflow checks it; one without a check takes none.
      const carried = decisionInput(body);
      const refused = workflow.checkDecisionInput
        ? workflow.checkDecisionInput(task.stage, decision, carried)
        : Object.keys(carried).map((field) => ({ field, message: `${task.stage} takes no ${field}` }))[0] ?? null;
      if (refused) throw invalid(refused.field, refused.message);
      // The decision is taken on the documents the case holds now: record their versions with it.
      const held = snapshot.context.documents as Record<string, { version: number }> | undefined;
      const documents = held ? Object.fromEntries(Object.entries(held).map(([kind, d]) => [kind, d.version])) : undefined;
      return {
        type: 'TASK_COMPLETED',
        machineEvent: { type: 'DECIDE', taskKey: task.key, decision: body.decision, ...(reviewers.length ? { reviewers } : {}), ...(assignee ? { assignee } : {}), ...carried },
        data: { taskId: task.id, stage: task.stage, decision: body.decision, comment, ...(assignee ? { assignee } : {}), ...(documents ? { documents } : {}), ...carried },
        completion: { taskKey: task.key, decision: body.decision, comment },
      };
    }, load);
    // A completion always changes the case, so the step is there.
    return { task: toTaskDto(task, undefined, step!.case), case: toCaseDto(step!.case, step!.openTasks) };
  }

  /**
   * Loads the task (and, with `load`, what the decision needs besides), lets `decide` check it, and
   * records the event. Returns the task after the step and the step itself (null when the request asked
   * for what was already so).
   */
  private async act<Loaded>(
    actor: Actor,
    taskId: string,
    decide: (task: TaskRow, current: LoadedCase, loaded?: Loaded) => StepPlan | null,
    load?: ((read: StepReader) => Promise<Loaded>) | null,
  ): Promise<{ task: TaskRow; step: StepResult | null }> {
    // The task is read in the step's own query, with its case, so its state matches the case version
    // the step is guarded by.
    let found: TaskRow | undefined;
    try {
      const step = await this.engine.step<Loaded | undefined>({
        caseId: '',
        taskId,
        actor,
        ...(load ? { load: (_current: LoadedCase, read: StepReader) => load(read) } : {}),
        plan: (current, loaded) => {
          const task = current.task!;
          // A task of a case the caller may not see is as unknown as a task that does not exist.
          if (!canSeeCase(actor, current.row)) throw notFound('task', taskId);
          found = task;
          if (task.status !== 'open') throw new DomainError('TaskAlreadyCompleted', `task ${taskId} is already ${task.status}`, { taskStatus: task.status });
          const plan = decide({ ...task }, current, loaded);
          if (!plan) throw new NoChange();
          return plan;
        },
      });
      return { task: step.tasks.find((t) => t.id === taskId) ?? found!, step };
    } catch (err) {
      if (!(err instanceof NoChange)) throw err;
      return { task: found!, step: null };
    }
  }

  private async actOnTask<Loaded>(
    actor: Actor,
    taskId: string,
    decide: (task: TaskRow, current: LoadedCase, loaded?: Loaded) => StepPlan | null,
    load?: (read: StepReader) => Promise<Loaded>,
  ): Promise<TaskDto> {
    const { task, step } = await this.act(actor, taskId, decide, load);
    return toTaskDto(task, undefined, step?.case);
  }

  private requireRole(actor: Actor, task: TaskRow): void {
    if (!actor.roles.includes(task.role as Role)) throw forbidden(`task ${task.id} is for the role ${task.role}`);
  }
}

/** Keeps a task query to the cases the actor may see (a proposer's own: case-visibility.ts). */
function onVisibleCases(qb: SelectQueryBuilder<TaskRow>, actor: Actor): void {
  const proposer = visibleProposer(actor);
  if (proposer !== null) qb.andWhere('t.case_id IN (SELECT v.id FROM cases v WHERE v.proposer_id = :visibleProposer)', { visibleProposer: proposer });
}

/** A revision task is the case's proposer's own: nobody claims, releases or delegates it. */
function staysWithProposer(task: TaskRow): void {
  if (task.stage === REVISION_TASK.stage) {
    throw new DomainError('InvalidTransition', `task ${task.id} is the proposer's revision: it is not claimed, released or delegated`, { stage: task.stage, allowedEvents: ['resubmit'] });
  }
}

/**
 * The user a decision hands the case to (an offer's intake approved to an OPD proposer, cooperation@3):
 * required with the stage's `assignee` decision, refused with any other; a directory user, active, holding
 * the rule's role. 400 naming `assignee` otherwise.
 */
function checkAssignee(stage: string, rule: TaskStageRule, decision: string, assignee: string | undefined, users: UserRow[]): string | null {
  const names = rule.assignee;
  if (!names || names.decision !== decision) {
    if (assignee !== undefined) throw invalid('assignee', names ? `only ${names.decision} at ${stage} names an assignee` : `${stage} names no assignee`);
    return null;
  }
  if (!assignee) throw invalid('assignee', `required: ${decision} at ${stage} names the ${names.role} who carries the case on`);
  const user = users.find((u) => u.id === assignee);
  if (!user) throw invalid('assignee', `no user ${assignee} in the directory`);
  if (!user.active) throw invalid('assignee', `${assignee} is deactivated`);
  if (!user.roles.includes(names.role)) throw invalid('assignee', `${assignee} is not a ${names.role}`);
  return assignee;
}

/** The fields of a decision beyond decision, comment and reviewers, as sent (an evaluation's). */
function decisionInput(body: CompleteTaskDto): Record<string, unknown> {
  const { report, rating, recommendation } = body;
  return { ...(report !== undefined ? { report } : {}), ...(rating !== undefined ? { rating } : {}), ...(recommendation !== undefined ? { recommendation } : {}) };
}

/** The proposer's revision task: `resubmit` is the case's RESUBMIT event (contract §8). */
function resubmitPlan(actor: Actor, task: TaskRow, body: CompleteTaskDto): StepPlan {
  if (task.assigneeId !== actor.id) throw forbidden(`task ${task.id} is the revision of the case's proposer (${task.assigneeId})`);
  if (body.decision !== 'resubmit') throw invalid('decision', 'a revision task takes resubmit');
  if (body.reviewers !== undefined) throw invalid('reviewers', 'only the administrative check assigns technical reviewers, when it approves');
  const comment = body.comment?.trim() || null;
  return { type: 'RESUBMIT', machineEvent: { type: 'RESUBMIT' }, data: { comment, taskId: task.id, decision: 'resubmit' } };
}

/** Thrown to leave a step without writing, when the request asks for what is already so. */
class NoChange extends NothingToDo {}

/** The history view counts at most this many matches (`totalCapped` says it stopped there). */
const HISTORY_COUNT_CAP = 1_000;

interface Cursor {
  at: Date;
  id: string;
}

function newestFirst(a: TaskRow, b: TaskRow): number {
  const d = (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0);
  return d !== 0 ? d : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The last task of a page, as an opaque token: its completion instant and id. */
function encodeCursor(t: TaskRow): string {
  return Buffer.from(`${t.completedAt!.toISOString()}|${t.id}`).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  const [at, id, extra] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString() !== at || !id || !/^[0-9a-f-]{36}$/.test(id) || extra !== undefined) {
    throw invalid('cursor', 'is not a cursor this server gave (use nextCursor of the previous page)');
  }
  return { at: date, id };
}
