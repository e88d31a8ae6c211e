import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { HasVisibleText, MAX_INT } from '../common/validation.js';

/** The longest comment: a page of text, as a task's comment. */
export const MAX_COMMENT_LENGTH = 5000;

/** `POST /api/cases/:id/comments`: a comment on the case, or on one of its documents. */
export class PostCommentDto {
  @ApiProperty({ example: 'Pasal 4 perlu menyebut sumber dana.', maxLength: MAX_COMMENT_LENGTH, description: 'Not blank: spaces, NBSP and zero-width characters alone are refused' })
  @IsString()
  @IsNotEmpty()
  @HasVisibleText()
  @MaxLength(MAX_COMMENT_LENGTH)
  body: string;

  @ApiPropertyOptional({ description: 'A document of this case the comment is about; left out (or null): on the case as a whole', nullable: true })
  @IsOptional()
  @IsUUID(undefined, { message: 'documentId must be the id of a document of this case' })
  documentId?: string | null;

  @ApiPropertyOptional({ description: 'Refuse with 409 unless the case is at this version' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  expectedVersion?: number;
}

export interface CommentDto {
  id: string;
  author: { id: string; name: string; role: string };
  body: string;
  documentId: string | null;
  createdAt: string;
}
