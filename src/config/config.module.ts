import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './app-config.js';

/**
 * The validated configuration (`loadConfig()`, or a test's), injected as `AppConfig`. Global, and the
 * only global module of ours besides ClockModule: it builds no object but the value it is handed, has no
 * imports, and every feature reads it; the value exists only when the app is built (AppModule.forRoot),
 * after the feature modules' static `imports` were written, so they could not name a configured instance.
 */
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, global: true, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
