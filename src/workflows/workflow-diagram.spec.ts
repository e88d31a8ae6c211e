import { and, createMachine } from 'xstate';
import { cooperationMachineV1 } from '../../workflows/cooperation/v1.machine.js';
import { FINAL_STAGES, STAGES, TASK_STAGES, TASK_STAGE_RULES } from '../../workflows/cooperation/v1.rules.js';
import { renderWorkflowSvg } from './workflow-diagram.js';

/** A tiny XML well-formedness check: balanced tags, quoted attributes, escaped text, one root. */
function wellFormednessErrors(xml: string): string[] {
  const errors: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  if (body.includes('<?')) errors.push('processing instruction after the prolog');
  const stack: string[] = [];
  let roots = 0;
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  for (const token of body.match(/<[^>]*>|[^<]+|</g) ?? []) {
    if (!token.startsWith('<')) {
      if (entity.test(token)) errors.push(`bare & in text: ${token.slice(0, 40)}`);
      if (stack.length === 0 && token.trim() !== '') errors.push(`text outside the root: ${token.slice(0, 40)}`);
      continue;
    }
    if (token === '<') {
      errors.push('unterminated tag');
      continue;
    }
    const close = /^<\/([A-Za-z_][\w.:-]*)\s*>$/.exec(token);
    if (close) {
      const open = stack.pop();
      if (open !== close[1]) errors.push(`</${close[1]}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>$/.exec(token);
    if (!open) {
      errors.push(`malformed tag: ${token.slice(0, 60)}`);
      continue;
    }
    const attrs = [...open[2]!.matchAll(/([\w.:-]+)="([^"]*)"/g)];
    const names = attrs.map((a) => a[1]);
    if (new Set(names).size !== names.length) errors.push(`duplicate attribute in ${token.slice(0, 60)}`);
    for (const a of attrs) if (entity.test(a[2]!)) errors.push(`bare & in attribute ${a[1]}`);
    if (stack.length === 0) roots++;
    if (open[3] !== '/') stack.push(open[1]!);
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) errors.push(`expected one root element, found ${roots}`);
  return errors;
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

interface DrawnEdge {
  from: string;
  to: string;
  labels: string[];
}

/** Edges as drawn: each `<g class="edge">` carries a `<title>from → to: label / label</title>`. */
function edgesOf(svg: string): DrawnEdge[] {
  return [...svg.matchAll(/<g class="edge"[^>]*><title>([^<]*)<\/title>/g)].map((m) => {
    const [, from, to, labels] = /^(\S+) \u2192 (\S+): (.*)$/.exec(unescape(m[1]!))!;
    return { from: from!, to: to!, labels: labels!.split(' / ') };
  });
}

function hasEdge(svg: string, from: string, to: string, label: RegExp): boolean {
  return edgesOf(svg).some((e) => e.from === from && e.to === to && e.labels.some((l) => label.test(l)));
}

function stageGroup(svg: string, stage: string): string {
  const m = new RegExp(`<g class="stage" id="stage-${stage}">(.*?)</g>`).exec(svg);
  if (!m) throw new Error(`no node for ${stage}`);
  return m[1]!;
}

function stageBox(svg: string, stage: string): { x: number; y: number } {
  const m = /<rect x="([\d.]+)" y="([\d.]+)"/.exec(stageGroup(svg, stage))!;
  return { x: Number(m[1]), y: Number(m[2]) };
}

describe('renderWorkflowSvg', () => {
  const svg = renderWorkflowSvg(cooperationMachineV1);

  it('the well-formedness checker itself catches broken markup', () => {
    expect(wellFormednessErrors('<svg><g></svg>')).not.toEqual([]);
    expect(wellFormednessErrors('<svg><text>a & b</text></svg>')).not.toEqual([]);
    expect(wellFormednessErrors('<svg><rect x=1/></svg>')).not.toEqual([]);
    expect(wellFormednessErrors('<svg/><svg/>')).not.toEqual([]);
    expect(wellFormednessErrors('<?xml version="1.0"?>\n<svg><g a="1"/></svg>\n')).toEqual([]);
  });

  it('is a well-formed standalone SVG document', () => {
    expect(wellFormednessErrors(svg)).toEqual([]);
    const root = /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"/.exec(svg);
    expect(root).not.toBeNull();
    const [, w, h, vw, vh] = root!.map(Number);
    expect(w).toBe(vw);
    expect(h).toBe(vh);
    expect(w).toBeGreaterThan(600);
    expect(h).toBeGreaterThan(800);
    expect(svg).toMatch(/<defs>.*<marker id="arrow-[0-9a-f]+".*<\/defs>/);
    expect(svg).toContain('font-family="sans-serif"');
    expect(svg).not.toMatch(/<script|<style|@import|xlink:href|href="http/i);
  });

  it('draws every stage as a node, task stages with their role, final stages with a double border', () => {
    const names = [...svg.matchAll(/<text class="stage-name"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect([...names].sort()).toEqual([...STAGES].sort());
    for (const stage of TASK_STAGES) {
      expect(stageGroup(svg, stage)).toContain(`>role: ${TASK_STAGE_RULES[stage].role}</text>`);
    }
    for (const stage of STAGES) {
      const rects = stageGroup(svg, stage).match(/<rect /g)!.length;
      expect([stage, rects]).toEqual([stage, FINAL_STAGES.includes(stage) ? 2 : 1]);
    }
  });

  it('lays the main line out top to bottom and the side stages in a column to the right', () => {
    const mainLine = ['proposal', ...TASK_STAGES, 'signed'];
    const ys = mainLine.map((s) => stageBox(svg, s).y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(new Set(ys).size).toBe(ys.length);
    expect(stageBox(svg, 'expired').y).toBeGreaterThan(stageBox(svg, 'signed').y);
    const mainRight = Math.max(...mainLine.map((s) => stageBox(svg, s).x));
    for (const s of ['revision', 'rejected', 'withdrawn']) expect(stageBox(svg, s).x).toBeGreaterThan(mainRight + 100);
  });

  it('labels DECIDE edges by decision and keeps the case-level events', () => {
    expect(hasEdge(svg, 'proposal', 'administrative_check', /^SUBMIT\b/)).toBe(true);
    expect(hasEdge(svg, 'legal_review', 'dprd_approval', /^approve\b/)).toBe(true);
    expect(hasEdge(svg, 'legal_review', 'mayor_signature', /^approve \[else\]$/)).toBe(true);
    expect(hasEdge(svg, 'mayor_signature', 'signed', /^sign$/)).toBe(true);
    expect(hasEdge(svg, 'administrative_check', 'revision', /^revise$/)).toBe(true);
    expect(hasEdge(svg, 'administrative_check', 'rejected', /^reject$/)).toBe(true);
    expect(hasEdge(svg, 'revision', 'administrative_check', /^RESUBMIT$/)).toBe(true);
    expect(hasEdge(svg, 'revision', 'mayor_signature', /^RESUBMIT$/)).toBe(true);
    expect(hasEdge(svg, 'signed', 'terminated', /^TERMINATE$/)).toBe(true);
    // Technical review cannot reject (TASK_STAGE_RULES), so no such edge may be drawn.
    expect(edgesOf(svg).some((e) => e.from === 'technical_review' && e.to === 'rejected')).toBe(false);
    expect(edgesOf(svg).flatMap((e) => e.labels)).not.toContain('DECIDE');
  });

  it('draws WITHDRAW as one note and leaves CLAIM/UNCLAIM/DELEGATE out of the edges', () => {
    const labels = edgesOf(svg).flatMap((e) => e.labels);
    expect(labels.filter((l) => /WITHDRAW|CLAIM|DELEGATE/.test(l))).toEqual([]);
    expect(svg.match(/<g class="note"/g)).toHaveLength(1);
    expect(svg).toContain('<title>WITHDRAW from any stage before signed</title>');
    expect(svg).toMatch(/class="footnote"[^>]*>CLAIM, UNCLAIM, DELEGATE: accepted in every task stage/);
    // Only the technical review's intermediate approval is drawn as a self-loop.
    expect(edgesOf(svg).filter((e) => e.from === e.to)).toEqual([
      { from: 'technical_review', to: 'technical_review', labels: ['approve [else]'] },
    ]);
  });

  it('is deterministic', () => {
    expect(renderWorkflowSvg(cooperationMachineV1)).toBe(svg);
    expect(renderWorkflowSvg(cooperationMachineV1, { title: 'X' })).toBe(renderWorkflowSvg(cooperationMachineV1, { title: 'X' }));
  });

  it('escapes special characters in the title', () => {
    const out = renderWorkflowSvg(cooperationMachineV1, { title: `Kerja Sama <v1> & "Pintu" 'Satu'` });
    expect(wellFormednessErrors(out)).toEqual([]);
    expect(out).toContain('Kerja Sama &lt;v1&gt; &amp; &quot;Pintu&quot; &apos;Satu&apos;');
    expect(out).not.toContain('<v1>');
    expect(svg).toContain('>cooperation workflow</text>');
  });

  it('falls back to DECIDE when the guard names no decision', () => {
    const machine = createMachine({
      id: 'tiny',
      initial: 'a',
      states: {
        a: { on: { DECIDE: 'b', GO: { target: 'c', guard: 'ready' } } },
        b: {
          on: {
            DECIDE: {
              target: 'c',
              guard: and([{ type: 'decisionIs', params: { decision: 'approve' } }, 'ready']),
            },
          },
        },
        c: { type: 'final' },
      },
    });
    const out = renderWorkflowSvg(machine, { title: 'tiny' });
    expect(wellFormednessErrors(out)).toEqual([]);
    expect(hasEdge(out, 'a', 'b', /^DECIDE$/)).toBe(true);
    expect(hasEdge(out, 'a', 'c', /^GO \[ready\]$/)).toBe(true);
    expect(hasEdge(out, 'b', 'c', /^approve \[ready\]$/)).toBe(true);
  });
});
