import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OffersController } from './offers.controller.js';
import { OffersService } from './offers.service.js';

/** Partners' offers through `/public/offers` (contract §11): the form, the tracking page and its answers. */
@Module({
  imports: [DatabaseModule, CasesModule, DocumentsModule, NotificationsModule],
  controllers: [OffersController],
  providers: [OffersService],
})
export class OffersModule {}
