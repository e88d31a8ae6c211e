import { findWorkflow } from '../../workflows/registry.js';
import { caseViewKey, readStageGraph } from './workflow-graph.js';

const v2 = findWorkflow('cooperation', 2)!;
const v3 = findWorkflow('cooperation', 3)!;
const stagesOf = (initiative?: string) =>
  readStageGraph(v3, 'id', 'x', initiative ? { context: { initiative } } : undefined)
    .nodes.map((n) => n.id)
    .sort();

describe("one case's picture leaves out the ways its start rules out", () => {
  it('draws every stage of cooperation@3 without a case', () => {
    expect(stagesOf()).toEqual(expect.arrayContaining(['intake', 'awaiting_partner', 'spam', 'partner_response', 'proposal', 'legal_review']));
  });

  it("draws an OPD's proposal as version 2 draws it: no intake, no partner_response", () => {
    const v2Stages = readStageGraph(v2, 'id', 'x').nodes.map((n) => n.id).sort();
    expect(stagesOf('opd')).toEqual(v2Stages);
    const edges = readStageGraph(v3, 'id', 'x', { context: { initiative: 'opd' } }).edges;
    expect(edges.some((e) => e.steps.some(([from, to]) => from === 'tkksd_coordination' && to === 'legal_review'))).toBe(true);
  });

  it("draws the city's offer through partner_response, and TKKSD's approval goes nowhere else", () => {
    const stages = stagesOf('city');
    expect(stages).toContain('partner_response');
    expect(stages).not.toContain('intake');
    const edges = readStageGraph(v3, 'id', 'x', { context: { initiative: 'city' } }).edges;
    const fromTkksd = edges.flatMap((e) => e.steps.filter(([from, to]) => from === 'tkksd_coordination' && to !== 'revision' && to !== 'rejected' && to !== 'withdrawn').map(([, to]) => to));
    expect([...new Set(fromTkksd)]).toEqual(['partner_response']);
  });

  it("draws a partner's offer from intake, without partner_response", () => {
    const stages = stagesOf('partner');
    expect(stages).toEqual(expect.arrayContaining(['intake', 'awaiting_partner', 'spam', 'proposal']));
    expect(stages).not.toContain('partner_response');
  });

  it('keys a cached picture by what the start decides, and by nothing for a version without such guards', () => {
    expect(new Set(['opd', 'city', 'partner'].map((i) => caseViewKey(v3, { context: { initiative: i } }))).size).toBe(3);
    expect(caseViewKey(v3, undefined)).toBe('');
    expect(caseViewKey(v2, { context: { initiative: 'opd' } })).toBe('');
  });
});
