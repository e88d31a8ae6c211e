import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from './errors.js';

/** Flattens class-validator errors to `field.path: reason` lines. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => ({
      field,
      message: m.replace(/^property (\S+) should not exist$/, 'unknown field, not allowed').replace(new RegExp(`^${e.property} `), ''),
    }));
    return [...own, ...describeValidationErrors(e.children ?? [], field)];
  });
}

/** Strict validation: unknown fields are refused, every failing field is named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
