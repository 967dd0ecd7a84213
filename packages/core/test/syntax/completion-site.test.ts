import { describe, expect, it } from 'vitest';
import { callsAt, completionSiteAt, parseFile, type CompletionSite } from '../../src/index';

/** The site at the `|` of `marked`. */
function siteAt(marked: string): CompletionSite {
  const at = marked.indexOf('|');
  return completionSiteAt(parseFile('a.seg', marked.slice(0, at) + marked.slice(at + 1)).file, at);
}
const keywords = (site: CompletionSite, rule?: string) =>
  site.expected.flatMap((e) => (e.kind === 'keyword' && (!rule || e.rule === rule) ? [e.word] : [])).sort();
const slots = (site: CompletionSite) => site.expected.flatMap((e) => (e.kind === 'name' ? [e.slot] : []));

describe('completionSiteAt: what the grammar accepts at the cursor', () => {
  it('between declarations: the declaration keywords', () => {
    expect(keywords(siteAt('segment a {\n  b\n}\n|'))).toEqual(['audience', 'const', 'list', 'map', 'metric', 'offer', 'offers', 'plan', 'segment', 'strategy', 'table', 'test']);
  });

  it("in an offer's body: its clauses, from the parser's alternatives", () => {
    const marked = 'offer o {\n  eligible a\n  s|\n}';
    const site = siteAt(marked);
    expect(keywords(site, 'offerProperty')).toEqual(['cap', 'category', 'channels', 'eligible', 'score', 'strategy', 'valid', 'value']);
    expect(site.replace).toEqual({ start: marked.indexOf('|') - 1, end: marked.indexOf('|') });
    expect(site.exact).toBe(true);
  });

  it('names by position: a value, a field after `.`, an outcome, the offers of a plan', () => {
    expect(slots(siteAt('segment s {\n  a and |\n}'))).toEqual(['value']);
    const member = siteAt('segment s {\n  any(order_lines where product.|)\n}');
    expect(slots(member)).toEqual(['member']);
    expect(member.path).toEqual(['product']);
    expect(member.calls[0]).toMatchObject({ name: 'any', head: ['order_lines'], part: 'where', argIndex: 0 });
    expect(slots(siteAt('strategy v {\n  primary {\n    when a then |\n'))).toEqual(['outcome']);
    expect(slots(siteAt('plan p {\n  offers a, |\n}'))).toEqual(['offer']);
  });

  it('inside a string compared with a field: the field, and the text to replace', () => {
    const marked = 'segment s {\n  any(orders where channel = "w|eb")\n}';
    const site = siteAt(marked);
    expect(site.where).toBe('string');
    expect(site.comparedWith).toEqual(['channel']);
    // The whole text between the quotes (the `|` is not in the parsed text).
    expect(site.replace).toEqual({ start: marked.indexOf('"w') + 1, end: marked.indexOf('eb"') + 1 });
    expect(siteAt('segment s {\n  kind in ("a", "b|\n}')).toMatchObject({ where: 'string', closeQuote: true, comparedWith: ['kind'] });
  });

  it('a broken earlier line of the same declaration does not matter', () => {
    const site = siteAt('plan p {\n  audience ) (\n  top 3 per |\n}');
    expect(site.exact).toBe(true);
    expect(slots(site)).toEqual(['perCustomer']);
    expect(site.clause).toBe('top');
    expect(site.calls).toEqual([]);
  });

  it('nothing in a comment; the calls around the cursor, innermost first', () => {
    expect(siteAt('// a |comment').where).toBe('comment');
    const text = 'metric m = max(1, distance_km(a, b, c';
    expect(callsAt(parseFile('a.seg', text).file, text.length).map((c) => [c.name, c.argIndex])).toEqual([
      ['distance_km', 2],
      ['max', 1],
    ]);
  });
});
