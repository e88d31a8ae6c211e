/**
 * Draws a workflow machine as a standalone SVG: the stage graph (workflow-graph.ts) is laid out by
 * ELK's layered algorithm, top to bottom so the picture stays narrow, with orthogonal edges and
 * ELK's own placement of node and edge labels; this module only measures text and writes markup.
 *
 * Readability: text is 13–15 px at the picture's natural size, and the root's style lets the page
 * shrink it to no less than 12/13 of that (12 px); a narrower container scrolls sideways instead.
 * Layout is async (elkjs) and depends only on workflow, version and locale, so callers cache the
 * LaidOutDiagram and apply a case's highlight with the synchronous renderWorkflowSvg.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import { label, type Locale } from '../i18n/labels.js';
import { GROUP, readStageGraph, type CaseView, type DiagramWorkflow, type StageEdge, type StageGraph, type StageNode } from './workflow-graph.js';

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, sans-serif";
const SIZE = { title: 17, name: 15, small: 13 } as const;
/** The smallest text drawn; the picture may shrink until it reaches 12 px, never further. */
export const MIN_FONT_PX = SIZE.small;
export const MIN_RENDERED_FONT_PX = 12;
const LINE = 1.3;
const NODE_TEXT_WIDTH = 170;
const EDGE_TEXT_WIDTH = 140;
const MARGIN = 16;
const LEGEND_GAP = 12;
/** Room at the top of every stage box for the "posisi saat ini" / "sudah dilalui" line, so a highlight never moves the layout. */
const BAND = SIZE.small * LINE + 4;
const PAD = 10;
const MIN_NODE_WIDTH = 150;
const GROUP_PAD = 14;
/** Room for the marker's icon beside its words. */
const ICON = 18;

const elk = new ELK.default();

export interface PlacedText {
  lines: string[];
  x: number;
  y: number;
  size: number;
  bold?: boolean;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  texts: PlacedText[];
}

export interface PlacedNode extends Omit<StageNode, 'name' | 'notes'> {
  x: number;
  y: number;
  width: number;
  height: number;
  texts: PlacedText[];
}

export interface PlacedEdge extends Omit<StageEdge, 'text'> {
  points: { x: number; y: number }[];
  texts: PlacedText[];
}

export interface LaidOutDiagram {
  locale: Locale;
  title: string;
  width: number;
  height: number;
  names: Record<string, string>;
  group: Box | null;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  legend: PlacedText;
}

export interface DiagramHighlight {
  /** The stage the case stands at. */
  current?: string;
  /** Stage-to-stage steps the case has taken, in order (from its history). */
  steps?: readonly [string, string][];
}

/** Average advance of a character as a share of the font size; generous so text never overflows its box. */
function textWidth(text: string, size: number, bold = false): number {
  return text.length * size * (bold ? 0.62 : 0.58);
}

function wrap(text: string, maxWidth: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidth(`${last} ${word}`, size, bold) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** An ELK label sized for its wrapped lines; the lines travel in `text`, one per line break. */
function elkLabel(id: string, text: string, maxWidth: number, size: number, bold = false): ElkLabel {
  const lines = wrap(text, maxWidth, size, bold);
  return {
    id,
    text: lines.join('\n'),
    width: Math.ceil(Math.max(...lines.map((l) => textWidth(l, size, bold)))),
    height: Math.ceil(lines.length * size * LINE),
  };
}

/** A stage box sized for its wrapped lines (marker band, name, notes); the lines are placed in layoutWorkflowDiagram. */
function stageNode(node: StageNode, markerRoom: number): ElkNode & { texts: PlacedText[] } {
  const texts: PlacedText[] = [];
  let y = PAD + BAND;
  const add = (text: string, size: number, bold: boolean) => {
    const lines = wrap(text, NODE_TEXT_WIDTH, size, bold);
    texts.push({ lines, x: 0, y, size, bold });
    y += lines.length * size * LINE + 2;
  };
  add(node.name, SIZE.name, true);
  for (const note of node.notes) add(note, SIZE.small, false);
  const widest = Math.max(...texts.flatMap((t) => t.lines.map((l) => textWidth(l, t.size, t.bold))));
  const width = Math.ceil(Math.max(MIN_NODE_WIDTH, widest + 2 * PAD, markerRoom + 2 * PAD));
  return { id: node.id, width, height: Math.ceil(y + PAD - 2), texts: texts.map((t) => ({ ...t, x: width / 2 })) };
}

function toElk(graph: StageGraph & { markerRoom: number }): ElkNode {
  const grouped = graph.nodes.filter((n) => n.grouped);
  const linked = new Set(graph.edges.flatMap((e) => [e.from, e.to]));
  const elkNode = (node: StageNode): ElkNode => {
    const { texts: _texts, ...shape } = stageNode(node, graph.markerRoom);
    return linked.has(node.id) ? shape : { ...shape, layoutOptions: { 'elk.layered.layering.layerConstraint': 'LAST' } };
  };
  const children: ElkNode[] = graph.nodes.filter((n) => !n.grouped).map(elkNode);
  if (grouped.length > 0) {
    children.splice(1, 0, {
      id: GROUP,
      labels: [elkLabel(`${GROUP}:name`, graph.groupName, 320, SIZE.small, true)],
      children: grouped.map(elkNode),
      layoutOptions: {
        'elk.nodeLabels.placement': '[H_LEFT, V_TOP, INSIDE]',
        'elk.nodeSize.constraints': '[NODE_LABELS]',
        'elk.padding': `[top=${GROUP_PAD + 22},left=${GROUP_PAD},bottom=${GROUP_PAD},right=${GROUP_PAD}]`,
      },
    });
  }
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // Of ELK's node placers SIMPLE keeps this graph narrowest (≈700 px against 900–1100 for the others).
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      // One layered graph, so a stage with no arrow (its ways in are written on it) sits with the other outcomes.
      'elk.separateConnectedComponents': 'false',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeNode': '14',
      'elk.layered.spacing.edgeNodeBetweenLayers': '14',
      'elk.spacing.edgeEdge': '12',
      'elk.padding': `[top=${MARGIN},left=${MARGIN},bottom=${MARGIN},right=${MARGIN}]`,
    },
    children,
    edges: graph.edges.map((e) => ({
      id: e.id,
      sources: [e.from],
      targets: [e.to],
      labels: e.text ? [elkLabel(`${e.id}:text`, e.text, EDGE_TEXT_WIDTH, SIZE.small)] : [],
    })),
  };
}

const labelSize = (id: string) => (id === `${GROUP}:name` ? { size: SIZE.small, bold: true } : { size: SIZE.small });

function placedTexts(labels: ElkLabel[] | undefined): PlacedText[] {
  return (labels ?? []).map((l) => ({ lines: (l.text ?? '').split('\n'), x: l.x ?? 0, y: l.y ?? 0, ...labelSize(l.id ?? '') }));
}

/** Left and right ends of the words, for the picture's extent. */
function textXs(texts: PlacedText[]): number[] {
  return texts.flatMap((t) => [t.x, t.x + Math.max(...t.lines.map((l) => textWidth(l, t.size, t.bold)))]);
}

/**
 * The group's box around what it holds. ELK gives a compound node in an INCLUDE_CHILDREN layout the
 * whole graph's width; its top and bottom (with room for the caption) are kept.
 */
function groupBox(groupNode: ElkNode, nodes: PlacedNode[], edges: PlacedEdge[]): Box {
  const inside = new Set(nodes.filter((n) => n.grouped).map((n) => n.id));
  const xs = [
    ...nodes.filter((n) => inside.has(n.id)).flatMap((n) => [n.x, n.x + n.width]),
    ...edges.filter((e) => inside.has(e.from) && inside.has(e.to)).flatMap((e) => [...e.points.map((p) => p.x), ...textXs(e.texts)]),
    ...edges.filter((e) => e.from === GROUP).map((e) => e.points[0]!.x),
    ...edges.filter((e) => e.to === GROUP).map((e) => e.points[e.points.length - 1]!.x),
  ];
  const x = Math.min(...xs) - GROUP_PAD;
  const texts = placedTexts(groupNode.labels).map((t) => ({ ...t, x: x + 6 }));
  return { x, y: groupNode.y!, width: Math.max(...xs) + GROUP_PAD - x, height: groupNode.height!, texts };
}

/**
 * Lays out a machine's stage graph with ELK; the result is pure data, to cache per workflow, version and
 * locale (and, for one case's picture, per `caseViewKey` of its view).
 */
export async function layoutWorkflowDiagram(workflow: DiagramWorkflow, locale: Locale, title: string, view?: CaseView): Promise<LaidOutDiagram> {
  const markers = (['current', 'visited'] as const).map((m) => textWidth(label(locale, 'diagram', m), SIZE.small, true) + ICON);
  const graph = { ...readStageGraph(workflow, locale, title, view), markerRoom: Math.max(...markers) };
  const laid = await elk.layout(toElk(graph));
  const groupNode = laid.children?.find((c) => c.id === GROUP);
  const shapes = new Map([...(laid.children ?? []), ...(groupNode?.children ?? [])].map((c) => [c.id, c]));
  const nodes: PlacedNode[] = graph.nodes.map((n) => {
    const { x = 0, y = 0, width = 0, height = 0 } = shapes.get(n.id)!;
    const { name: _name, notes: _notes, ...rest } = n;
    const texts = stageNode(n, graph.markerRoom).texts.map((t) => ({ ...t, x: t.x + x, y: t.y + y }));
    return { ...rest, x, y, width, height, texts };
  });
  const edges: PlacedEdge[] = graph.edges.map((edge) => {
    const e = laid.edges!.find((x) => x.id === edge.id)!;
    const section = e.sections![0]!;
    const { text: _text, ...rest } = edge;
    return { ...rest, points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint], texts: placedTexts(e.labels) };
  });
  const group = groupNode ? groupBox(groupNode, nodes, edges) : null;

  // Crop to what is drawn and leave room for the title above.
  const xs = [...nodes.flatMap((n) => [n.x, n.x + n.width]), ...edges.flatMap((e) => [...e.points.map((p) => p.x), ...textXs(e.texts)]), ...(group ? [group.x, group.x + group.width, ...textXs(group.texts)] : [])];
  const dx = MARGIN - Math.min(...xs);
  const dy = SIZE.title * LINE + 8;
  const at = <T extends { x: number; y: number }>(p: T): T => ({ ...p, x: p.x + dx, y: p.y + dy });
  const drawnWidth = Math.max(...xs) - Math.min(...xs) + 2 * MARGIN;
  const bottom = laid.height! + dy + LEGEND_GAP;
  const legend = (['legendPlain', 'legendConditional', 'legendPath'] as const).flatMap((key) => wrap(label(locale, 'diagram', key), Math.max(drawnWidth - 2 * MARGIN, 300), SIZE.small));
  return {
    locale,
    title,
    width: Math.ceil(Math.max(drawnWidth, textWidth(title, SIZE.title, true) + 2 * MARGIN, ...legend.map((l) => textWidth(l, SIZE.small) + 2 * MARGIN))),
    height: Math.ceil(bottom + legend.length * SIZE.small * LINE + 4),
    names: Object.fromEntries(graph.nodes.map((n) => [n.id, n.name])),
    group: group && { ...at(group), texts: group.texts.map(at) },
    nodes: nodes.map((n) => ({ ...at(n), texts: n.texts.map(at) })),
    edges: edges.map((e) => ({ ...e, points: e.points.map(at), texts: e.texts.map(at) })),
    legend: { lines: legend, x: MARGIN, y: bottom, size: SIZE.small },
  };
}

const INK = '#1c2430';
const MUTED = '#5b6675';
const PATH = '#0b5394';
const NOW = '#b34700';
const GROUP_FILL = '#f4f6f9';

/** XML-escapes text and attribute values: every word in the picture goes through here. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const n = (v: number) => String(Math.round(v * 10) / 10);

function drawText(t: PlacedText, anchor: 'middle' | 'start', attrs = ''): string {
  const tspans = t.lines.map((line, i) => `<tspan x="${n(t.x)}" y="${n(t.y + i * t.size * LINE + t.size)}">${escapeXml(line)}</tspan>`).join('');
  return `<text font-size="${t.size}"${t.bold ? ' font-weight="700"' : ''} text-anchor="${anchor}"${attrs}>${tspans}</text>`;
}

function summary(d: LaidOutDiagram, current: string | undefined, visited: string[]): string {
  const parts = [d.title];
  if (current && d.names[current]) parts.push(label(d.locale, 'diagram', 'summaryCurrent').replace('{stage}', d.names[current]!));
  const passed = visited.filter((s) => s !== current && d.names[s]).map((s) => d.names[s]!);
  if (passed.length > 0) parts.push(label(d.locale, 'diagram', 'summaryVisited').replace('{stages}', passed.join(', ')));
  return parts.join('. ').replace(/\.\./g, '.');
}

/** Writes the laid-out diagram as SVG with the case's current stage and path drawn in. Synchronous and cheap. */
export function renderWorkflowSvg(d: LaidOutDiagram, highlight: DiagramHighlight = {}): string {
  const steps = highlight.steps ?? [];
  const current = highlight.current !== undefined && Object.hasOwn(d.names, highlight.current) ? highlight.current : undefined;
  const visited = [...new Set([...steps.flat(), ...(current ? [current] : [])])];
  const taken = (e: PlacedEdge) => e.steps.some(([a, b]) => steps.some(([x, y]) => x === a && y === b));
  const out: string[] = [];
  const desc = summary(d, current, visited);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${d.width}" height="${d.height}" viewBox="0 0 ${d.width} ${d.height}"` +
      // Inline in the page: no ids a page may also use (the case page has its own #diagram-title).
      ` role="img" aria-label="${escapeXml(desc)}"` +
      ` style="max-width:100%;min-width:${Math.ceil((d.width * MIN_RENDERED_FONT_PX) / MIN_FONT_PX)}px;height:auto"` +
      ` font-family="${escapeXml(FONT)}" fill="${INK}">`,
    `<title>${escapeXml(d.title)}</title>`,
    `<desc>${escapeXml(desc)}</desc>`,
    '<defs>',
    ...[['wf-arrow', MUTED], ['wf-arrow-taken', PATH]].map(
      ([id, colour]) => `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${colour}"/></marker>`,
    ),
    '</defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    drawText({ lines: [d.title], x: MARGIN, y: 4, size: SIZE.title, bold: true }, 'start', ' class="diagram-title"'),
  );
  if (d.group) {
    const g = d.group;
    out.push(`<g class="group"><rect x="${n(g.x)}" y="${n(g.y)}" width="${n(g.width)}" height="${n(g.height)}" rx="10" fill="${GROUP_FILL}" stroke="#c3cad4"/>`);
    out.push('</g>');
  }
  for (const e of d.edges) {
    const on = taken(e);
    const cls = ['edge', e.conditional ? 'conditional' : 'main', on ? 'taken' : ''].filter(Boolean).join(' ');
    const path = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join('');
    out.push(
      `<g class="${cls}" id="edge-${e.id}" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}">`,
      `<path d="${path}" fill="none" stroke="${on ? PATH : MUTED}" stroke-width="${on ? 3.5 : 1.6}"${e.conditional ? ' stroke-dasharray="7 5"' : ''} marker-end="url(#${on ? 'wf-arrow-taken' : 'wf-arrow'})"/>`,
      ...e.texts.map((t) => drawText(t, 'start', ` fill="${on ? PATH : INK}" stroke="#ffffff" stroke-width="4" paint-order="stroke"${on ? ' font-weight="700"' : ''}`)),
      '</g>',
    );
  }
  // The group's caption goes over the arrows that cross it, on a halo of the group's colour.
  if (d.group) out.push(...d.group.texts.map((t) => drawText(t, 'start', ` fill="${MUTED}" stroke="${GROUP_FILL}" stroke-width="5" paint-order="stroke" class="group-caption"`)));
  for (const node of d.nodes) {
    const isCurrent = node.id === current;
    const wasVisited = visited.includes(node.id);
    const cls = ['stage', node.final ? 'final' : '', wasVisited ? 'visited' : '', isCurrent ? 'current' : ''].filter(Boolean).join(' ');
    const fill = isCurrent ? '#fff4e5' : wasVisited ? '#e3eefa' : '#ffffff';
    const stroke = isCurrent ? NOW : wasVisited ? PATH : '#7b8794';
    out.push(
      `<g class="${cls}" id="stage-${escapeXml(node.id)}">`,
      `<rect x="${n(node.x)}" y="${n(node.y)}" width="${n(node.width)}" height="${n(node.height)}" rx="${node.final ? 22 : 8}" fill="${fill}" stroke="${stroke}" stroke-width="${isCurrent ? 4 : wasVisited ? 2.5 : 1.5}"/>`,
      ...node.texts.map((t) => drawText(t, 'middle', t.bold ? '' : ` fill="${MUTED}"`)),
    );
    if (wasVisited) {
      // The marker line says it in words, so the highlight never rests on colour alone.
      const text = label(d.locale, 'diagram', isCurrent ? 'current' : 'visited');
      const colour = isCurrent ? NOW : PATH;
      const cx = node.x + node.width / 2 + ICON / 2;
      const y = node.y + 6;
      // Wide bold faces (DejaVu) run past the estimate: a few px more keep the icon clear of the words.
      const ix = cx - textWidth(text, SIZE.small, true) / 2 - ICON / 2 - 4;
      const iy = y + SIZE.small * 0.7;
      const icon = isCurrent
        ? `<circle cx="${n(ix)}" cy="${n(iy)}" r="5.5" fill="${colour}"/>`
        : `<path d="M${n(ix - 5)},${n(iy)}l3.5,4l6.5,-8" fill="none" stroke="${colour}" stroke-width="2.4"/>`;
      out.push(`<g class="${isCurrent ? 'current-mark' : 'visited-mark'}">${icon}`, drawText({ lines: [text], x: cx, y, size: SIZE.small, bold: true }, 'middle', ` fill="${colour}"`), '</g>');
    }
    out.push('</g>');
  }
  out.push(drawText(d.legend, 'start', ` fill="${MUTED}" class="legend"`), '</svg>');
  return out.join('\n');
}
