import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const HALVES = [1, 2] as const;
export const SEMESTER_FORMATS = ['json', 'xlsx', 'pdf'] as const;
export type SemesterFormat = (typeof SEMESTER_FORMATS)[number];

/** `POST /api/reports/semester`: that the half-yearly report went out. */
export class SemesterSentBody {
  @IsDefined()
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  /** 1 = January–June, 2 = July–December. */
  @IsDefined()
  @IsIn(HALVES)
  half: 1 | 2;

  /** Whom it went to, e.g. "Gubernur Jambi c.q. Biro Pemerintahan" or "Menteri Dalam Negeri c.q. Ditjen Bina Adwil". */
  @IsDefined()
  @IsString()
  @MaxLength(300)
  sentTo: string;

  /** The cover letter's number, e.g. "100.4.7/123/Setda-KS/2026". */
  @IsDefined()
  @IsString()
  @MaxLength(100)
  letterNumber: string;

  /** When it went out: an ISO 8601 date-time, or a date (that day in the city). */
  @IsDefined()
  @IsString()
  @IsISO8601({ strict: true })
  sentAt: string;
}

export class SemesterSentQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @IsOptional()
  @Type(() => Number)
  @IsIn(HALVES)
  half?: 1 | 2;
}

export class SemesterReportQuery {
  @IsDefined()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;

  @IsDefined()
  @Type(() => Number)
  @IsIn(HALVES)
  half: 1 | 2;

  @IsOptional()
  @IsIn(SEMESTER_FORMATS)
  format?: SemesterFormat;
}
