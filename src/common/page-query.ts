import { Type } from 'class-transformer';
import { MAX_INT } from './validation.js';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=&offset=` of a paged list (`{items, total}`): at most 200 a page. */
export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  offset?: number;
}
