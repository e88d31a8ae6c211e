import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsIn, IsObject, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { KNOWN } from '../../workflows/registry.js';
import { USER_ID_PATTERN } from '../directory/user.dto.js';

/** Decisions a task takes: the procedure's, and `resubmit` of the proposer's revision task. */
export const TASK_DECISIONS: readonly string[] = [...KNOWN.decisions, 'resubmit'];

export class CompleteTaskDto {
  @ApiProperty({ enum: TASK_DECISIONS, description: '`sign` replaces `approve` at mayor_signature; technical reviewers approve or revise; the proposer\'s revision task takes `resubmit`' })
  @IsIn(TASK_DECISIONS)
  decision: string;

  @ApiPropertyOptional({
    description: 'With sign at mayor_signature when ONEGATE_SIGNING is local or bsre, required: the passphrase of the signer\'s certificate (or BSrE TOTP). Used for this signature only: never stored, logged or echoed',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  passphrase?: string;

  @ApiPropertyOptional({ description: 'Required for revise and reject' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;

  @ApiPropertyOptional({
    description: 'Administrative check only, with approve: the technical reviewers to assign (one task each). Default: one task for the role.',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(USER_ID_PATTERN, { each: true })
  reviewers?: string[];

  @ApiPropertyOptional({ description: "Intake of a partner's offer (cooperation@3) with approve, required: the user id of the OPD proposer who carries the case on; they become its proposer" })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN, { message: 'assignee must be a user id' })
  assignee?: string;

  // What an evaluation's decisions carry (contract §10); its workflow checks them (checkDecisionInput), naming the field of a 400.
  @ApiPropertyOptional({ description: 'evaluation_report with submit: `{progress: 0–100, outputs, problems?}`' })
  @IsOptional()
  @IsObject()
  report?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'evaluation_conclusion with approve: 1–5', type: Number })
  @Allow()
  rating?: unknown;

  @ApiPropertyOptional({ description: 'evaluation_conclusion with approve: continue, extend, improve or terminate', type: String })
  @Allow()
  recommendation?: unknown;
}

export class DelegateTaskDto {
  @ApiProperty({ description: 'A directory user holding the task’s role' })
  @IsString()
  @Matches(USER_ID_PATTERN)
  userId: string;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ enum: ['open', 'completed'], description: 'open (default): the inbox; completed: the history view, newest completion first' })
  @IsOptional()
  @IsIn(['open', 'completed'])
  status?: 'open' | 'completed';

  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ description: 'At most this many tasks (1–500, default 500)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'History view only: the `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
