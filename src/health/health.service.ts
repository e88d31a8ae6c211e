import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** The database's part of `/api/health`: which one, and whether it answers. */
@Injectable()
export class HealthService {
  constructor(@Inject(Database) private readonly db: Database) {}

  async database(): Promise<{ kind: 'postgres' | 'sqlite'; status: 'ok' | 'down' }> {
    const ok = await this.db.ping();
    return { kind: this.db.dialect === 'postgres' ? 'postgres' : 'sqlite', status: ok ? 'ok' : 'down' };
  }
}
