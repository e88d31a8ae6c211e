import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Database, openReaders } from './database.js';

/**
 * The app's database: TypeORM's DataSource built by `@nestjs/typeorm` from the configuration (the
 * options `Database.open` uses too), the migrations run on it at boot, and our `Database` over it
 * (transactions, the embedded file's mutex, the hand-written tables), the one thing exported.
 * TypeOrmModule closes the data source when the app shuts down; this module, the read-only pool.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // A database that cannot be reached stops the start at once, with its own error, as it always has:
      // no ten silent retries three seconds apart (the library's default) before saying so.
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), toRetry: () => false }),
    }),
  ],
  providers: [
    {
      provide: Database,
      inject: [DataSource, AppConfig],
      useFactory: async (dataSource: DataSource, config: AppConfig): Promise<Database> => {
        const db = Database.over(dataSource, await openReaders(config.database));
        await db.migrate();
        return db;
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** TypeOrmModule closes the main data source; the read-only pool is ours. */
  async onApplicationShutdown(): Promise<void> {
    await this.db.closeReaders();
  }
}
