import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { Instrument, PartnerCategory } from '../../workflows/domain.js';
import { DEFAULT_WORKFLOW, newestWorkflow, type WorkflowDefinition } from '../../workflows/registry.js';
import type { Actor } from '../common/actor.js';
import { sameJson } from '../common/canonical-json.js';
import { Clock } from '../common/clock.js';
import { NothingToDo, invalid, notFound } from '../common/errors.js';
import { dateIn, zonedInstant } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { AGREEMENT, CASE, CASE_EVENT, TIMER } from '../database/entities.js';
import type { AgreementRow, CaseEventRow, CaseRow, TimerRow } from '../database/rows.js';
import { DeadlinePlanner } from '../deadlines/deadline-planner.js';
import { EvaluationSchedule } from '../evaluations/evaluation-schedule.js';
import { Engine, type ImportedCase } from '../engine/engine.js';
import { startOf } from '../cases/cases.service.js';
import { visibleProposer, canSeeCase } from '../cases/case-visibility.js';
import { addDays, EXPIRING_WITHIN_DAYS, REGISTER_STAGES, stagesOf, TERMINATE_EVENT } from './agreement-status.js';
import { groundsOf, missingOf, REGISTER_FIELDS, toAgreementDto, type AgreementDto, type Termination, type ListAgreementsQuery, type RegisterField, type UpdateAgreementDto } from './agreement.dto.js';
import { checkImportRow } from './import-check.js';
import type { ImportResult, ImportRow, RowSource } from './import-row.js';
import { workflowEntry } from './register-entry.js';

/** The event a register update records on the agreement's chain. */
export const REGISTER_UPDATED = 'REGISTER_UPDATED';

/** Filters of the register's lists (staff, export and public). */
export type AgreementFilters = Omit<ListAgreementsQuery, 'limit' | 'offset'>;

/** An agreement as a list item; `missing` only when the list was asked for incomplete entries. */
export type AgreementListItem = AgreementDto & { missing?: string[] };

/** Rows per multi-row INSERT of an import (under both databases' limits on bound parameters). */
const CHUNK = 500;

class NoChange extends NothingToDo {}

/**
 * The register of agreements (contract §9): every case that reached its workflow's in-force stage and
 * every agreement imported from before onegate, under its case's id. Its status is derived on the city's
 * calendar; its own fields change only through the engine (a `REGISTER_UPDATED` event on the case's chain).
 */
@Injectable()
export class AgreementsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Agreements');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DeadlinePlanner) private readonly planner: DeadlinePlanner,
    @Inject(EvaluationSchedule) private readonly evaluations: EvaluationSchedule,
  ) {}

  /** Enters any case signed before the register existed (an installation upgraded to it); does nothing once done. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.db.transaction(async (em) => {
        const missing = await em
          .createQueryBuilder<CaseRow>(CASE, 'c')
          .leftJoin(AGREEMENT, 'a', 'a.id = c.id')
          .where('c.signed_at IS NOT NULL AND a.id IS NULL')
          .getMany();
        const rows = missing.map((c) => workflowEntry(c, c.signedAt!, this.config.timezone));
        for (let i = 0; i < rows.length; i += CHUNK) await this.db.raw<AgreementRow>(AGREEMENT).insert(em, rows.slice(i, i + CHUNK));
        if (rows.length) this.logger.log(`entered ${rows.length} signed case(s) in the register of agreements`);
      });
    } catch (err) {
      // Another process entered them at the same moment; its rows are the same.
      this.logger.warn(`register backfill skipped: ${(err as Error).message}`);
    }
  }

  /** The city's calendar date now (ONEGATE_TIMEZONE): what status is derived against. */
  today(): string {
    return dateIn(this.clock.now(), this.config.timezone);
  }

  /** The city's date of the register's last change (an entry made or updated), or today for an empty register: the catalogue's `dct:modified`. */
  async lastModified(): Promise<string> {
    const rows = await this.db.read((em) => em.createQueryBuilder<AgreementRow>(AGREEMENT, 'a').select('a.updatedAt').orderBy('a.updatedAt', 'DESC').take(1).getMany());
    return rows[0] ? dateIn(rows[0].updatedAt, this.config.timezone) : this.today();
  }

  /** The register as the actor may see it (a proposer: their own cases' agreements), newest signed first. */
  async list(actor: Actor | null, query: ListAgreementsQuery): Promise<{ items: AgreementListItem[]; total: number; limit: number; offset: number }> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const today = this.today();
    return this.db.read(async (em) => {
      const qb = this.filtered(em, actor, query, today);
      const total = await qb.getCount();
      const items = await this.page(em, qb, today, query.incomplete === true, { limit, offset });
      return { items, total, limit, offset };
    });
  }

  /** Every entry matching the filters, for an export (no page). */
  async all(actor: Actor | null, query: AgreementFilters): Promise<AgreementListItem[]> {
    const today = this.today();
    return this.db.read((em) => this.page(em, this.filtered(em, actor, query, today), today, query.incomplete === true, null));
  }

  /** One entry; an agreement the actor may not see (another proposer's) is 404, as an unknown id. */
  async get(actor: Actor, id: string): Promise<AgreementDto> {
    const found = await this.db.read(async (em) => {
      const c = await em.findOneBy<CaseRow>(CASE, { id });
      const a = c && canSeeCase(actor, c) ? await em.findOneBy<AgreementRow>(AGREEMENT, { id }) : null;
      return c && a ? { a, c } : null;
    });
    if (!found) throw notFound('agreement', id);
    const terminations = await this.db.read((em) => this.terminations(em, [found.c]));
    return toAgreementDto(found.a, found.c, this.today(), terminations.get(id) ?? null);
  }

  /**
   * Changes the register's own fields, recorded as a `REGISTER_UPDATED` event (each changed field, old →
   * new) on the case's chain through the engine, in the same transaction as the entry's row. A body that
   * changes nothing records nothing and answers the entry as it is.
   */
  async update(actor: Actor, id: string, body: UpdateAgreementDto): Promise<AgreementDto> {
    const given = REGISTER_FIELDS.filter((k) => body[k] !== undefined);
    if (given.length === 0) throw invalid('body', `give at least one of ${REGISTER_FIELDS.join(', ')}`);
    const next = normalise(body, given);
    if (!(await this.db.read((em) => em.existsBy(AGREEMENT, { id })))) throw notFound('agreement', id);
    try {
      await this.engine.step({
        caseId: id,
        actor,
        expectedVersion: body.expectedVersion,
        load: async (_current, read) => ({
          entry: await read.findOneBy<AgreementRow>(AGREEMENT, { id }),
          holder: next.number !== undefined ? await read.findOne<AgreementRow>(AGREEMENT, { where: { number: next.number }, select: { id: true } }) : null,
        }),
        plan: ({ now }, { entry, holder }) => {
          if (!entry) throw notFound('agreement', id);
          if (holder && holder.id !== id) throw invalid('number', `${next.number} is already the number of another agreement`);
          const changes: Record<string, { from: unknown; to: unknown }> = {};
          const set: Partial<AgreementRow> = {};
          for (const k of given) {
            if (sameJson(entry[k], next[k])) continue;
            changes[k] = { from: entry[k], to: next[k] };
            Object.assign(set, { [k]: next[k] });
          }
          if (Object.keys(changes).length === 0) throw new NoChange();
          return {
            type: REGISTER_UPDATED,
            machineEvent: null,
            data: { changes },
            writes: [{ kind: 'update', entity: AGREEMENT, set: { ...set, updatedAt: now }, where: { id }, expect: 1, what: `agreement ${id}` }],
          };
        },
      });
    } catch (err) {
      if (!(err instanceof NoChange)) throw err;
    }
    return this.get(actor, id);
  }

  /**
   * Takes legacy agreements into the register (contract §9's import, parsed by its caller): for each row
   * whose number is not yet in the register (nor earlier in the same rows), a case of the newest workflow
   * version already in force — or expired or terminated, as the row's status or its term says — with ONE
   * `IMPORTED` event holding the file's name and sha256 and the row. All in one transaction: a row the
   * register refuses (`errors`, by row and column) creates nothing, nor does a failure. A dry run writes
   * nothing and counts what would be created. In-force agreements get their expiry and the reminders still ahead.
   */
  importRows(rows: ImportRow[], file: { name: string; sha256: string }, actor: Actor, opts: { dryRun: boolean }): Promise<ImportResult> {
    return this.importFrom(
      async (onRows) => {
        for (let i = 0; i < rows.length; i += CHUNK) await onRows(rows.slice(i, i + CHUNK));
      },
      file,
      actor,
      opts,
    );
  }

  /**
   * importRows from rows read a chunk at a time (a file parsed anew at each reading, RowSource): read once
   * to check every row and learn the numbers, once more inside the transaction to write, so an import of
   * any size holds one chunk of rows and the list of numbers, never every row.
   */
  async importFrom(source: RowSource, file: { name: string; sha256: string }, actor: Actor, opts: { dryRun: boolean }): Promise<ImportResult> {
    const errors: ImportResult['errors'] = [];
    const numbers: string[] = [];
    await source(async (chunk) => {
      for (const r of chunk) {
        errors.push(...checkImportRow(r));
        numbers.push(r.number);
      }
    });
    if (errors.length) return { rows: numbers.length, created: 0, skipped: 0, errors };
    const workflow = newestWorkflow(DEFAULT_WORKFLOW);
    const stages = workflow && stagesOf(workflow);
    if (!workflow || !stages) throw new Error(`workflow ${DEFAULT_WORKFLOW} has no in-force stage to import agreements into`);
    const today = this.today();
    const run = async (em: EntityManager) => {
      // One import at a time: two copies of a file sent at once must not both find their numbers free.
      if (this.db.dialect === 'postgres' && !opts.dryRun) await em.query(`SELECT pg_advisory_xact_lock(hashtext('onegate-agreements-import'))`);
      const inRegister = new Set<string>();
      const distinct = [...new Set(numbers)];
      for (let i = 0; i < distinct.length; i += CHUNK) {
        for (const a of await this.db.raw<AgreementRow>(AGREEMENT).selectIn(em, 'number', distinct.slice(i, i + CHUNK))) inRegister.add(a.number);
      }
      // A number is created once: not when the register holds it, nor again when it comes back later in the rows.
      const isFresh = (taken: Set<string>) => (n: string) => !taken.has(n) && (taken.add(n), true);
      const created = numbers.filter(isFresh(new Set(inRegister))).length;
      const result: ImportResult = { rows: numbers.length, created, skipped: numbers.length - created, errors: [] };
      if (opts.dryRun || created === 0) return result;
      // The second reading writes chunk by chunk inside the one transaction: what a chunk built is garbage once written.
      const fresh = isFresh(new Set(inRegister));
      await source(async (chunk) => {
        const rows = chunk.filter((r) => fresh(r.number));
        if (rows.length) await this.writeImported(em, rows, { workflow, stages, file, actor, today });
      });
      return result;
    };
    return opts.dryRun ? this.db.read(run) : this.db.transaction(run);
  }

  /** One chunk of an import: its cases and IMPORTED events (through the engine), register entries and expiry timers. */
  private async writeImported(
    em: EntityManager,
    fresh: ImportRow[],
    ctx: { workflow: WorkflowDefinition; stages: NonNullable<ReturnType<typeof stagesOf>>; file: { name: string; sha256: string }; actor: Actor; today: string },
  ): Promise<void> {
    const { workflow, stages, file, actor, today } = ctx;
    const imported: ImportedCase[] = fresh.map((r) => {
      const stage =
        r.status === 'terminated' ? stages.terminated : r.status === 'expired' || (r.validUntil !== null && r.validUntil < today) ? stages.expired : stages.inForce;
      const { fields, input } = startOf(actor.id, {
        title: r.title,
        instrument: r.instrument as Instrument,
        partner: { name: r.partner.name, category: r.partner.category as PartnerCategory, ...(r.partner.country ? { country: r.partner.country } : {}) },
        ...(r.validFrom ? { validFrom: r.validFrom } : {}),
        ...(r.validUntil ? { validUntil: r.validUntil } : {}),
      });
      return { fields, input, stage, signedAt: r.signedAt ? localMidnight(r.signedAt, this.config.timezone) : null, data: { file: { name: file.name, sha256: file.sha256 }, row: r } };
    });
    const cases = await this.engine.importCases(em, { actor, workflow, cases: imported });
    const now = this.clock.now();
    const entries: AgreementRow[] = cases.map((c, i) => {
      const r = fresh[i]!;
      return {
        id: c.id,
        number: r.number,
        partnerNumber: r.partnerNumber,
        signedAt: r.signedAt,
        signedPlace: r.signedPlace,
        signatories: [],
        fields: [...r.fields],
        opds: [...r.opds],
        value: r.value ? { amount: r.value.amount, currency: r.value.currency, source: r.value.source } : null,
        source: 'imported',
        createdAt: now,
        updatedAt: now,
      };
    });
    // Expiry and, beside it, the evaluations still ahead of its term (contract §10).
    const timers = cases.filter((c) => c.stage === stages.inForce).flatMap((c) => [...this.planner.planAgreementExpiry(c, now), ...this.evaluations.timersFor(c, now)]);
    for (let i = 0; i < entries.length; i += CHUNK) await this.db.raw<AgreementRow>(AGREEMENT).insert(em, entries.slice(i, i + CHUNK));
    // Handed to the scheduler by its reconciliation (at start and every ONEGATE_RECONCILE_SECONDS).
    for (let i = 0; i < timers.length; i += CHUNK) await this.db.raw<TimerRow>(TIMER).insert(em, timers.slice(i, i + CHUNK));
  }

  private filtered(em: EntityManager, actor: Actor | null, f: AgreementFilters, today: string): SelectQueryBuilder<AgreementRow> {
    const pg = this.db.dialect === 'postgres';
    const qb = em.createQueryBuilder<AgreementRow>(AGREEMENT, 'a').innerJoin(CASE, 'c', 'c.id = a.id');
    const proposer = actor ? visibleProposer(actor) : null;
    if (proposer !== null) qb.andWhere('c.proposer_id = :proposer', { proposer });
    const S = REGISTER_STAGES;
    const params = { inForce: S.inForce, expiredStages: S.expired, terminatedStages: S.terminated, today, soon: addDays(today, EXPIRING_WITHIN_DAYS) };
    if (f.status === 'terminated') qb.andWhere('c.stage IN (:...terminatedStages)', params);
    if (f.status === 'expired') qb.andWhere('(c.stage IN (:...expiredStages) OR (c.stage IN (:...inForce) AND c.valid_until < :today))', params);
    if (f.status === 'in_force') qb.andWhere('c.stage IN (:...inForce) AND (c.valid_until IS NULL OR c.valid_until >= :today)', params);
    if (f.status === 'expiring') qb.andWhere('c.stage IN (:...inForce) AND c.valid_until >= :today AND c.valid_until <= :soon', params);
    if (f.instrument) qb.andWhere('c.instrument = :instrument', { instrument: f.instrument });
    if (f.category) qb.andWhere('c.partner_category = :category', { category: f.category });
    if (f.year) qb.andWhere('a.signed_at >= :yearFrom AND a.signed_at <= :yearTo', { yearFrom: `${f.year}-01-01`, yearTo: `${f.year}-12-31` });
    // JSON lists: jsonb containment on PostgreSQL, json_each on SQLite.
    const contains = (column: string, param: string) =>
      pg ? `${column} @> CAST(:${param}Json AS jsonb)` : `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = :${param})`;
    if (f.field) qb.andWhere(contains('a.fields', 'field'), { field: f.field, fieldJson: JSON.stringify([f.field]) });
    if (f.opd) qb.andWhere(contains('a.opds', 'opd'), { opd: f.opd, opdJson: JSON.stringify([f.opd]) });
    if (f.q) {
      const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (m) => '\\' + m)}%`;
      qb.andWhere(
        "(LOWER(c.title) LIKE :like ESCAPE '\\' OR LOWER(c.partner_name) LIKE :like ESCAPE '\\' OR LOWER(a.number) LIKE :like ESCAPE '\\' OR LOWER(c.number) LIKE :like ESCAPE '\\' OR LOWER(COALESCE(a.partner_number, '')) LIKE :like ESCAPE '\\')",
        { like },
      );
    }
    if (f.incomplete) {
      const empty = (column: string) => (pg ? `jsonb_array_length(${column}) = 0` : `json_array_length(${column}) = 0`);
      const hasParty = (party: string) =>
        pg ? `a.signatories @> '[{"party":"${party}"}]'::jsonb` : `EXISTS (SELECT 1 FROM json_each(a.signatories) WHERE json_extract(json_each.value, '$.party') = '${party}')`;
      qb.andWhere(
        `(a.partner_number IS NULL OR a.signed_at IS NULL OR a.signed_place IS NULL OR c.valid_from IS NULL OR c.valid_until IS NULL OR ${empty('a.fields')} OR ${empty('a.opds')} OR NOT (${hasParty('city')}) OR NOT (${hasParty('partner')}))`,
      );
    }
    return qb;
  }

  /**
   * When and why each terminated agreement of `cases` ended: its case's TERMINATE event (`at` on the city's
   * calendar, and the grounds it recorded). The event, not the case's `updatedAt`, which a later register
   * update moves; an agreement imported already terminated has no such event, and no date.
   */
  private async terminations(em: EntityManager, cases: CaseRow[]): Promise<Map<string, Termination>> {
    const ids = cases.filter((c) => REGISTER_STAGES.terminated.includes(c.stage)).map((c) => c.id);
    const found = new Map<string, Termination>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const events = await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: In(ids.slice(i, i + CHUNK)), type: TERMINATE_EVENT }, select: { caseId: true, at: true, data: true } });
      for (const e of events) found.set(e.caseId, { terminatedAt: dateIn(e.at, this.config.timezone), grounds: groundsOf(e.data) });
    }
    return found;
  }

  /** The entries of `qb` (a page of them, or all), newest signed first, each with its case. */
  private async page(em: EntityManager, qb: SelectQueryBuilder<AgreementRow>, today: string, withMissing: boolean, page: { limit: number; offset: number } | null): Promise<AgreementListItem[]> {
    const ids = qb
      .clone()
      .select('a.id', 'id')
      .addSelect("COALESCE(a.signed_at, '')", 'signed_order')
      .addSelect('c.created_at', 'created_order')
      .orderBy('signed_order', 'DESC')
      .addOrderBy('created_order', 'DESC')
      .addOrderBy('a.id', 'ASC');
    if (page) ids.offset(page.offset).limit(page.limit);
    const order = (await ids.getRawMany<{ id: string }>()).map((r) => r.id);
    const entries = new Map<string, AgreementRow>();
    const cases = new Map<string, CaseRow>();
    for (let i = 0; i < order.length; i += CHUNK) {
      const part = order.slice(i, i + CHUNK);
      for (const a of await this.db.raw<AgreementRow>(AGREEMENT).selectIn(em, 'id', part)) entries.set(a.id, a);
      for (const c of await this.db.raw<CaseRow>(CASE).selectIn(em, 'id', part)) cases.set(c.id, c);
    }
    const terminations = await this.terminations(em, [...cases.values()]);
    return order.map((id) => {
      const a = entries.get(id)!;
      const c = cases.get(id)!;
      const dto = toAgreementDto(a, c, today, terminations.get(id) ?? null);
      return withMissing ? { ...dto, missing: missingOf(a, c) } : dto;
    });
  }
}

/** The body's given fields, trimmed and de-duplicated as the register keeps them. */
function normalise(body: UpdateAgreementDto, given: RegisterField[]): Partial<Pick<AgreementRow, RegisterField>> {
  const out: Partial<Pick<AgreementRow, RegisterField>> = {};
  const trimOrNull = (s: string | null | undefined) => (s === null || s === undefined ? null : s.trim());
  const names = (xs: string[]) => [...new Set(xs.map((x) => x.trim()))];
  for (const k of given) {
    if (k === 'number') out.number = body.number!.trim();
    if (k === 'partnerNumber') out.partnerNumber = trimOrNull(body.partnerNumber);
    if (k === 'signedAt') out.signedAt = body.signedAt ?? null;
    if (k === 'signedPlace') out.signedPlace = trimOrNull(body.signedPlace);
    if (k === 'signatories') out.signatories = body.signatories!.map((s) => ({ party: s.party, name: s.name.trim(), position: s.position.trim() }));
    if (k === 'fields') out.fields = names(body.fields!);
    if (k === 'opds') out.opds = names(body.opds!);
    if (k === 'value') out.value = body.value ? { amount: body.value.amount, currency: body.value.currency, source: trimOrNull(body.value.source) } : null;
  }
  return out;
}

/** 00:00 of a local calendar date in the city: an imported agreement's signing moment, when only its date is known. */
function localMidnight(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, timeZone);
}
