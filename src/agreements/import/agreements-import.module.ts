import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements.module.js';
import { AgreementsImportController } from './agreements-import.controller.js';

/** The legacy import (contract §9): the file read and checked here, the agreements created by the register's AgreementsService. */
@Module({
  imports: [AgreementsModule],
  controllers: [AgreementsImportController],
})
export class AgreementsImportModule {}
