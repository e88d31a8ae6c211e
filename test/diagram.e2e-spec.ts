/// <reference lib="dom" />
/**
 * The workflow diagram (issue 14): served with a case's path for those who may read its history,
 * and readable in a real browser — every word at 12 px or more in the case page's diagram card on a
 * laptop (760 px) and on a phone (360 px, where the card scrolls sideways rather than shrink the
 * words). Uses the system's Chromium (never downloads one); fails, not skips, when it is missing.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { TestApp, USERS, type TestUser } from './support/test-app.js';
import { launchChromium, signIn } from './support/browser.js';

const SCREENSHOTS = join(__dirname, '..', 'docs', 'screenshots');

let t: TestApp;
let browser: Browser;
let base: string;
let caseId: string;

beforeAll(async () => {
  t = await TestApp.start();
  base = await t.listen();
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  // A case that went to revision at the technical review and came back: proposal → check → review → revision → review.
  const c = await t.createCase({ requiresDprdApproval: true });
  caseId = c.id;
  expect((await t.post(`/api/cases/${caseId}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  expect((await t.decide(caseId, USERS.secretariat, 'approve')).status).toBe(200);
  expect((await t.decide(caseId, USERS.reviewerA, 'revise', { comment: 'Lengkapi studi kelayakan' })).status).toBe(200);
  expect((await t.post(`/api/cases/${caseId}/events`, USERS.proposer, { type: 'RESUBMIT' })).status).toBe(201);
  expect((await t.get(`/api/cases/${caseId}`, USERS.proposer)).body.stage).toBe('technical_review');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

const diagramOf = (query: string, as: TestUser = USERS.proposer) => t.get(`/api/workflows/cooperation/3/diagram${query}`, as);
const classesOf = (svg: string, kind: 'stage' | 'edge') => [...svg.matchAll(new RegExp(`<g class="(${kind}\\b[^"]*)" id="${kind}-([^"]+)"(?: data-from="([^"]+)" data-to="([^"]+)")?`, 'g'))];
const visited = (svg: string) => classesOf(svg, 'stage').filter((m) => /\bvisited\b/.test(m[1]!)).map((m) => m[2]).sort();
const current = (svg: string) => classesOf(svg, 'stage').filter((m) => /\bcurrent\b/.test(m[1]!)).map((m) => m[2]);
const taken = (svg: string) => classesOf(svg, 'edge').filter((m) => /\btaken\b/.test(m[1]!)).map((m) => `${m[3]}>${m[4]}`).sort();

describe('GET /api/workflows/:name/:version/diagram', () => {
  it("draws a case's current stage and, for those who may read its history, the path it took", async () => {
    for (const user of [USERS.proposer, USERS.reviewerA, USERS.auditor]) {
      const res = await diagramOf(`?caseId=${caseId}`, user);
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^image\/svg\+xml/);
      expect(current(res.text)).toEqual(['technical_review']);
      expect(visited(res.text)).toEqual(['administrative_check', 'proposal', 'revision', 'technical_review']);
      expect(taken(res.text)).toEqual(['administrative_check>technical_review', 'group>revision', 'proposal>administrative_check', 'revision>group']);
      expect(res.text).toContain('posisi saat ini');
    }
    // A bystander may not read the history (403 there): the stage alone, no path.
    expect((await t.get(`/api/cases/${caseId}/history`, USERS.dprd)).status).toBe(403);
    const bystander = await diagramOf(`?caseId=${caseId}`, USERS.dprd);
    expect(bystander.status).toBe(200);
    expect(current(bystander.text)).toEqual(['technical_review']);
    expect(visited(bystander.text)).toEqual(['technical_review']);
    expect(taken(bystander.text)).toEqual([]);
  });

  it('highlights ?stage without a case, speaks English when asked, and refuses what it cannot draw', async () => {
    const plain = await diagramOf('');
    expect(current(plain.text)).toEqual([]);
    expect(plain.text).toContain('Persetujuan DPRD');
    const staged = await diagramOf('?stage=legal_review');
    expect(current(staged.text)).toEqual(['legal_review']);
    expect(taken(staged.text)).toEqual([]);
    expect((await diagramOf('?lang=en&stage=legal_review')).text).toMatch(/DPRD approval[\s\S]*current position/);
    const accept = await t.request('GET', '/api/workflows/cooperation/3/diagram', { as: USERS.mayor, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(accept.text).toContain("Mayor&apos;s signature");
    expect((await diagramOf('?lang=fr')).status).toBe(400);
    expect((await diagramOf('?caseId=no-such-case')).status).toBe(404);
    expect((await t.get(`/api/workflows/cooperation/1/diagram?caseId=${caseId}`, USERS.proposer)).status).toBe(400);
    expect((await t.get('/api/workflows/cooperation/3/diagram')).status).toBe(401);
  });
});

describe('the diagram in a browser', () => {
  /** Lays the served SVG into a diagram card `width` px wide, styled by the app's own stylesheet. */
  async function cardPage(width: number, svg: string) {
    const page = await browser.newPage({ viewport: { width: width + 32, height: 900 }, deviceScaleFactor: 1 });
    page.setDefaultTimeout(8_000);
    await page.goto(`${base}/styles.css`);
    await page.setContent(
      `<!doctype html><html><head><link rel="stylesheet" href="${base}/styles.css"></head>` +
        `<body style="margin:0;padding:16px"><section class="card" style="width:${width}px;box-sizing:border-box;padding:0;border:0">` +
        `<div class="diagram" data-testid="diagram">${svg}</div></section></body></html>`,
      { waitUntil: 'load' },
    );
    return page;
  }

  it.each([
    ['laptop', 760, 'id'],
    ['phone', 360, 'id'],
    ['laptop', 760, 'en'],
    ['phone', 360, 'en'],
  ] as const)('keeps every word at 12 px or more and inside its box on a %s (%i px card, %s)', async (name, width, lang) => {
    const svg = (await diagramOf(`?caseId=${caseId}&lang=${lang}`)).text;
    const page = await cardPage(width, svg);
    try {
      const measured = await page.evaluate(() => {
        const root = document.querySelector('.diagram svg') as SVGSVGElement;
        const card = document.querySelector('.diagram') as HTMLElement;
        const scale = root.getBoundingClientRect().width / root.viewBox.baseVal.width;
        const texts = [...root.querySelectorAll('text')].map((el) => {
          const lines = el.querySelectorAll('tspan').length || 1;
          return {
            text: el.textContent ?? '',
            px: parseFloat(getComputedStyle(el).fontSize) * scale,
            lineBox: el.getBoundingClientRect().height / lines,
          };
        });
        // A word that runs out of its stage box is as unreadable as a small one.
        const overflow = [...root.querySelectorAll('g.stage')].flatMap((g) => {
          const box = g.querySelector('rect')!.getBoundingClientRect();
          return [...g.querySelectorAll(':scope > text, :scope > g > text')]
            .filter((el) => {
              const r = el.getBoundingClientRect();
              return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
            })
            .map((el) => el.textContent);
        });
        return { scale, texts, overflow, scrolls: card.scrollWidth > card.clientWidth + 1, cardWidth: card.clientWidth };
      });
      expect(measured.texts.length).toBeGreaterThan(30);
      const small = measured.texts.filter((x) => x.px < 12 || x.lineBox < 12);
      expect(small).toEqual([]);
      expect(measured.overflow).toEqual([]);
      // The laptop card holds the whole picture; the phone card scrolls sideways instead of shrinking words.
      expect({ name, scrolls: measured.scrolls }).toEqual({ name, scrolls: name === 'phone' });
      if (name === 'laptop' && lang === 'id') await page.screenshot({ path: join(SCREENSHOTS, 'diagram-laptop.png'), fullPage: true });
      if (name === 'laptop' && lang === 'en') await page.screenshot({ path: join(tmpdir(), 'onegate-diagram-laptop-en.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it.each([
    ['laptop', 1366],
    ['phone', 360],
  ] as const)("shows the case's path on the case page on a %s (the Diagram component asks with caseId)", async (name, width) => {
    const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await signIn(page, base, USERS.proposer);
      await page.goto(`${base}/cases/${caseId}`);
      const diagram = page.getByTestId('diagram');
      await diagram.locator('g.stage.current#stage-technical_review').waitFor();
      expect(await diagram.locator('g.stage.visited').count()).toBe(4);
      expect(await diagram.locator('g.edge.taken').count()).toBe(4);
      // Where the card scrolls, the current stage is brought into view.
      const view = await diagram.evaluate((el) => {
        const card = el.getBoundingClientRect();
        const now = el.querySelector('g.stage.current rect')!.getBoundingClientRect();
        const minWidth = parseFloat(getComputedStyle(el.querySelector('svg')!).minWidth);
        return { scrolls: el.scrollWidth > el.clientWidth, narrower: el.clientWidth < minWidth, inView: now.left >= card.left && now.right <= card.right };
      });
      // In the case page's main column a laptop has room for it at 12 px; a phone's card scrolls instead.
      expect(view).toEqual({ scrolls: name === 'phone', narrower: name === 'phone', inView: true });
      if (name === 'phone') await diagram.screenshot({ path: join(SCREENSHOTS, 'diagram-phone.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
