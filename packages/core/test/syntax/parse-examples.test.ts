import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src/syntax/parse';
import { located, retailExamples } from '../support/syntax-helpers';

describe('the retail example workspace', () => {
  const examples = retailExamples();

  it('has every example file as a fixture', () => {
    expect(Object.keys(examples)).toEqual(['model.seg', 'offers.seg', 'plans.seg', 'segments.seg', 'strategies.seg', 'tests.seg']);
  });

  for (const [name, text] of Object.entries(examples)) {
    it(`${name} parses with no diagnostics`, () => {
      const { diagnostics } = parseFile(name, text);
      expect(located(text, diagnostics)).toEqual([]);
    });
  }

  it('finds every declaration, in order', () => {
    const kinds = (name: string) => parseFile(name, examples[name]!).file.declarations.map((d) => ('name' in d ? `${d.kind}:${d.name.text}` : d.kind));
    expect(kinds('model.seg')).toEqual([
      'Audience',
      'Table:customers',
      'Table:orders',
      'Table:order_lines',
      'Table:products',
      'Table:email_events',
      'Table:coupon_catalog',
    ]);
    expect(kinds('offers.seg')).toEqual([
      'Offer:baby_wipes_20',
      'Offer:winback_15',
      'Offer:card_insurance',
      'Offer:app_download',
      'Offer:welcome_10',
      'OfferFamily:category_coupons',
    ]);
    expect(kinds('plans.seg')).toEqual(['Plan:weekly_email', 'Plan:store_event_invite', 'Plan:winback_trigger']);
    expect(kinds('strategies.seg')).toEqual(['Strategy:value_map']);
    expect(kinds('tests.seg')).toEqual(['Test', 'Test', 'Test']);
    expect(kinds('segments.seg')).toHaveLength(21);
  });

  it('keeps every comment of the examples', () => {
    const { file } = parseFile('model.seg', examples['model.seg']!);
    expect(file.comments.map((c) => c.text)).toEqual([
      "// The data these rules run on: a retailer's customers, orders, order lines,",
      '// products, email engagement, and a catalogue of supplier-funded coupons.',
      '// predicted customer lifetime value, from the data team',
      '// 0..1, from the data team',
      '// holds the store credit card',
    ]);
  });

  it('turns the comment directly above a declaration into its documentation', () => {
    const { file } = parseFile('segments.seg', examples['segments.seg']!);
    const invitees = file.declarations.find((d) => 'name' in d && d.name.text === 'sydney_outdoor_invitees');
    expect(invitees?.doc).toBe('A dynamic micro-segment: invite profitable locals who buy into the category.');
    const metric = file.declarations.find((d) => 'name' in d && d.name.text === 'recency_days');
    expect(metric?.doc).toBe('Recency, frequency and monetary value: the classic RFM scores, 5 = best.');
    const model = parseFile('model.seg', examples['model.seg']!).file;
    // The file header is separated from `audience` by a blank line: not documentation.
    expect(model.declarations[0]?.doc).toBeUndefined();
  });
});
