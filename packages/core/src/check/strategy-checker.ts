/**
 * Strategies: a `primary` and a `secondary` block of rules, first match wins,
 * each ending in `else`. Rules after `else`, or repeating an earlier rule's
 * condition (compared structurally, after lowering), can never fire.
 * (Which secondary a customer gets is the runtime's business; here we only lower.)
 */
import type { StrategyBlock, StrategyDecl } from '../syntax/ast';
import type { StrategyDef, StrategyRuleDef } from '../model/ir';
import type { CheckContext, DeclEntry } from './check-context';
import type { ExprLowerer } from './lower-expr';
import { symbolId } from './symbol-index';

/**
 * Before anything else is checked: every outcome strategies can produce, so
 * offers, plans and tests can name them. The first occurrence (files in path
 * order) is the outcome's declaration for the symbol index.
 */
export function collectOutcomes(ctx: CheckContext, entries: readonly DeclEntry[]): void {
  for (const entry of entries) {
    if (entry.kind !== 'strategy') continue;
    const outcomes: string[] = [];
    for (const block of [entry.node.primary, entry.node.secondary]) {
      for (const rule of block?.rules ?? []) {
        const name = rule.outcome;
        if (name.text === '') continue;
        if (!outcomes.includes(name.text)) outcomes.push(name.text);
        if (ctx.outcomes.has(name.text)) {
          ctx.symbols.reference(entry.file, name.span, symbolId('outcome', name.text));
        } else {
          ctx.outcomes.set(name.text, { file: entry.file, span: name.span });
          ctx.symbols.declare({
            id: symbolId('outcome', name.text),
            name: name.text,
            kind: 'outcome',
            file: entry.file,
            nameSpan: name.span,
            span: rule.span,
            detail: `outcome of ${entry.name}`,
          });
        }
      }
    }
    ctx.strategyOutcomes.set(entry.name, outcomes);
  }
}

export function checkStrategy(lowerer: ExprLowerer, decl: StrategyDecl, file: string): StrategyDef {
  const ctx = lowerer.ctx;
  const blocks: Record<'primary' | 'secondary', StrategyRuleDef[]> = { primary: [], secondary: [] };
  for (const which of ['primary', 'secondary'] as const) {
    const block = decl[which];
    if (!block) {
      ctx.report(
        'SEG4004',
        file,
        decl.name.span,
        `Strategy \`${decl.name.text}\` needs a \`${which} { … }\` block: every customer gets a primary and a secondary outcome.`,
      );
      continue;
    }
    blocks[which] = checkBlock(lowerer, block, file);
  }
  return {
    name: decl.name.text,
    ...(decl.label ? { label: decl.label.value } : {}),
    ...(decl.doc ? { doc: decl.doc } : {}),
    origin: { file, span: decl.name.span },
    primary: blocks.primary,
    secondary: blocks.secondary,
    outcomes: ctx.strategyOutcomes.get(decl.name.text) ?? [],
  };
}

function checkBlock(lowerer: ExprLowerer, block: StrategyBlock, file: string): StrategyRuleDef[] {
  const ctx = lowerer.ctx;
  const rules: StrategyRuleDef[] = [];
  const seen = new Map<string, StrategyBlock['rules'][number]>();
  let elseRule: StrategyBlock['rules'][number] | undefined;
  for (const rule of block.rules) {
    if (elseRule) {
      ctx.report('SEG4002', file, rule.span, `This rule comes after \`else\`, so it can never fire.`, {
        related: [{ file, span: elseRule.span, message: 'Every remaining customer stops at this `else`' }],
      });
    }
    const origin = { file, span: rule.span };
    if (!rule.condition) {
      elseRule ??= rule;
      rules.push({ outcome: rule.outcome.text, origin });
      continue;
    }
    const condition = lowerer.condition(rule.condition, { file }, 'A rule');
    const key = JSON.stringify(condition);
    const earlier = seen.get(key);
    if (earlier && !elseRule && (condition.type as string) !== 'unknown') {
      ctx.report('SEG4003', file, rule.condition.span, 'An earlier rule has the same condition, so this rule can never fire.', {
        related: [{ file, span: earlier.span, message: 'The earlier rule with this condition' }],
      });
    } else if (!earlier) seen.set(key, rule);
    rules.push({ condition, outcome: rule.outcome.text, origin });
  }
  if (!elseRule) {
    const keyword = { start: block.span.start, end: block.span.start + block.which.length };
    ctx.report(
      'SEG4001',
      file,
      keyword,
      `The \`${block.which}\` block has no \`else\`: customers matching none of its rules would get no outcome. End it with \`else <outcome>\`.`,
    );
  }
  return rules;
}
