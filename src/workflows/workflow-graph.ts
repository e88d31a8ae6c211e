/**
 * Reads a workflow machine (XState v5, flat top-level states = case stages) into the graph a person
 * reads: one node per stage, one edge per way between stages, in words of the label catalogue.
 * Moves that many task stages share with one target (every task stage may return a case for
 * revision) are lifted to the group of task stages, so the picture has one arrow where the machine
 * has seven; a move from nearly everywhere (withdrawal) is written on its target instead of drawn.
 * Self-transitions (claim, delegate, uploads) change no stage and are left out. Pure: no layout, no markup.
 */
import { and } from 'xstate';
import type { Role } from '../../workflows/domain.js';
import type { WorkflowDefinition } from '../../workflows/registry.js';
import { label, type Locale } from '../i18n/labels.js';

/** The id of the group node that stands for every task stage in lifted edges. */
export const GROUP = 'group';

export interface StageNode {
  id: string;
  name: string;
  /** Smaller lines under the name: who acts at a task stage ("oleh Bagian Hukum"), or a way in drawn as words. */
  notes: string[];
  final: boolean;
  /** Inside the group of task stages. */
  grouped: boolean;
}

export interface StageEdge {
  id: string;
  from: string;
  to: string;
  /** Empty for a plain approval, the picture's default ("unlabelled arrow: approved"). */
  text: string;
  /** Taken only when a condition holds or a side decision is made: drawn dashed. */
  conditional: boolean;
  /** The stage-to-stage steps (from, to) this edge stands for, to draw a case's path on it. */
  steps: [string, string][];
}

export interface StageGraph {
  title: string;
  groupName: string;
  nodes: StageNode[];
  edges: StageEdge[];
}

/** Guards that choose a branch, with the words of their condition; other guards are preconditions, not drawn. */
const CONDITIONS: Record<string, 'diagram.ifDprd' | 'diagram.ifForeign' | 'diagram.toAsker' | 'diagram.ifCity'> = {
  needsDprd: 'diagram.ifDprd',
  cityInitiative: 'diagram.ifCity',
  isForeign: 'diagram.ifForeign',
  returnsTo: 'diagram.toAsker',
};
/**
 * Guards that read only what a case is given when it begins (who took the initiative), so one case's
 * picture can leave out the ways it can never take: an OPD's proposal on cooperation@3 shows no intake
 * and no partner_response. Guards read later (DPRD, foreign partner) stay drawn as conditions.
 */
const FIXED_AT_START = new Set(['fromPartner', 'cityInitiative']);
/** Decisions and events of the main way forward; any other move is a side way. */
const FORWARD = new Set(['approve', 'sign', 'SUBMIT', 'EXPIRE']);
/** Lift a move to the group when at least this many task stages share it. */
const FAN = 3;

interface TransitionLike {
  target?: readonly { path: string[] }[];
  guard?: unknown;
}

interface StateNodeLike {
  key: string;
  type: string;
  transitions: Map<string, TransitionLike[]>;
  always?: readonly TransitionLike[];
}

/** One case's facts fixed at its start (its machine context), to draw only the ways open to it. */
export interface CaseView {
  context: Record<string, unknown>;
}

/** Whether a transition's start-fixed guards hold for the case: true, false, or null when it has none. */
type FixedHolds = (t: TransitionLike) => boolean | null;

/** The machine's start-fixed guards it implements, each asked of a case's context. */
function startGuards(workflow: DiagramWorkflow): Map<string, (context: Record<string, unknown>) => boolean> {
  const guards = (workflow.machine.implementations.guards ?? {}) as unknown as Record<string, unknown>;
  const found = new Map<string, (context: Record<string, unknown>) => boolean>();
  for (const name of FIXED_AT_START) {
    const guard = guards[name];
    if (typeof guard === 'function') found.set(name, (context) => Boolean((guard as (args: { context: unknown; event: unknown }) => unknown)({ context, event: { type: '' } })));
  }
  return found;
}

function fixedHolds(workflow: DiagramWorkflow, view: CaseView | undefined): FixedHolds {
  const guards = startGuards(workflow);
  return (t) => {
    if (!view) return null;
    const fixed = guardParts(t.guard).filter((p) => guards.has(p.type));
    if (fixed.length === 0) return null;
    return fixed.every((p) => guards.get(p.type)!(view.context));
  };
}

/**
 * Of one event's transitions, those a case could take: xstate takes the first enabled one, so a later one
 * is shadowed when an earlier one's start-fixed guards hold and its other guards ask no more than the later's
 * (TKKSD's `approve` goes to partner_response for the city's offer, never on to legal review).
 */
function openTransitions(transitions: readonly TransitionLike[], holds: FixedHolds): TransitionLike[] {
  const open: TransitionLike[] = [];
  const shadows: Set<string>[] = [];
  const rest = (t: TransitionLike) => new Set(guardParts(t.guard).filter((p) => !FIXED_AT_START.has(p.type)).map((p) => JSON.stringify(p)));
  for (const t of transitions) {
    const h = holds(t);
    if (h === false) continue;
    const own = rest(t);
    if (shadows.some((earlier) => [...earlier].every((p) => own.has(p)))) continue;
    open.push(t);
    if (h === true) shadows.push(own);
  }
  return open;
}

/** A key of what `view` decides for this workflow's start-fixed guards ('' without a view), to cache a case's picture by. */
export function caseViewKey(workflow: DiagramWorkflow, view: CaseView | undefined): string {
  if (!view) return '';
  return [...startGuards(workflow)].map(([name, holds]) => `${name}=${holds(view.context) ? 1 : 0}`).join(',');
}

/** A state left at once by eventless moves and by nothing else: the machine's way in, never a case's stage. */
export function isPassedThrough(state: { always?: readonly unknown[]; transitions: Map<string, unknown> }): boolean {
  return (state.always?.length ?? 0) > 0 && state.transitions.size === 0;
}

interface Move {
  from: string;
  to: string;
  /** The decision for DECIDE, else the event type. */
  what: string;
  condition?: string;
}

const AND_CHECK = (and([]) as unknown as { check: unknown }).check;

/** The parts of a guard that must all hold (an `and([...])` is a function holding its `guards`), as {type, params}. */
function guardParts(guard: unknown): { type: string; params?: Record<string, unknown> }[] {
  if (typeof guard === 'string') return [{ type: guard }];
  if (typeof guard === 'function') {
    const g = guard as { check?: unknown; guards?: unknown[] };
    // An `or`/`not` does not say its parts hold: read as a precondition, never as a branch's condition.
    return g.check === AND_CHECK && Array.isArray(g.guards) ? g.guards.flatMap(guardParts) : [];
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return [guard as { type: string; params?: Record<string, unknown> }];
  return [];
}

function readMoves(states: StateNodeLike[], holds: FixedHolds): Move[] {
  const moves: Move[] = [];
  for (const state of states) {
    for (const [event, transitions] of state.transitions) {
      for (const t of openTransitions(transitions, holds)) {
        const to = t.target?.[0]?.path[0];
        if (to === undefined || to === state.key) continue;
        const parts = guardParts(t.guard);
        const decision = parts.find((p) => p.type === 'decisionIs')?.params?.decision;
        const condition = parts.map((p) => p.type).find((type) => Object.hasOwn(CONDITIONS, type));
        moves.push({ from: state.key, to, what: typeof decision === 'string' ? decision : event, condition });
      }
    }
  }
  return moves;
}

/** The words on an edge; a plain approval has none, and an approval beside conditional ones says "otherwise". */
function moveText(locale: Locale, move: Move, moves: Move[]): string {
  if (move.condition) return label(locale, 'diagram', CONDITIONS[move.condition]!.slice('diagram.'.length));
  if (move.what === 'approve') {
    const branches = moves.some((o) => o.from === move.from && o.what === 'approve' && o.condition && o.to !== move.to);
    return branches ? label(locale, 'diagram', 'otherwise') : '';
  }
  return /^[A-Z_]+$/.test(move.what) ? label(locale, 'event', move.what) : label(locale, 'decision', move.what);
}

/** What the picture reads from a version: its machine, and who acts where. */
export type DiagramWorkflow = Pick<WorkflowDefinition, 'machine' | 'taskStageRules' | 'caseEventRules'>;

type IsTask = (stage: string) => boolean;

/** The task stages at `side` of the moves like `m`: same decision or event, same condition, same other end. */
function taskEnds(isTask: IsTask, moves: Move[], m: Move, side: 'from' | 'to'): Set<string> {
  const other = side === 'from' ? 'to' : 'from';
  return new Set(moves.filter((o) => o.what === m.what && o.condition === m.condition && o[other] === m[other] && isTask(o[side])).map((o) => o[side]));
}

/**
 * A move shared by the group and stages outside it (withdrawal) would need an arrow from nearly
 * everywhere: it becomes one line on its target ("dari tahap mana pun, kecuali Ditandatangani").
 * Returns the moves left to draw and the lines per target.
 */
function writeEverywhereMoves(isTask: IsTask, locale: Locale, moves: Move[], live: string[]): { moves: Move[]; notes: Map<string, string> } {
  const notes = new Map<string, string>();
  let left = moves;
  for (const m of moves) {
    const sources = new Set(moves.filter((o) => o.what === m.what && o.to === m.to).map((o) => o.from));
    const grouped = [...sources].filter(isTask).length;
    if (grouped < FAN || grouped === sources.size || notes.has(m.to)) continue;
    const missing = live.filter((s) => s !== m.to && !sources.has(s)).map((s) => label(locale, 'stage', s));
    notes.set(m.to, missing.length > 0 ? label(locale, 'diagram', 'fromAnyExcept').replace('{stages}', missing.join(', ')) : label(locale, 'diagram', 'fromAny'));
    left = left.filter((o) => !(o.what === m.what && o.to === m.to));
  }
  return { moves: left, notes };
}

/** Who acts at a stage: a task stage's role, or the one role whose case events are all its ways out (the proposer at Usulan). */
function actorOf(workflow: DiagramWorkflow, stage: string, moves: Move[]): Role | undefined {
  const task = Object.hasOwn(workflow.taskStageRules, stage) ? workflow.taskStageRules[stage] : undefined;
  if (task) return task.role;
  const rules = moves.filter((m) => m.from === stage).map((m) => (Object.hasOwn(workflow.caseEventRules, m.what) ? workflow.caseEventRules[m.what] : undefined));
  const roles = new Set(rules.flatMap((r) => r?.roles ?? []));
  return rules.length > 0 && rules.every(Boolean) && roles.size === 1 ? [...roles][0] : undefined;
}

/**
 * The stages a case can reach, with `view`: from where it begins (through any passed-through state's
 * open ways) along the moves open to it. Without a view, every stage.
 */
function reachable(all: StateNodeLike[], initial: string, moves: Move[], holds: FixedHolds, view: CaseView | undefined): Set<string> {
  if (!view) return new Set(all.map((s) => s.key));
  const byKey = new Map(all.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const queue = [initial];
  while (queue.length > 0) {
    const key = queue.shift()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const state = byKey.get(key);
    if (state && isPassedThrough(state)) {
      for (const t of openTransitions(state.always ?? [], holds)) if (t.target?.[0]) queue.push(t.target[0].path[0]!);
    }
    for (const m of moves) if (m.from === key) queue.push(m.to);
  }
  return seen;
}

export function readStageGraph(workflow: DiagramWorkflow, locale: Locale, title: string, view?: CaseView): StageGraph {
  const isTask: IsTask = (id) => Object.hasOwn(workflow.taskStageRules, id);
  const holds = fixedHolds(workflow, view);
  const root = workflow.machine.root as unknown as { states: Record<string, StateNodeLike>; initial?: { target?: readonly { key: string }[] } };
  const all = Object.values(root.states);
  // A state a case only passes through (cooperation@3's `begin`, to where its initiative starts) is no stage.
  const stages = all.filter((s) => !isPassedThrough(s));
  const initial = root.initial?.target?.[0]?.key ?? stages[0]?.key ?? '';
  const open = readMoves(stages, holds);
  const reach = reachable(all, initial, open, holds, view);
  const states = stages.filter((s) => reach.has(s.key));
  const live = states.filter((s) => s.type !== 'final').map((s) => s.key);
  // A move from a stage the case can reach goes only to one it can reach too.
  const { moves, notes } = writeEverywhereMoves(isTask, locale, open.filter((m) => reach.has(m.from)), live);
  const nodes: StageNode[] = states.map((s) => {
    const role = actorOf(workflow, s.key, moves);
    const note = role ? label(locale, 'diagram', 'by').replace('{role}', label(locale, 'role', role)) : notes.get(s.key);
    return { id: s.key, name: label(locale, 'stage', s.key), notes: note ? [note] : [], final: s.type === 'final', grouped: isTask(s.key) };
  });
  const taskStages = nodes.filter((n) => n.grouped).map((n) => n.id);

  const edges = new Map<string, StageEdge>();
  for (const m of moves) {
    // Ways into or out of the group that enough task stages share are lifted to the group; the
    // steps between task stages stay as they are.
    const fromGroup = isTask(m.from) && !isTask(m.to) && taskEnds(isTask, moves, m, 'from').size >= FAN;
    const toGroup = isTask(m.to) && !isTask(m.from) && taskEnds(isTask, moves, m, 'to').size >= FAN;
    const from = fromGroup ? GROUP : m.from;
    const to = toGroup ? GROUP : m.to;
    const key = `${from}>${to}>${m.what}>${m.condition ?? ''}`;
    let edge = edges.get(key);
    if (!edge) {
      let text = moveText(locale, m, moves);
      const missing = fromGroup ? taskStages.filter((s) => !taskEnds(isTask, moves, m, 'from').has(s)) : [];
      if (missing.length > 0) text = label(locale, 'diagram', 'except').replace('{label}', text).replace('{stages}', missing.map((s) => label(locale, 'stage', s)).join(', '));
      edge = { id: `e${edges.size}`, from, to, text, conditional: m.condition !== undefined || !FORWARD.has(m.what), steps: [] };
      edges.set(key, edge);
    }
    edge.steps.push([m.from, m.to]);
  }
  return { title, groupName: label(locale, 'diagram', 'group'), nodes, edges: [...edges.values()] };
}
