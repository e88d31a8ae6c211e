import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

/** `Idempotency-Key` on every mutating call: the interceptor, on every route. */
@Module({
  imports: [DatabaseModule],
  providers: [{ provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
})
export class IdempotencyModule {}
