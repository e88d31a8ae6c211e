import { ValidationPipe, applyDecorators, type ValidationError } from '@nestjs/common';
import { IsISO8601, Matches, ValidateBy, getMetadataStorage, type ValidationArguments, type ValidationOptions, type ValidatorOptions } from 'class-validator';
import { DomainError, invalid } from './errors.js';

/** The largest integer a query or body may carry where it meets an `integer` column (PostgreSQL int4). */
export const MAX_INT = 2_147_483_647;

/** Flattens class-validator errors to `field.path: reason` lines. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => ({
      field,
      message: m.replace(/^property (\S+) should not exist$/, 'unknown field, not allowed').replace(new RegExp(`^${escapeRegExp(e.property)} `), ''),
    }));
    return [...own, ...describeValidationErrors(e.children ?? [], field)];
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The properties a DTO class declares (any class-validator decorator), cached per class. */
type Constructor = abstract new (...args: never[]) => unknown;
const declared = new Map<Constructor, Set<string>>();

function declaredProperties(cls: Constructor): Set<string> | null {
  let found = declared.get(cls);
  if (!found) {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    found = new Set(metadatas.map((m) => m.propertyName));
    declared.set(cls, found);
  }
  return found.size ? found : null;
}

/**
 * The first property of `value` (or of a nested DTO within it) that its class does not declare, as
 * `field.path`; null when there is none. Checked before class-validator runs: with `forbidNonWhitelisted`
 * it builds one error per unknown field, and 60,000 of them froze the event loop for seconds (issue 15).
 */
export function firstUnknownProperty(value: unknown, path = ''): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstUnknownProperty(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const allowed = declaredProperties(value.constructor as Constructor);
  if (!allowed) return null; // a plain object (`@IsObject()` field): its content is the use case's to check
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    // Nest puts the class on an instance it could not build as `constructor` (a primitive stand-in).
    if (key === 'constructor' && typeof child === 'function') continue;
    const field = path ? `${path}.${key}` : key;
    if (!allowed.has(key)) return field;
    const nested = firstUnknownProperty(child, field);
    if (nested) return nested;
  }
  return null;
}

/**
 * Text a person can see: not empty, and not only whitespace (NBSP, ideographic space…), format
 * characters (zero-width space, word joiner, BOM, bidi controls), controls or blank fillers.
 */
export function hasVisibleText(value: unknown): value is string {
  return typeof value === 'string' && !/^[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u034f\u115f\u1160\u2800\u3164\uffa0\ufe00-\ufe0f]*$/u.test(value);
}

/** A required human text field (a title, a name): refuses blank and zero-width-only strings. */
export function HasVisibleText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasVisibleText',
      validator: {
        validate: (value: unknown) => hasVisibleText(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must not be blank or only invisible characters`,
      },
    },
    options,
  );
}

/** A local date `YYYY-MM-DD` that is on the calendar (not `2027-02-30`); each failure names the field. */
export function IsDateOnly(): PropertyDecorator {
  return applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: (args: ValidationArguments) => `${args.property} must be a date YYYY-MM-DD` }),
    IsISO8601({ strict: true }, { message: (args: ValidationArguments) => `${args.property} must be a real calendar date` }),
  ) as PropertyDecorator;
}

/** Strict validation: the first unknown field is refused by name before validating; every failing field is named. */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => {
        const details = describeValidationErrors(errors);
        return new DomainError('ValidationFailed', details.map((d) => `${d.field}: ${d.message}`).join('; ') || 'invalid body', {
          field: details[0]?.field,
          fields: details,
        });
      },
    });
  }

  protected override validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    const unknown = firstUnknownProperty(object);
    if (unknown) throw invalid(unknown, 'unknown field, not allowed');
    return super.validate(object, validatorOptions);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe();
}
