/**
 * The order in which constants, metrics and segments are checked and evaluated:
 * each after everything it uses. Dependencies are found by resolving names
 * quietly (the same resolution the checker uses afterwards), then Tarjan's
 * strongly connected components, iteratively so a long chain of metrics cannot
 * overflow the stack. A component with more than one member, or a declaration
 * using itself, is a cycle: reported at each member, naming the cycle.
 */
import type { Expr, Window } from '../syntax/ast';
import { type CheckContext, type DeclEntry, type Env, VALUE_KINDS } from './check-context';
import type { NameResolver } from './resolve-name';

const RANKINGS = new Set(['quintile', 'decile', 'percentile', 'rank', 'ntile']);

function windowBounds(window: Window | undefined): Expr[] {
  if (!window || window.kind === 'LastWindow') return [];
  return [window.from, window.to];
}

/** Names of value declarations an expression uses, in the scopes the checker will use. */
function collect(ctx: CheckContext, resolver: NameResolver, expr: Expr, env: Env, out: Set<string>): void {
  const visit = (e: Expr, scope: Env = env) => collect(ctx, resolver, e, scope, out);
  switch (expr.kind) {
    case 'Ref': {
      const resolved = resolver.resolve(expr, env, true);
      if (resolved.kind === 'decl' && VALUE_KINDS.has(resolved.entry.kind)) out.add(resolved.entry.name);
      return;
    }
    case 'Index':
      visit(expr.target);
      visit(expr.index);
      return;
    case 'Aggregate': {
      const table = ctx.tables.get(expr.source.parts[0]?.text ?? '');
      for (const bound of windowBounds(expr.window)) visit(bound);
      if (expr.where) visit(expr.where, table ? { ...env, event: table } : env);
      return;
    }
    case 'Call':
      for (const arg of expr.args) visit(arg.value, RANKINGS.has(expr.callee.text) ? { file: env.file } : env);
      return;
    case 'List':
      expr.items.forEach((item) => visit(item));
      return;
    case 'Block':
      expr.items.forEach((item) => visit(item));
      return;
    case 'Unary':
      visit(expr.operand);
      return;
    case 'Binary':
    case 'Logical':
    case 'Compare':
      visit(expr.left);
      visit(expr.right);
      return;
    case 'InList':
      visit(expr.subject);
      visit(expr.list);
      return;
    case 'InWindow':
      visit(expr.subject);
      windowBounds(expr.window).forEach((bound) => visit(bound));
      return;
    case 'Between':
      visit(expr.subject);
      visit(expr.low);
      visit(expr.high);
      return;
    case 'IsMissing':
      visit(expr.subject);
      return;
    case 'TextMatch':
      visit(expr.subject);
      visit(expr.pattern);
      return;
    case 'Paren':
      visit(expr.inner);
      return;
    default:
      return; // literals, time points, errors
  }
}

function bodies(entry: DeclEntry): Expr[] {
  switch (entry.kind) {
    case 'const':
    case 'list':
    case 'metric':
      return [entry.node.value];
    case 'segment':
      return [entry.node.condition];
    case 'map':
      return entry.node.entries.flatMap((e) => [e.key, e.value]);
    default:
      return [];
  }
}

export interface DeclarationOrder {
  /** Value declarations, each after its dependencies. */
  readonly order: readonly DeclEntry[];
  /** Names that are part of a cycle. */
  readonly cyclic: ReadonlySet<string>;
}

export function orderValueDeclarations(ctx: CheckContext, resolver: NameResolver, entries: readonly DeclEntry[]): DeclarationOrder {
  const nodes = entries.filter((entry) => VALUE_KINDS.has(entry.kind));
  const edges = new Map<string, string[]>();
  for (const entry of nodes) {
    const deps = new Set<string>();
    for (const body of bodies(entry)) collect(ctx, resolver, body, { file: entry.file }, deps);
    edges.set(entry.name, [...deps]);
  }
  const components = stronglyConnected(nodes.map((n) => n.name), edges);
  const cyclic = new Set<string>();
  const order: DeclEntry[] = [];
  for (const component of components) {
    const members = new Set(component);
    const isCycle = component.length > 1 || edges.get(component[0]!)!.includes(component[0]!);
    if (isCycle) {
      for (const name of component) {
        cyclic.add(name);
        const path = cycleThrough(name, members, edges);
        const entry = ctx.decls.get(name)!;
        const node = entry.node as { name: { span: { start: number; end: number } } };
        ctx.report('SEG1008', entry.file, node.name.span, `\`${name}\` depends on itself: ${path.join(' → ')}.`);
      }
    }
    for (const name of component) order.push(ctx.decls.get(name)!);
  }
  return { order, cyclic };
}

/** The shortest cycle from `start` back to itself inside one component (breadth-first). */
function cycleThrough(start: string, members: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== start && at !== undefined; at = previous.get(at)) path.push(at);
        path.push(start);
        // Built backwards from the end: reverse all but keep start at both ends.
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * Tarjan's algorithm without recursion. Components come out dependencies first
 * (a component is emitted only after every component it reaches).
 */
function stronglyConnected(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const open = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
  };
  for (const root of nodes) {
    if (index.has(root)) continue;
    open(root);
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const successors = edges.get(frame.node) ?? [];
      if (frame.next < successors.length) {
        const next = successors[frame.next++]!;
        if (!edges.has(next)) continue;
        if (!index.has(next)) {
          open(next);
          work.push({ node: next, next: 0 });
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.reverse());
      }
    }
  }
  return components;
}
