/**
 * Draws a workflow machine (XState v5, flat states = case stages) as a standalone SVG 1.1 picture.
 *
 * Layout: the main line of stages runs top to bottom in the machine's state order; stages that many
 * stages fall into with one and the same label (revision, rejected, withdrawn) stand in a column to
 * the right and are reached over shared vertical "buses". Forward jumps that skip a stage run in lanes
 * on the left. Self-transitions that every task stage has (CLAIM, UNCLAIM, DELEGATE) go to a footnote;
 * an event that leaves almost every stage for one target (WITHDRAW) is drawn as a single note.
 * Pure and deterministic: same machine and options give the same bytes.
 */
import { and, not, or, type AnyStateMachine } from 'xstate';
import { TASK_STAGE_RULES, type TaskStage } from '../../workflows/cooperation/v1.rules.js';

export interface WorkflowDiagramOptions {
  /** Heading drawn at the top; defaults to "<machine id> workflow". */
  title?: string;
}

/** One transition of the machine between top-level states, with its display label. */
interface Move {
  from: string;
  to: string;
  event: string;
  /** The decision for DECIDE events, else the event type. */
  base: string;
  /** Extra guard conditions shown in brackets. */
  conditions: string[];
  label: string;
}

interface Label {
  base: string;
  conditions: string[];
}

interface Port {
  node: string;
  side: 'left' | 'right';
  key: string;
  /** Distance of the lane/bus from the node edge; only the order matters. */
  farness: number;
  extendsAbove: boolean;
  extendsBelow: boolean;
  y: number;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const MARGIN = 20;
const TITLE_H = 56;
const INITIAL_H = 28;
const NODE_H = 56;
const PITCH = 104;
const MAIN_W = 250;
const ROW_GAP_X = 20;
const SIDE_W = 190;
const LANE_ROOM = 132;
const LANE_STEP = 16;
const BUS_ROOM = 96;
const BUS_STEP = 22;
const BUS_TO_SIDE = 44;
const MIN_BUS_AREA = 176;
const LABEL_FS = 10;
const FOOT_LINE = 16;

const AND_CHECK = (and([]) as unknown as { check: unknown }).check;
const OR_CHECK = (or([]) as unknown as { check: unknown }).check;
const NOT_CHECK = (not('x') as unknown as { check: unknown }).check;

const COLOURS: Record<string, string> = {
  approve: '#2e7d32',
  sign: '#2e7d32',
  revise: '#e65100',
  reject: '#c62828',
  RESUBMIT: '#1565c0',
  WITHDRAW: '#6a1b9a',
};
const DEFAULT_COLOUR = '#37474f';

function colourOf(base: string): string {
  return Object.hasOwn(COLOURS, base) ? COLOURS[base]! : DEFAULT_COLOUR;
}

/** XML-escapes text and attribute values. */
function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Fixed number formatting so the output is byte-stable. */
function n(value: number): string {
  const r = Math.round(value * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

function textWidth(text: string, fontSize: number, bold = false): number {
  return text.length * fontSize * (bold ? 0.62 : 0.58);
}

function roleOf(stage: string): string | undefined {
  return Object.hasOwn(TASK_STAGE_RULES, stage) ? TASK_STAGE_RULES[stage as TaskStage].role : undefined;
}

function titleOf(stage: string): string | undefined {
  return Object.hasOwn(TASK_STAGE_RULES, stage) ? TASK_STAGE_RULES[stage as TaskStage].title.en : undefined;
}

function eventLabel(event: string): string {
  if (event === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  if (after) return `after ${after[1]}`;
  if (event.startsWith('xstate.done.')) return 'done';
  return event;
}

function describeGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { check?: unknown; guards?: unknown[]; name?: string };
    const parts = Array.isArray(g.guards) ? g.guards.map(describeGuard) : [];
    if (g.check === AND_CHECK) return parts.join(' and ');
    if (g.check === OR_CHECK) return parts.join(' or ');
    if (g.check === NOT_CHECK) return `not ${parts[0] ?? ''}`;
    return g.name || 'guard';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    const values = params && typeof params === 'object' ? Object.values(params as Record<string, unknown>) : [];
    return values.length > 0 ? `${String(type)}(${values.map(String).join(', ')})` : String(type);
  }
  return 'guard';
}

/**
 * Reads a guard into decisions (from `decisionIs`, DECIDE events only) and display conditions.
 * A parameterised guard whose parameter names the target (e.g. `returnsTo(stage)`) is redundant
 * in a picture that already draws the arrow, so it is hidden but still counts as a condition.
 */
function readGuard(
  guard: unknown,
  isDecide: boolean,
  target: string | undefined,
  out: { decisions: string[]; conditions: string[]; hidden: number },
): void {
  if (guard === undefined || guard === null) return;
  if (typeof guard === 'string') {
    out.conditions.push(guard);
    return;
  }
  if (typeof guard === 'function') {
    const g = guard as { check?: unknown; guards?: unknown[] };
    if (g.check === AND_CHECK && Array.isArray(g.guards)) {
      for (const inner of g.guards) readGuard(inner, isDecide, target, out);
      return;
    }
    out.conditions.push(describeGuard(guard));
    return;
  }
  if (typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    const values = params && typeof params === 'object' ? Object.values(params as Record<string, unknown>) : [];
    if (isDecide && type === 'decisionIs' && values.length === 1 && typeof values[0] === 'string') {
      out.decisions.push(values[0]);
      return;
    }
    if (target !== undefined && values.includes(target)) {
      out.hidden++;
      return;
    }
    out.conditions.push(describeGuard(guard));
    return;
  }
  out.conditions.push('guard');
}

function formatLabel(label: Label): string {
  return label.conditions.length > 0 ? `${label.base} [${label.conditions.join(', ')}]` : label.base;
}

interface StateNodeLike {
  key: string;
  path: string[];
  type: string;
  states: Record<string, StateNodeLike>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
}

interface TransitionLike {
  target?: readonly StateNodeLike[];
  guard?: unknown;
}

/** Every transition of the machine, lifted to top-level states, in definition order. */
function collectMoves(topStates: StateNodeLike[]): Move[] {
  const moves: Move[] = [];
  const visit = (top: string, node: StateNodeLike): void => {
    const byEvent = [...node.transitions.entries()];
    if (node.always && node.always.length > 0) byEvent.push(['', node.always]);
    for (const [event, list] of byEvent) {
      const isDecide = event === 'DECIDE';
      const guardedBases = new Set<string>();
      for (const t of list) {
        const targets = t.target && t.target.length > 0 ? t.target.map((s) => s.path[0] ?? top) : [top];
        for (const to of [...new Set(targets)]) {
          const info = { decisions: [] as string[], conditions: [] as string[], hidden: 0 };
          readGuard(t.guard, isDecide, to, info);
          const base = isDecide ? (info.decisions.length === 1 ? info.decisions[0]! : 'DECIDE') : eventLabel(event);
          const conditions = [...info.conditions];
          if (conditions.length === 0 && info.hidden === 0 && guardedBases.has(base)) conditions.push('else');
          if (info.conditions.length > 0 || info.hidden > 0) guardedBases.add(base);
          moves.push({ from: top, to, event, base, conditions, label: formatLabel({ base, conditions }) });
        }
      }
    }
    for (const child of Object.values(node.states)) visit(top, child);
  };
  for (const s of topStates) visit(s.key, s);
  return moves;
}

/** Greedy interval colouring: returns a lane index per interval, shortest intervals innermost. */
function assignLanes(intervals: { lo: number; hi: number; id: string }[]): Map<string, number> {
  const sorted = [...intervals].sort((a, b) => a.hi - a.lo - (b.hi - b.lo) || a.lo - b.lo || (a.id < b.id ? -1 : 1));
  const lanes: { lo: number; hi: number }[][] = [];
  const result = new Map<string, number>();
  for (const iv of sorted) {
    let i = 0;
    while (lanes[i]?.some((o) => iv.lo <= o.hi && o.lo <= iv.hi)) i++;
    (lanes[i] ??= []).push(iv);
    result.set(iv.id, i);
  }
  return result;
}

/** Greedy word wrap by estimated width. */
function wrap(text: string, maxWidth: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function renderWorkflowSvg(machine: AnyStateMachine, options: WorkflowDiagramOptions = {}): string {
  const root = machine.root as unknown as StateNodeLike & { initial?: { target?: readonly StateNodeLike[] } };
  const topStates = Object.values(root.states);
  const names = topStates.map((s) => s.key);
  const isFinal = new Set(topStates.filter((s) => s.type === 'final').map((s) => s.key));
  const initial = root.initial?.target?.[0]?.path[0];

  // --- transitions -------------------------------------------------------------------------
  const all = collectMoves(topStates);
  const selfMoves = all.filter((m) => m.from === m.to);
  let moves = all.filter((m) => m.from !== m.to);

  // Side stages: reached from at least three stages, always under the same label.
  const side = new Set<string>();
  for (const name of names) {
    if (name === initial) continue;
    const incoming = moves.filter((m) => m.to === name);
    const sources = new Set(incoming.map((m) => m.from));
    const bases = new Set(incoming.map((m) => m.base));
    if (sources.size >= 3 && bases.size === 1) side.add(name);
  }

  // An event that leaves (almost) every live stage for one target becomes one note.
  const notes: { event: string; label: Label; to: string; text: string }[] = [];
  const groups = new Map<string, Move[]>();
  for (const m of moves) {
    const key = `${m.event}\u0000${m.to}\u0000${m.label}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const { event, to, base, conditions } = group[0]!;
    const sources = new Set(group.map((m) => m.from));
    const candidates = names.filter((s) => !isFinal.has(s) && s !== to);
    if (sources.size < 4 || sources.size < 0.85 * candidates.length) continue;
    const excluded = candidates.filter((s) => !sources.has(s));
    const mainOrder = names.filter((s) => !side.has(s));
    const firstExcluded = excluded[0];
    let where: string;
    if (excluded.length === 0) where = 'from any stage';
    else if (
      firstExcluded !== undefined &&
      excluded.every((s) => mainOrder.includes(s)) &&
      [...sources].every((s) => side.has(s) || mainOrder.indexOf(s) < mainOrder.indexOf(firstExcluded))
    )
      where = `from any stage before ${firstExcluded}`;
    else where = `from any stage except ${excluded.join(', ')}`;
    const label = { base, conditions };
    notes.push({ event, label, to, text: `${formatLabel(label)} ${where}` });
    moves = moves.filter((m) => !group.includes(m));
  }

  // Self-transitions that several stages share go to a footnote; the others are drawn as loops.
  const selfByLabel = new Map<string, string[]>();
  for (const m of selfMoves) {
    const list = selfByLabel.get(m.label) ?? [];
    if (!list.includes(m.from)) list.push(m.from);
    selfByLabel.set(m.label, list);
  }
  const baseOfLabel = new Map(selfMoves.map((m) => [m.label, m.base]));
  const footSelf = new Map<string, string[]>();
  const loops = new Map<string, string[]>();
  for (const [label, states] of selfByLabel) {
    if (states.length >= 2) {
      const key = states.join(',');
      const base = baseOfLabel.get(label)!;
      const bases = footSelf.get(key) ?? [];
      if (!bases.includes(base)) bases.push(base);
      footSelf.set(key, bases);
    } else {
      loops.set(states[0]!, [...(loops.get(states[0]!) ?? []), label]);
    }
  }

  // --- rows ----------------------------------------------------------------------------------
  const main = names.filter((s) => !side.has(s));
  const rowOf = new Map<string, number>();
  const rows: string[][] = [];
  let lastLive = -1;
  main.forEach((s, i) => {
    if (!isFinal.has(s)) lastLive = i;
  });
  main.forEach((s, i) => {
    if (i > lastLive && lastLive >= 0 && rows.length > 0 && i > lastLive + 1) rows[rows.length - 1]!.push(s);
    else rows.push([s]);
    rowOf.set(s, rows.length - 1);
  });

  const sideNames = names.filter((s) => side.has(s));
  const sideRow = new Map<string, number>();
  const loopsBack = sideNames.filter((s) => moves.some((m) => m.from === s && !side.has(m.to)));
  loopsBack.forEach((s, i) => sideRow.set(s, i));
  let nextSinkRow = loopsBack.length;
  for (const s of sideNames) {
    if (sideRow.has(s)) continue;
    const connected = moves.filter((m) => m.to === s && !side.has(m.from)).map((m) => rowOf.get(m.from)!);
    const row = Math.max(nextSinkRow, connected.length > 0 ? Math.max(...connected) + 1 : 0);
    sideRow.set(s, row);
    nextSinkRow = row + 1;
  }
  const rowCount = Math.max(rows.length, ...[...sideRow.values()].map((r) => r + 1));

  // --- edge classification -------------------------------------------------------------------
  // Merge parallel moves between the same two stages.
  const edgeMap = new Map<string, { from: string; to: string; labels: Label[] }>();
  for (const m of moves) {
    const key = `${m.from}\u0000${m.to}`;
    const e = edgeMap.get(key) ?? { from: m.from, to: m.to, labels: [] };
    if (!e.labels.some((l) => formatLabel(l) === m.label)) e.labels.push({ base: m.base, conditions: m.conditions });
    edgeMap.set(key, e);
  }
  const edges = [...edgeMap.values()];
  const vertical = edges.filter(
    (e) => !side.has(e.from) && !side.has(e.to) && rowOf.get(e.to)! - rowOf.get(e.from)! === 1,
  );
  const laned = edges.filter((e) => !side.has(e.from) && !side.has(e.to) && !vertical.includes(e));
  const bused = edges.filter((e) => side.has(e.from) !== side.has(e.to));
  const sideToSide = edges.filter((e) => side.has(e.from) && side.has(e.to));

  /** Lanes for edges spanning rows: each edge gets the lowest lane free over its row span. */
  const lanesFor = (list: typeof edges, rows: Map<string, number>) => {
    const lanes = assignLanes(
      list.map((e) => {
        const a = rows.get(e.from)!;
        const b = rows.get(e.to)!;
        return { lo: Math.min(a, b), hi: Math.max(a, b), id: `${e.from}\u0000${e.to}` };
      }),
    );
    return { lanes, count: list.length > 0 ? Math.max(...lanes.values()) + 1 : 0 };
  };
  const { lanes: laneOf, count: laneCount } = lanesFor(laned, rowOf);
  const { lanes: sideLaneOf, count: sideLaneCount } = lanesFor(sideToSide, sideRow);

  // Buses: one per side stage and direction, ordered by the side stage's row.
  const busKeys: string[] = [];
  for (const s of [...sideNames].sort((a, b) => sideRow.get(a)! - sideRow.get(b)!)) {
    if (bused.some((e) => e.from === s)) busKeys.push(`${s}:out`);
    if (bused.some((e) => e.to === s)) busKeys.push(`${s}:in`);
  }
  const busOf = (e: { from: string; to: string }): string => (side.has(e.from) ? `${e.from}:out` : `${e.to}:in`);

  // --- geometry ------------------------------------------------------------------------------
  const leftRoom = Math.max(120, laneCount > 0 ? LANE_ROOM + LANE_STEP * (laneCount - 1) + 12 : 0);
  const x0 = MARGIN + leftRoom;
  const mainRight = x0 + MAIN_W;
  const busX = new Map(busKeys.map((k, i) => [k, mainRight + BUS_ROOM + BUS_STEP * i]));
  const sideX =
    sideNames.length > 0
      ? Math.max(mainRight + MIN_BUS_AREA, mainRight + BUS_ROOM + BUS_STEP * Math.max(0, busKeys.length - 1) + BUS_TO_SIDE)
      : mainRight;
  const sideRight = sideNames.length > 0 ? sideX + SIDE_W : mainRight;
  const sideLaneX = (i: number): number => sideRight + 24 + LANE_STEP * i;
  const rightEdge = sideLaneCount > 0 ? sideLaneX(sideLaneCount - 1) + 110 : sideRight + 20;
  const rowTop = (r: number): number => MARGIN + TITLE_H + INITIAL_H + r * PITCH;

  const boxes = new Map<string, Box>();
  rows.forEach((row, r) => {
    const w = (MAIN_W - ROW_GAP_X * (row.length - 1)) / row.length;
    row.forEach((s, i) => boxes.set(s, { x: x0 + i * (w + ROW_GAP_X), y: rowTop(r), w, h: NODE_H }));
  });
  for (const s of sideNames) boxes.set(s, { x: sideX, y: rowTop(sideRow.get(s)!), w: SIDE_W, h: NODE_H });

  // --- ports ---------------------------------------------------------------------------------
  const ports: Port[] = [];
  const addPort = (p: Omit<Port, 'y'>): void => {
    if (!ports.some((q) => q.node === p.node && q.side === p.side && q.key === p.key)) ports.push({ ...p, y: 0 });
  };
  const rowAny = (s: string): number => (side.has(s) ? sideRow.get(s)! : rowOf.get(s)!);
  for (const e of laned) {
    const id = `${e.from}\u0000${e.to}`;
    const lane = laneOf.get(id)!;
    for (const [node, other] of [
      [e.from, e.to],
      [e.to, e.from],
    ] as const) {
      addPort({
        node,
        side: 'left',
        key: `lane:${id}`,
        farness: lane,
        extendsAbove: rowAny(other) < rowAny(node),
        extendsBelow: rowAny(other) > rowAny(node),
      });
    }
  }
  for (const key of busKeys) {
    const [s] = key.split(':') as [string];
    const members = bused.filter((e) => busOf(e) === key);
    const rowsOnBus = [sideRow.get(s)!, ...members.map((e) => rowOf.get(side.has(e.from) ? e.to : e.from)!)];
    const lo = Math.min(...rowsOnBus);
    const hi = Math.max(...rowsOnBus);
    const x = busX.get(key)!;
    const r = sideRow.get(s)!;
    addPort({ node: s, side: 'left', key: `bus:${key}`, farness: sideX - x, extendsAbove: lo < r, extendsBelow: hi > r });
    for (const e of members) {
      const m = side.has(e.from) ? e.to : e.from;
      const mr = rowOf.get(m)!;
      addPort({
        node: m,
        side: 'right',
        key: `bus:${e.from}\u0000${e.to}`,
        farness: x - mainRight,
        extendsAbove: lo < mr,
        extendsBelow: hi > mr,
      });
    }
  }
  for (const e of sideToSide) {
    const id = `${e.from}\u0000${e.to}`;
    for (const [node, other] of [
      [e.from, e.to],
      [e.to, e.from],
    ] as const) {
      addPort({
        node,
        side: 'right',
        key: `side:${id}`,
        farness: sideLaneOf.get(id)!,
        extendsAbove: sideRow.get(other)! < sideRow.get(node)!,
        extendsBelow: sideRow.get(other)! > sideRow.get(node)!,
      });
    }
  }
  for (const note of notes) {
    addPort({ node: note.to, side: 'left', key: `note:${note.event}`, farness: 0, extendsAbove: false, extendsBelow: false });
  }
  // Order ports so lanes/buses cross as few stubs as possible: lanes ending here from above first
  // (nearest on top), then through-going ones, then lanes starting here downwards (farthest on top).
  const group = (p: Port): number => (p.extendsAbove && !p.extendsBelow ? 0 : !p.extendsAbove && p.extendsBelow ? 2 : 1);
  for (const node of names) {
    for (const sideName of ['left', 'right'] as const) {
      const list = ports
        .filter((p) => p.node === node && p.side === sideName)
        .sort(
          (a, b) =>
            group(a) - group(b) ||
            (group(a) === 2 ? b.farness - a.farness : a.farness - b.farness) ||
            (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
        );
      const box = boxes.get(node)!;
      list.forEach((p, i) => (p.y = box.y + (box.h * (i + 1)) / (list.length + 1)));
    }
  }
  const portY = (node: string, sideName: 'left' | 'right', key: string): number =>
    ports.find((p) => p.node === node && p.side === sideName && p.key === key)!.y;

  // --- drawing -------------------------------------------------------------------------------
  const usedColours = new Set<string>();
  const edgeSvg: string[] = [];
  const labelSvg: string[] = [];

  const labelText = (x: number, y: number, label: Label, anchor: 'start' | 'end' | 'middle', colour: string): string => {
    const cond = label.conditions.length > 0 ? ` [${label.conditions.join(', ')}]` : '';
    const w = textWidth(label.base + cond, LABEL_FS) + 4;
    const left = anchor === 'start' ? x - 2 : anchor === 'end' ? x - w + 2 : x - w / 2;
    const bg = `<rect x="${n(left)}" y="${n(y - LABEL_FS)}" width="${n(w)}" height="${n(LABEL_FS + 3)}" fill="#ffffff" fill-opacity="0.85"/>`;
    // dx instead of a leading space: renderers drop whitespace at the start of a tspan.
    const condSvg = cond ? `<tspan dx="3" fill="#546e7a" font-style="italic">${esc(cond.trimStart())}</tspan>` : '';
    return `${bg}<text x="${n(x)}" y="${n(y)}" font-size="${LABEL_FS}" text-anchor="${anchor}" fill="${colour}">${esc(label.base)}${condSvg}</text>`;
  };

  let edgeIndex = 0;
  const pushEdge = (from: string, to: string, labels: Label[], d: string, labels2: string): void => {
    const colour = colourOf(labels[0]!.base);
    usedColours.add(colour);
    const title = `${from} \u2192 ${to}: ${labels.map(formatLabel).join(' / ')}`;
    edgeSvg.push(
      `<g class="edge" id="edge-${edgeIndex++}"><title>${esc(title)}</title>` +
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5" marker-end="url(#arrow-${colour.slice(1)})"/></g>`,
    );
    labelSvg.push(labels2);
  };

  for (const e of vertical) {
    const a = boxes.get(e.from)!;
    const b = boxes.get(e.to)!;
    const x = Math.min(Math.max(b.x + b.w / 2, a.x + 12), a.x + a.w - 12);
    const y1 = a.y + a.h;
    const y2 = b.y;
    const colour = colourOf(e.labels[0]!.base);
    const lines = e.labels.flatMap((l) =>
      l.conditions.length > 0 && textWidth(formatLabel(l), LABEL_FS) > 110
        ? [{ base: l.base, conditions: [] }, { base: '', conditions: l.conditions }]
        : [l],
    );
    const top = (y1 + y2) / 2 - (lines.length * 12) / 2 + 9;
    const text = lines
      .map((l, i) =>
        l.base === ''
          ? `<text x="${n(x + 6)}" y="${n(top + i * 12)}" font-size="${LABEL_FS}" fill="#546e7a" font-style="italic">${esc(`[${l.conditions.join(', ')}]`)}</text>`
          : labelText(x + 6, top + i * 12, l, 'start', colour),
      )
      .join('');
    pushEdge(e.from, e.to, e.labels, `M${n(x)},${n(y1)} V${n(y2 - 1)}`, text);
  }

  for (const e of laned) {
    const id = `${e.from}\u0000${e.to}`;
    const lx = x0 - LANE_ROOM - LANE_STEP * laneOf.get(id)!;
    const ys = portY(e.from, 'left', `lane:${id}`);
    const yt = portY(e.to, 'left', `lane:${id}`);
    const a = boxes.get(e.from)!;
    const b = boxes.get(e.to)!;
    const colour = colourOf(e.labels[0]!.base);
    const text = e.labels.map((l, i) => labelText(a.x - 5, ys - 3 - i * 12, l, 'end', colour)).join('');
    pushEdge(e.from, e.to, e.labels, `M${n(a.x)},${n(ys)} H${n(lx)} V${n(yt)} H${n(b.x - 1)}`, text);
  }

  for (const e of bused) {
    const key = busOf(e);
    const bx = busX.get(key)!;
    const s = side.has(e.from) ? e.from : e.to;
    const m = side.has(e.from) ? e.to : e.from;
    const sy = portY(s, 'left', `bus:${key}`);
    const my = portY(m, 'right', `bus:${e.from}\u0000${e.to}`);
    const mb = boxes.get(m)!;
    const sb = boxes.get(s)!;
    const colour = colourOf(e.labels[0]!.base);
    const outgoing = m === e.from;
    const text = e.labels
      .map((l, i) => labelText(mb.x + mb.w + (outgoing ? 5 : 14), my - 3 - i * 12, l, 'start', colour))
      .join('');
    const d = outgoing
      ? `M${n(mb.x + mb.w)},${n(my)} H${n(bx)} V${n(sy)} H${n(sb.x - 1)}`
      : `M${n(sb.x)},${n(sy)} H${n(bx)} V${n(my)} H${n(mb.x + mb.w + 1)}`;
    pushEdge(e.from, e.to, e.labels, d, text);
  }

  for (const e of sideToSide) {
    const id = `${e.from}\u0000${e.to}`;
    const lx = sideLaneX(sideLaneOf.get(id)!);
    const ys = portY(e.from, 'right', `side:${id}`);
    const yt = portY(e.to, 'right', `side:${id}`);
    const colour = colourOf(e.labels[0]!.base);
    const text = e.labels.map((l, i) => labelText(sideRight + 5, ys - 3 - i * 12, l, 'start', colour)).join('');
    pushEdge(e.from, e.to, e.labels, `M${n(sideRight)},${n(ys)} H${n(lx)} V${n(yt)} H${n(sideRight + 1)}`, text);
  }

  // Self-loops drawn compactly as a small loop on the left part of a stage's top edge.
  for (const [node, labels] of loops) {
    const b = boxes.get(node)!;
    const parsed = labels.map((label) => {
      const m = selfMoves.find((s) => s.from === node && s.label === label)!;
      return { base: m.base, conditions: m.conditions };
    });
    const colour = colourOf(parsed[0]!.base);
    const d = `M${n(b.x + 52)},${n(b.y)} C${n(b.x + 52)},${n(b.y - 26)} ${n(b.x + 18)},${n(b.y - 26)} ${n(b.x + 18)},${n(b.y - 1)}`;
    const text = parsed.map((l, i) => labelText(b.x + 12, b.y - 10 - i * 12, l, 'end', colour)).join('');
    pushEdge(node, node, parsed, d, text);
  }

  // Notes for collapsed events.
  const noteSvg: string[] = [];
  for (const note of notes) {
    const target = boxes.get(note.to)!;
    const y = portY(note.to, 'left', `note:${note.event}`);
    const colour = colourOf(note.label.base);
    usedColours.add(colour);
    const right = target.x - 30;
    const left = side.has(note.to) ? mainRight + 24 : target.x - 200;
    const lines = wrap(note.text, right - left - 12, LABEL_FS + 1);
    const h = lines.length * 13 + 10;
    const top = y - h / 2;
    noteSvg.push(
      `<g class="note" id="note-${esc(note.event)}"><title>${esc(note.text)}</title>` +
        `<rect x="${n(left)}" y="${n(top)}" width="${n(right - left)}" height="${n(h)}" rx="4" ry="4" fill="#fffde7" stroke="${colour}" stroke-dasharray="4 3"/>` +
        lines
          .map(
            (line, i) =>
              `<text x="${n(left + 6)}" y="${n(top + 16 + i * 13)}" font-size="${LABEL_FS + 1}" fill="${colour}">${esc(line)}</text>`,
          )
          .join('') +
        `<path d="M${n(right)},${n(y)} H${n(target.x - 1)}" fill="none" stroke="${colour}" stroke-width="1.5" marker-end="url(#arrow-${colour.slice(1)})"/></g>`,
    );
  }

  // Stages.
  const nodeSvg: string[] = [];
  for (const name of names) {
    const b = boxes.get(name)!;
    const role = roleOf(name);
    const final = isFinal.has(name);
    const fill = final ? '#eceff1' : role ? '#e3f2fd' : side.has(name) ? '#fff3e0' : '#e8f5e9';
    const cx = b.x + b.w / 2;
    const tooltip = [name, titleOf(name), role ? `role: ${role}` : undefined, final ? 'final' : undefined]
      .filter(Boolean)
      .join(' \u2014 ');
    const parts = [
      `<g class="stage" id="stage-${esc(name)}"><title>${esc(tooltip)}</title>`,
      `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.w)}" height="${n(b.h)}" rx="10" ry="10" fill="${fill}" stroke="#263238" stroke-width="1.5"/>`,
    ];
    if (final) {
      parts.push(
        `<rect x="${n(b.x + 4)}" y="${n(b.y + 4)}" width="${n(b.w - 8)}" height="${n(b.h - 8)}" rx="7" ry="7" fill="none" stroke="#263238" stroke-width="1.2"/>`,
      );
    }
    const nameY = role ? b.y + 24 : b.y + b.h / 2 + 5;
    parts.push(
      `<text class="stage-name" x="${n(cx)}" y="${n(nameY)}" font-size="13" font-weight="bold" text-anchor="middle" fill="#102027">${esc(name)}</text>`,
    );
    if (role) {
      parts.push(
        `<text class="stage-role" x="${n(cx)}" y="${n(b.y + 42)}" font-size="11" text-anchor="middle" fill="#455a64">role: ${esc(role)}</text>`,
      );
    }
    parts.push('</g>');
    nodeSvg.push(parts.join(''));
  }

  // Initial marker.
  const initialSvg: string[] = [];
  if (initial !== undefined && boxes.has(initial)) {
    const b = boxes.get(initial)!;
    const cx = b.x + b.w / 2;
    usedColours.add(DEFAULT_COLOUR);
    initialSvg.push(
      `<g class="initial"><circle cx="${n(cx)}" cy="${n(b.y - INITIAL_H + 4)}" r="5" fill="#263238"/>` +
        `<path d="M${n(cx)},${n(b.y - INITIAL_H + 9)} V${n(b.y - 1)}" fill="none" stroke="${DEFAULT_COLOUR}" stroke-width="1.5" marker-end="url(#arrow-${DEFAULT_COLOUR.slice(1)})"/></g>`,
    );
  }

  // Footnotes.
  const taskStages = names.filter((s) => roleOf(s) !== undefined);
  const foot: string[] = [];
  for (const [key, labels] of footSelf) {
    const states = key.split(',');
    const everyTask = taskStages.length > 0 && taskStages.every((s) => states.includes(s));
    const others = states.filter((s) => !taskStages.includes(s));
    const where = everyTask ? ['every task stage', ...others].join(', ') : states.join(', ');
    foot.push(`${labels.join(', ')}: accepted in ${where} without changing stage (not drawn).`);
  }
  foot.push('Double border: final stage. Second line: the role that acts on the stage\u2019s tasks. [..]: further guard.');

  const bodyBottom = rowTop(rowCount - 1) + NODE_H;
  const footTop = bodyBottom + 30;
  const width = Math.ceil(rightEdge + MARGIN);
  const height = Math.ceil(footTop + foot.length * FOOT_LINE + MARGIN);
  const title = options.title ?? `${machine.id} workflow`;

  const markers = [...usedColours]
    .sort()
    .map(
      (c) =>
        `<marker id="arrow-${c.slice(1)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`,
    );

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<defs>${markers.join('')}</defs>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="diagram-title" x="${MARGIN}" y="${MARGIN + 22}" font-size="18" font-weight="bold" fill="#102027">${esc(title)}</text>`,
    ...initialSvg,
    ...edgeSvg,
    ...noteSvg,
    ...nodeSvg,
    ...labelSvg.filter(Boolean),
    ...foot.map(
      (line, i) =>
        `<text class="footnote" x="${MARGIN}" y="${n(footTop + i * FOOT_LINE)}" font-size="11" fill="#455a64">${esc(line)}</text>`,
    ),
    '</svg>',
    '',
  ].join('\n');
}
