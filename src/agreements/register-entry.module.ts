import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { RegisterEntryProjection } from './register-entry.js';

/** The engine's projection that enters signed cases in the register; apart from AgreementsModule, which needs the engine. */
@Module({
  providers: [{ provide: RegisterEntryProjection, inject: [AppConfig], useFactory: (config: AppConfig) => new RegisterEntryProjection(config.timezone) }],
  exports: [RegisterEntryProjection],
})
export class RegisterEntryModule {}
