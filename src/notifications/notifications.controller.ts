import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DeliveryService, type NotificationDto } from './delivery.service.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/cases')
export class NotificationsController {
  constructor(
    @Inject(DeliveryService) private readonly deliveries: DeliveryService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  /** The messages sent (or still being tried) for a case, each with its channel (`email`, `whatsapp`): reminders, escalations, news, expiry reminders. */
  @Get(':id/notifications')
  @Roles('any')
  async list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<NotificationDto[]> {
    await this.audit.assertCanSeeRecord(actor, id);
    return this.deliveries.listForCase(id);
  }
}
