import { Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';

/**
 * The app's time: the system clock, or the one a test or `onegate demo` hands in (a SettableClock).
 * Global for the reason ConfigModule is: it provides only the value it is given, imports nothing, and
 * the value is chosen when the app is built, after the feature modules' imports were written.
 */
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return { module: ClockModule, global: true, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
