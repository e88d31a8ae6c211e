import { buildSemesterReport, halfDays } from './semester-report.js';
import type { SemesterAgreement } from './semester-source.js';

const meta = { year: 2030, half: 2 as const, timezone: 'Asia/Jakarta', letterhead: ['PEMERINTAH KOTA JAMBI'], generatedAt: new Date('2031-01-05T03:00:00Z'), source: 'register' as const };

function agreement(id: string, over: Partial<SemesterAgreement>): SemesterAgreement {
  return { id, number: id, title: `Kerja sama ${id}`, instrument: 'pks', category: 'third_party', partnerName: 'Mitra', fields: ['kesehatan'], signedAt: '2030-03-01', validFrom: '2030-03-01', validUntil: null, endedOn: null, evaluationsDone: [], ...over };
}

describe('buildSemesterReport', () => {
  it('knows the days of each half', () => {
    expect(halfDays(2030, 1)).toEqual({ from: '2030-01-01', to: '2030-06-30' });
    expect(halfDays(2030, 2)).toEqual({ from: '2030-07-01', to: '2030-12-31' });
  });

  it('places each agreement at the edges of the half as the README says', () => {
    const r = buildSemesterReport(
      [
        agreement('first-day', { signedAt: '2030-07-01' }), // signed on the first day, open-ended: signed and in force
        agreement('last-day', { signedAt: '2030-12-31', validFrom: '2031-01-01' }), // signed, its term begins after the half: not in force at the end
        agreement('ends-last-day', { endedOn: '2030-12-31', validUntil: '2030-12-31' }), // ends on the last day: ended, not in force at the end
        agreement('ends-next-day', { endedOn: '2031-01-01', validUntil: '2031-01-01' }), // in force at the end
        agreement('ended-before', { endedOn: '2030-06-30' }), // in no measure of this half
        agreement('after', { signedAt: '2031-01-01' }), // signed after the half: absent
        agreement('undated', { signedAt: '2030-08-01', endedUndated: true, endedOn: '2035-01-01' }), // signed only
        agreement('evaluated', { fields: [], evaluationsDone: ['2030-06-30', '2030-07-15', '2030-12-31'] }), // two evaluations in the half
      ],
      meta,
    );
    const flags = Object.fromEntries(r.agreements.map((a) => [a.id, [a.signedInHalf, a.inForceAtEnd, a.endedInHalf, a.evaluationsInHalf]]));
    expect(flags).toEqual({
      'first-day': [true, true, false, 0],
      'last-day': [true, false, false, 0],
      'ends-last-day': [false, false, true, 0],
      'ends-next-day': [false, true, false, 0],
      undated: [true, false, false, 0],
      evaluated: [false, true, false, 2],
    });
    expect([r.signed.total, r.inForceAtEnd.total, r.ended.total, r.evaluationsDone.total]).toEqual([3, 3, 1, 2]);
    expect(r.evaluationsDone.byField).toEqual({ '-': 2 });
    expect(r.inForceAtEnd.byField).toEqual({ kesehatan: 2, '-': 1 });
    // Ordered by signing date, then number.
    expect(r.agreements.map((a) => a.id)).toEqual(['ends-last-day', 'ends-next-day', 'evaluated', 'first-day', 'undated', 'last-day']);
  });

  it('counts an agreement of two fields in both, once in the totals', () => {
    const r = buildSemesterReport([agreement('two', { signedAt: '2030-09-09', fields: ['kesehatan', 'pendidikan'] })], meta);
    expect(r.signed).toEqual({ total: 1, byInstrument: { kb: 0, pks: 1, nk: 0, loi: 0 }, byCategory: { region: 0, third_party: 1, central_government: 0, foreign: 0 }, byField: { kesehatan: 1, pendidikan: 1 } });
  });
});
