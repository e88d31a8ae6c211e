import { createMachine } from 'xstate';
import { findWorkflow } from '../../workflows/registry.js';
import { label, workflowLabel, type Locale } from '../i18n/labels.js';
import { MIN_RENDERED_FONT_PX, layoutWorkflowDiagram, renderWorkflowSvg, type LaidOutDiagram } from './workflow-diagram.js';

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

/** Every `<text>` element: its attributes and its words (tspans joined, unescaped). */
function texts(svg: string): { attrs: string; text: string }[] {
  return [...svg.matchAll(/<text([^>]*)>([\s\S]*?)<\/text>/g)].map((m) => ({ attrs: m[1]!, text: unescape(m[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) }));
}

/** The markup of the `<g>` whose opening tag matches `open` (nested groups included). */
function group(svg: string, open: RegExp): string {
  const start = svg.search(open);
  if (start < 0) return '';
  let depth = 0;
  for (const m of svg.slice(start).matchAll(/<g[\s>]|<\/g>/g)) {
    depth += m[0] === '</g>' ? -1 : 1;
    if (depth === 0) return svg.slice(start, start + m.index + 4);
  }
  return '';
}

const stage = (svg: string, id: string) => group(svg, new RegExp(`<g class="[^"]*\\bstage\\b[^"]*" id="stage-${id}"`));
const edge = (svg: string, from: string, to: string) => group(svg, new RegExp(`<g class="[^"]*" id="edge-e\\d+" data-from="${from}" data-to="${to}"`));
const words = (markup: string) => texts(markup).map((t) => t.text).join(' | ');

const v1 = findWorkflow('cooperation', 1)!;
const v2 = findWorkflow('cooperation', 2)!;
const TASK_STAGE_RULES = v2.taskStageRules;
const STATES = Object.keys(v2.machine.root.states);
const EVENTS = ['SUBMIT', 'RESUBMIT', 'WITHDRAW', 'TERMINATE', 'EXPIRE', 'DECIDE', 'CLAIM', 'UNCLAIM', 'DELEGATE', 'DOCUMENT_ADDED'];

const layouts = new Map<string, Promise<LaidOutDiagram>>();
function laidOut(locale: Locale, version: 1 | 2 = 2): Promise<LaidOutDiagram> {
  const key = `${version}:${locale}`;
  if (!layouts.has(key)) layouts.set(key, layoutWorkflowDiagram(version === 1 ? v1 : v2, locale, workflowLabel(locale, 'cooperation', version)));
  return layouts.get(key)!;
}

describe('workflow diagram', () => {
  it.each(['id', 'en'] as const)('draws every stage of the machine with its %s label, and the role acting at each task stage', async (locale) => {
    const svg = renderWorkflowSvg(await laidOut(locale));
    for (const id of STATES) {
      const g = stage(svg, id);
      expect(g).not.toBe('');
      expect(words(g)).toContain(label(locale, 'stage', id));
      if (Object.hasOwn(TASK_STAGE_RULES, id)) expect(words(g)).toContain(label(locale, 'role', TASK_STAGE_RULES[id]!.role));
    }
    expect(words(stage(svg, 'withdrawn'))).toContain(label(locale, 'stage', 'signed'));
    // The proposer acts at the proposal and the revision: their only ways out are the proposer's events.
    for (const id of ['proposal', 'revision']) expect(words(stage(svg, id))).toContain(label(locale, 'role', 'proposer'));
    expect(words(stage(svg, 'signed'))).toBe(label(locale, 'stage', 'signed'));
  });

  it.each(['id', 'en'] as const)('writes no id and no event name in any text (%s)', async (locale) => {
    for (const version of [1, 2] as const) {
      const svg = renderWorkflowSvg(await laidOut(locale, version), { current: 'legal_review', steps: [['proposal', 'administrative_check']] });
      const all = texts(svg).map((t) => t.text);
      expect(all.length).toBeGreaterThan(30);
      for (const text of all) {
        expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
        for (const event of EVENTS) expect(text).not.toMatch(new RegExp(`\\b${event}\\b`));
        if (locale === 'id') for (const id of STATES) expect(text).not.toMatch(new RegExp(`\\b${id}\\b`));
      }
    }
  });

  it('draws the DPRD, ministry and revision branches dashed, with their condition in words', async () => {
    const svg = renderWorkflowSvg(await laidOut('id'));
    const dashed = (markup: string) => /<path [^>]*stroke-dasharray=/.test(markup);
    const conditional = [
      ['legal_review', 'dprd_approval', 'jika memerlukan persetujuan DPRD'],
      ['legal_review', 'ministry_approval', 'jika mitra luar negeri'],
      ['dprd_approval', 'ministry_approval', 'jika mitra luar negeri'],
      ['group', 'revision', 'Kembalikan untuk revisi'],
      ['revision', 'group', 'diajukan ulang ke tahap yang meminta revisi'],
      ['group', 'rejected', 'Tolak (tidak di Kajian Tim Teknis)'],
    ];
    for (const [from, to, text] of conditional) {
      const g = edge(svg, from!, to!);
      expect({ from, to, dashed: dashed(g), words: words(g) }).toEqual({ from, to, dashed: true, words: text });
    }
    for (const [from, to] of [['proposal', 'administrative_check'], ['administrative_check', 'technical_review'], ['legal_review', 'mayor_signature'], ['mayor_signature', 'signed']]) {
      const g = edge(svg, from!, to!);
      expect(g).not.toBe('');
      expect({ from, to, dashed: dashed(g) }).toEqual({ from, to, dashed: false });
    }
    expect(words(edge(svg, 'legal_review', 'mayor_signature'))).toBe('selain itu');
    expect(words(edge(svg, 'mayor_signature', 'signed'))).toBe('Tandatangani');
    // Every task stage may ask for a revision: one arrow from the group, not seven.
    expect(svg.match(/data-to="revision"/g)).toHaveLength(1);
  });

  it('highlights the current stage in words and the path the case took', async () => {
    const d = await laidOut('id');
    const steps: [string, string][] = [
      ['proposal', 'administrative_check'],
      ['administrative_check', 'technical_review'],
      ['technical_review', 'revision'],
      ['revision', 'technical_review'],
      ['technical_review', 'tkksd_coordination'],
      ['tkksd_coordination', 'legal_review'],
    ];
    const svg = renderWorkflowSvg(d, { current: 'legal_review', steps });
    const current = stage(svg, 'legal_review');
    expect(current).toMatch(/^<g class="stage visited current"/);
    expect(words(current)).toContain('posisi saat ini');
    expect(svg.match(/posisi saat ini/g)).toHaveLength(1);
    expect(svg.match(/class="stage[^"]*\bcurrent\b/g)).toHaveLength(1);
    for (const id of ['proposal', 'administrative_check', 'technical_review', 'revision', 'tkksd_coordination']) {
      expect(stage(svg, id)).toMatch(/^<g class="stage visited"/);
      expect(words(stage(svg, id))).toContain('sudah dilalui');
    }
    for (const id of ['dprd_approval', 'mayor_signature', 'signed', 'rejected']) expect(stage(svg, id)).toMatch(new RegExp(`^<g class="stage(?: final)?" id="stage-${id}"`));
    for (const [from, to] of [['proposal', 'administrative_check'], ['group', 'revision'], ['revision', 'group'], ['tkksd_coordination', 'legal_review']]) {
      expect(edge(svg, from!, to!)).toMatch(/^<g class="edge [a-z]+ taken"/);
    }
    for (const [from, to] of [['legal_review', 'mayor_signature'], ['group', 'rejected'], ['mayor_signature', 'signed']]) {
      expect(edge(svg, from!, to!)).toMatch(/^<g class="edge [a-z]+"/);
    }
    expect(svg).toMatch(/aria-label="[^"]*Posisi saat ini: Telaah hukum \(Bagian Hukum\)\.[^"]*Sudah dilalui: Usulan, Pemeriksaan administrasi/);

    const plain = renderWorkflowSvg(d);
    expect(plain).not.toMatch(/class="[^"]*\b(current|visited|taken)\b/);
    expect(plain).not.toContain('posisi saat ini');
    const stageOnly = renderWorkflowSvg(d, { current: 'proposal' });
    expect(stage(stageOnly, 'proposal')).toMatch(/^<g class="stage visited current"/);
    expect(stageOnly).not.toMatch(/class="edge [a-z]+ taken"/);
    expect(renderWorkflowSvg(d, { current: 'no_such_stage' })).not.toContain('posisi saat ini');
  });

  it.each(['id', 'en'] as const)('keeps every text at 12 px or more at the smallest width the picture allows (%s)', async (locale) => {
    const svg = renderWorkflowSvg(await laidOut(locale), { current: 'mayor_signature' });
    const root = /^<svg ([^>]*)>/.exec(svg)![1]!;
    const width = Number(/ width="(\d+)"/.exec(root)![1]);
    const height = Number(/ height="(\d+)"/.exec(root)![1]);
    expect(/ viewBox="([^"]+)"/.exec(root)![1]).toBe(`0 0 ${width} ${height}`);
    const minWidth = Number(/min-width:(\d+)px/.exec(root)![1]);
    // The case page's diagram card is 640–900 px wide on a laptop: the picture fits without scrolling.
    expect(minWidth).toBeLessThanOrEqual(640);
    const sizes = texts(svg).map((t) => Number(/font-size="([\d.]+)"/.exec(t.attrs)![1]));
    expect(sizes.length).toBeGreaterThan(30);
    expect(Math.min(...sizes) * (minWidth / width)).toBeGreaterThanOrEqual(MIN_RENDERED_FONT_PX);
    expect(MIN_RENDERED_FONT_PX).toBe(12);
    // Nothing is drawn outside the picture.
    for (const [, x, y] of svg.matchAll(/<tspan x="([\d.-]+)" y="([\d.-]+)"/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(0);
      expect(Number(x)).toBeLessThanOrEqual(width);
      expect(Number(y)).toBeLessThanOrEqual(height);
    }
  });

  it('is well-formed SVG with a title, a role and an accessible name, and no script', async () => {
    for (const locale of ['id', 'en'] as const) {
      const svg = renderWorkflowSvg(await laidOut(locale), { current: 'revision', steps: [['proposal', 'administrative_check'], ['administrative_check', 'revision']] });
      expect(wellFormednessErrors(svg)).toEqual([]);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img"[^>]* aria-label="[^"]+"/);
      expect(svg).toContain(`<title>${workflowLabel(locale, 'cooperation', 2)}</title>`);
      expect(svg).not.toMatch(/ id="diagram-/);
      expect(svg).not.toMatch(/<script|\son[a-z]+=|javascript:|<foreignObject/i);
    }
  });

  it('escapes every word it draws', async () => {
    const machine = createMachine({
      id: 'hostile',
      initial: 'a<b>&c',
      states: { 'a<b>&c': { on: { GO: 'x"y\'z' } }, 'x"y\'z': { type: 'final' } },
    });
    const svg = renderWorkflowSvg(await layoutWorkflowDiagram({ machine, taskStageRules: {}, caseEventRules: {} }, 'id', '<script>alert(1)</script> & co'), { current: 'x"y\'z' });
    expect(wellFormednessErrors(svg)).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(texts(svg).map((t) => t.text)).toEqual(expect.arrayContaining(['A<b>&c', 'X"y\'z']));
  });

  it('lays out once and renders the same bytes for the same highlight', async () => {
    const d = await laidOut('en');
    const h = { current: 'technical_review', steps: [['proposal', 'administrative_check'], ['administrative_check', 'technical_review']] as [string, string][] };
    expect(renderWorkflowSvg(d, h)).toBe(renderWorkflowSvg(d, h));
    expect(renderWorkflowSvg(d, h)).not.toBe(renderWorkflowSvg(d));
    expect(texts(renderWorkflowSvg(d, h)).map((t) => t.text)).toEqual(expect.arrayContaining(['current position', "Mayor's signature", 'if DPRD approval is required', 'if the partner is foreign']));
  });
});
