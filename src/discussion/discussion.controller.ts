import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { PostCommentDto, type CommentDto } from './comment.dto.js';
import { DiscussionService } from './discussion.service.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases/:id/comments')
export class DiscussionController {
  constructor(@Inject(DiscussionService) private readonly discussion: DiscussionService) {}

  @Get()
  @Roles('any')
  @ApiOperation({ summary: "A case's discussion", description: 'Whoever may see the case (another proposer\'s case is 404); oldest first, each on the case or on one of its documents.' })
  list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<{ items: CommentDto[] }> {
    return this.discussion.list(actor, id);
  }

  @Post()
  @Roles('any')
  @ApiOperation({
    summary: 'Comment on a case or one of its documents',
    description: 'The case\'s proposer and the reviewing desks (secretariat, technical_reviewer, tkksd, tkksd_chair, legal, dprd, mayor); a COMMENTED event on the case\'s chain. 409 once the case has ended.',
  })
  post(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: PostCommentDto): Promise<CommentDto> {
    return this.discussion.post(actor, id, body);
  }
}
