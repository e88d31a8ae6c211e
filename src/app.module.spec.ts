import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';

/** One module of the graph as Nest reads it: its decorator's metadata merged with a dynamic module's fields. */
interface Node {
  name: string;
  ours: boolean;
  global: boolean;
  imports: Array<Type | DynamicModule | ForwardReference>;
  providers: Provider[];
  controllers: Type[];
  exports: unknown[];
}

/** Modules of libraries, not ours: `@nestjs/typeorm`'s (its core module is global by the library's design). */
const LIBRARY_MODULES = new Set(['TypeOrmModule', 'TypeOrmCoreModule']);
/** Ours that may be global, and why (config.module.ts, clock.module.ts): each holds only the value handed in. */
const GLOBAL_OURS = new Set(['ConfigModule', 'ClockModule']);

function nodeOf(m: Type | DynamicModule): Node {
  const cls = typeof m === 'function' ? m : m.module;
  const dyn: Partial<DynamicModule> = typeof m === 'function' ? {} : m;
  const meta = <T>(key: string): T[] => [...((Reflect.getMetadata(key, cls) as T[] | undefined) ?? []), ...(((dyn as Record<string, unknown>)[key] as T[] | undefined) ?? [])];
  return {
    name: cls.name,
    ours: !LIBRARY_MODULES.has(cls.name),
    global: Reflect.getMetadata('__module:global__', cls) === true || dyn.global === true,
    imports: meta('imports'),
    providers: meta('providers'),
    controllers: meta('controllers'),
    // An export is a token, or (in libraries) the provider itself.
    exports: meta<unknown>('exports').map((e) => (typeof e === 'object' && e !== null && 'provide' in e ? e.provide : e)),
  };
}

function graphOf(root: DynamicModule): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const visit = (m: Type | DynamicModule) => {
    const node = nodeOf(m);
    if (nodes.has(node.name)) return;
    nodes.set(node.name, node);
    for (const i of node.imports) if (!('forwardRef' in i)) visit(i);
  };
  visit(root);
  return nodes;
}

const importedNames = (node: Node): string[] => node.imports.filter((i) => !('forwardRef' in i)).map((i) => nodeOf(i as Type | DynamicModule).name);

/** The tokens a provider or controller is built from: `@Inject` parameters, or a factory's `inject`. */
function dependenciesOf(p: Provider | Type): unknown[] {
  if (typeof p === 'function') return ((Reflect.getMetadata('self:paramtypes', p) as Array<{ param: unknown }> | undefined) ?? []).map((d) => d.param);
  if ('useClass' in p) return dependenciesOf(p.useClass);
  if ('useFactory' in p) return (p.inject ?? []).map((t) => (typeof t === 'object' && t !== null && 'token' in t ? t.token : t));
  return [];
}

const tokenOf = (p: Provider): unknown => (typeof p === 'function' ? p : p.provide);
const label = (t: unknown): string => (typeof t === 'function' ? t.name : String(t));

describe('the Nest module graph (issue 16 §2)', () => {
  const graph = graphOf(AppModule.forRoot({} as AppConfig));
  const ours = [...graph.values()].filter((n) => n.ours);

  it('has no forwardRef: a cycle is a dependency pointing the wrong way', () => {
    const forwards = ours.flatMap((n) => n.imports.filter((i) => 'forwardRef' in i).map(() => n.name));
    expect(forwards).toEqual([]);
  });

  it('has no cycle among its imports', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const walk = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'open') return void cycles.push([...path, name].join(' → '));
      state.set(name, 'open');
      for (const next of importedNames(graph.get(name)!)) walk(next, [...path, name]);
      state.set(name, 'done');
    };
    walk('AppModule', []);
    expect(cycles).toEqual([]);
  });

  it('has no global module of ours but ConfigModule and ClockModule, and those import nothing and build nothing', () => {
    expect(ours.filter((n) => n.global).map((n) => n.name).sort()).toEqual([...GLOBAL_OURS].sort());
    for (const name of GLOBAL_OURS) {
      const node = graph.get(name)!;
      expect({ name, imports: node.imports.length, built: node.providers.filter((p) => typeof p === 'function' || !('useValue' in p)).length }).toEqual({ name, imports: 0, built: 0 });
    }
  });

  it('builds every provider and controller from its own module, what its imports export, or a global module', () => {
    const globals = [...graph.values()].filter((n) => n.global).flatMap((n) => n.exports);
    const missing: string[] = [];
    for (const node of ours) {
      const visible = new Set<unknown>([Reflector, ...globals, ...node.providers.map(tokenOf), ...node.imports.flatMap((i) => graph.get(nodeOf(i as Type | DynamicModule).name)!.exports)]);
      for (const p of [...node.providers, ...node.controllers]) {
        for (const dep of dependenciesOf(p)) if (!visible.has(dep)) missing.push(`${node.name}: ${label(tokenOf(p as Provider))} needs ${label(dep)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('exports only what a module importing it uses', () => {
    const unused: string[] = [];
    for (const node of ours) {
      if (node.global) continue;
      const importers = ours.filter((n) => importedNames(n).includes(node.name));
      for (const token of node.exports) {
        const used = importers.some((n) => [...n.providers, ...n.controllers].some((p) => dependenciesOf(p).includes(token)));
        if (!used) unused.push(`${node.name} exports ${label(token)}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('declares each controller in one module only', () => {
    const controllers = ours.flatMap((n) => n.controllers.map((c) => c.name));
    expect(controllers.length).toBeGreaterThan(10);
    expect(controllers.filter((c, i) => controllers.indexOf(c) !== i)).toEqual([]);
  });
});
