import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { In } from 'typeorm';
import { canonicalJson } from '../common/canonical-json.js';
import { Clock } from '../common/clock.js';
import { DomainError, invalid, notFound } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, CASE_EVENT, CHECKPOINT, SETTING } from '../database/entities.js';
import type { CaseEventRow, CaseRow, CheckpointRow, SettingRow } from '../database/rows.js';
import type { Problem } from './audit.service.js';
import { leafHash, merkleRoot } from './merkle.js';

/** What an auditor keeps outside the database: small, signed by this installation. */
export interface CheckpointFile {
  format: 'onegate-checkpoint/1';
  installation: string;
  id: string;
  createdAt: string;
  root: string;
  cases: number;
  events: number;
  signature: string;
}

/**
 * Merkle checkpoints over every case's chain head (as transparency logs do). A kept checkpoint proves
 * that every event it covered is still there, unchanged and in order — even after a rewrite that
 * recomputed every hash, since the covered heads would no longer hash to the kept root.
 */
@Injectable()
export class CheckpointsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Periodic checkpoints run where background work runs (worker and all roles). */
  onApplicationBootstrap(): void {
    if (this.config.checkpointHours <= 0 || this.config.role === 'cli' || (this.config.redisUrl && this.config.role === 'api')) return;
    const tick = () => void this.checkpointIfDue().catch((err) => this.logger.warn(`periodic checkpoint failed: ${(err as Error).message}`));
    this.timer = setInterval(tick, Math.min(this.config.checkpointHours * 3_600_000, 3_600_000));
    this.timer.unref();
    tick();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async checkpointIfDue(): Promise<CheckpointFile | null> {
    const last = await this.db.read((em) => em.findOne<CheckpointRow>(CHECKPOINT, { where: {}, order: { createdAt: 'DESC' }, select: { id: true, createdAt: true } }));
    if (last && this.clock.now().getTime() - last.createdAt.getTime() < this.config.checkpointHours * 3_600_000) return null;
    const file = await this.create();
    this.logger.log(`checkpoint ${file.id}: ${file.cases} cases, ${file.events} events, root ${file.root.slice(0, 16)}…`);
    return file;
  }

  async create(): Promise<CheckpointFile> {
    const installation = await this.installation();
    const row = await this.db.transaction(async (em) => {
      const heads = await em.find<CaseRow>(CASE, { select: { id: true, version: true, headHash: true }, order: { id: 'ASC' } });
      const leaves = heads.map((c) => [c.id, c.version, leafHash(c.id, c.version, c.headHash)] as [string, number, string]);
      const checkpoint: CheckpointRow = {
        id: randomUUID(),
        createdAt: this.clock.now(),
        root: merkleRoot(leaves.map((l) => l[2])),
        cases: leaves.length,
        events: leaves.reduce((n, l) => n + l[1], 0),
        leaves,
        signature: '',
      };
      checkpoint.signature = this.sign(installation, checkpoint);
      await em.insert(CHECKPOINT, checkpoint);
      return checkpoint;
    });
    return this.toFile(installation, row);
  }

  async list(): Promise<Omit<CheckpointFile, 'format' | 'installation' | 'signature'>[]> {
    const rows = await this.db.read((em) => em.find<CheckpointRow>(CHECKPOINT, { select: { id: true, createdAt: true, root: true, cases: true, events: true }, order: { createdAt: 'DESC' }, take: 500 }));
    return rows.map((r) => ({ id: r.id, createdAt: r.createdAt.toISOString(), root: r.root, cases: r.cases, events: r.events }));
  }

  async file(id: string): Promise<CheckpointFile> {
    const row = await this.db.read((em) => em.findOneBy<CheckpointRow>(CHECKPOINT, { id }));
    if (!row) throw notFound('checkpoint', id);
    return this.toFile(await this.installation(), row);
  }

  /**
   * Checks the events against a checkpoint: by id (the stored one) or a kept file (its root and
   * signature are the trusted part). Reports each covered case whose head changed, and a stored
   * checkpoint that no longer reproduces the kept root.
   */
  async verifyAgainst(checkpoint: string | unknown): Promise<{ checkpoint: string; problems: Problem[]; eventsCovered: number }> {
    const installation = await this.installation();
    let kept: CheckpointFile;
    if (typeof checkpoint === 'string') {
      kept = await this.file(checkpoint);
    } else {
      kept = this.parseFile(checkpoint, installation);
    }
    const stored = await this.db.read((em) => em.findOneBy<CheckpointRow>(CHECKPOINT, { id: kept.id }));
    const problems: Problem[] = [];
    if (!stored) {
      return { checkpoint: kept.id, eventsCovered: kept.events, problems: [{ caseId: '*', seq: 0, kind: 'checkpoint_mismatch', detail: 'the checkpoint is missing from the database' }] };
    }
    if (merkleRoot(stored.leaves.map((l) => l[2])) !== kept.root || stored.cases !== kept.cases || stored.events !== kept.events) {
      problems.push({ caseId: '*', seq: 0, kind: 'checkpoint_mismatch', detail: 'the stored checkpoint no longer reproduces the kept root' });
    }
    for (let i = 0; i < stored.leaves.length; i += 500) {
      const batch = stored.leaves.slice(i, i + 500);
      const { events, cases } = await this.db.read(async (em) => ({
        events: await em.find<CaseEventRow>(CASE_EVENT, { where: batch.map(([caseId, seq]) => ({ caseId, seq })), select: { caseId: true, seq: true, hash: true } }),
        cases: await em.find<CaseRow>(CASE, { where: { id: In(batch.map((l) => l[0])) }, select: { id: true } }),
      }));
      const byKey = new Map(events.map((e) => [`${e.caseId}#${e.seq}`, e.hash]));
      const known = new Set(cases.map((c) => c.id));
      for (const [caseId, seq, leaf] of batch) {
        const hash = byKey.get(`${caseId}#${seq}`);
        if (!known.has(caseId)) problems.push({ caseId, seq: 0, kind: 'checkpoint_mismatch', detail: 'a case the checkpoint covered is gone' });
        if (hash === undefined) problems.push({ caseId, seq, kind: 'checkpoint_mismatch', detail: 'the event the checkpoint covered is gone' });
        else if (leafHash(caseId, seq, hash) !== leaf) problems.push({ caseId, seq, kind: 'checkpoint_mismatch', detail: 'the event the checkpoint covered was rewritten' });
      }
    }
    return { checkpoint: kept.id, eventsCovered: kept.events, problems };
  }

  private parseFile(value: unknown, installation: string): CheckpointFile {
    const f = value as Partial<CheckpointFile> | null;
    if (!f || typeof f !== 'object' || f.format !== 'onegate-checkpoint/1') throw invalid('checkpoint', 'not an onegate checkpoint file (format onegate-checkpoint/1)');
    for (const key of ['installation', 'id', 'createdAt', 'root', 'signature'] as const) {
      if (typeof f[key] !== 'string') throw invalid(`checkpoint.${key}`, 'missing or not a string');
    }
    if (!Number.isInteger(f.cases) || !Number.isInteger(f.events)) throw invalid('checkpoint.cases', 'cases and events must be integers');
    if (f.installation !== installation) throw invalid('checkpoint.installation', 'this checkpoint comes from another installation');
    const expected = this.sign(installation, { id: f.id!, createdAt: new Date(f.createdAt!), root: f.root!, cases: f.cases!, events: f.events! });
    const a = Buffer.from(expected, 'hex');
    const b = Buffer.from(String(f.signature), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new DomainError('ValidationFailed', 'checkpoint.signature: does not match; the file was altered or not issued here', { field: 'checkpoint.signature' });
    return f as CheckpointFile;
  }

  private toFile(installation: string, r: CheckpointRow): CheckpointFile {
    return { format: 'onegate-checkpoint/1', installation, id: r.id, createdAt: r.createdAt.toISOString(), root: r.root, cases: r.cases, events: r.events, signature: r.signature };
  }

  private sign(installation: string, r: Pick<CheckpointRow, 'id' | 'createdAt' | 'root' | 'cases' | 'events'>): string {
    const key = `onegate-checkpoint:${this.config.jwtSecret ?? installation}`;
    return createHmac('sha256', key)
      .update(canonicalJson({ installation, id: r.id, createdAt: r.createdAt.toISOString(), root: r.root, cases: r.cases, events: r.events }))
      .digest('hex');
  }

  /** A random id made once per installation, so a checkpoint from elsewhere is told apart. */
  async installation(): Promise<string> {
    const found = await this.db.read((em) => em.findOneBy<SettingRow>(SETTING, { key: 'installation' }));
    if (found) return found.value;
    return this.db.transaction(async (em) => {
      const again = await em.findOneBy<SettingRow>(SETTING, { key: 'installation' });
      if (again) return again.value;
      const value = randomUUID();
      await em.insert(SETTING, { key: 'installation', value });
      return value;
    });
  }
}
