import { plainToInstance } from 'class-transformer';
import { CreateCaseDto } from '../cases/case.dto.js';
import { CompleteTaskDto } from '../tasks/task.dto.js';
import { createValidationPipe, firstUnknownProperty, hasVisibleText } from './validation.js';

const validCase = { title: 'KB sampah', instrument: 'kb', partner: { name: 'Kabupaten Tebo', category: 'region' } };

describe('firstUnknownProperty', () => {
  it('names the first field a DTO does not declare, nested DTOs included, and nothing for a valid body', () => {
    expect(firstUnknownProperty(plainToInstance(CreateCaseDto, validCase))).toBeNull();
    expect(firstUnknownProperty(plainToInstance(CreateCaseDto, { ...validCase, isAdmin: true }))).toBe('isAdmin');
    expect(firstUnknownProperty(plainToInstance(CreateCaseDto, { ...validCase, partner: { ...validCase.partner, npwp: '1' } }))).toBe('partner.npwp');
    expect(firstUnknownProperty(plainToInstance(CompleteTaskDto, { decision: 'approve', reviewers: ['a'] }))).toBeNull();
  });
});

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const body = { type: 'body' as const, metatype: CreateCaseDto, data: '' };

  it('refuses many unknown fields with one error naming the first, without a class-validator error for each', async () => {
    const wide = { ...validCase, ...Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, 1])) };
    const err = await pipe.transform(wide, body).then(
      () => null,
      (e: unknown) => e as { message: string; details: Record<string, unknown> },
    );
    expect(err?.message).toBe('f0: unknown field, not allowed');
    expect(err?.details).toEqual({ field: 'f0' });
  });

  it('still names every failing declared field', async () => {
    const err = await pipe.transform({ ...validCase, title: '', instrument: 'x' }, body).then(
      () => null,
      (e: unknown) => e as { details: { fields: { field: string }[] } },
    );
    expect(err?.details.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['title', 'instrument']));
  });

  it('refuses a blank or invisible title and partner name, naming the field', async () => {
    for (const [title, name] of [['   ', 'ok'], ['\u200b\u200b', 'ok'], ['ok', '\u2060'], ['ok', '\u00a0\u3000']]) {
      const err = await pipe.transform({ ...validCase, title, partner: { ...validCase.partner, name } }, body).then(
        () => null,
        (e: unknown) => e as { details: { field: string } },
      );
      expect(err?.details.field).toBe(title === 'ok' ? 'partner.name' : 'title');
    }
  });
});

describe('hasVisibleText', () => {
  it.each(['', ' ', '\t\n', '\u00a0', '\u200b\u200b', '\u2060', '\ufeff', '\u3000', '\u200e\u200f', '\u3164', '\u2800', '\u00ad'])('refuses %j', (s) => {
    expect(hasVisibleText(s)).toBe(false);
  });
  it.each(['KB', ' a ', '\u200bx', '👩‍👩‍👧', 'مرحبا', '漢字'])('takes %j', (s) => {
    expect(hasVisibleText(s)).toBe(true);
  });
  it('refuses what is not a string', () => {
    expect(hasVisibleText(undefined)).toBe(false);
    expect(hasVisibleText(3)).toBe(false);
  });
});
