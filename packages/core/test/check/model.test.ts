import { describe, expect, it } from 'vitest';
import { applySuggestion, check, codes, only, summary } from './support';

const AUDIENCE = 'audience people\n\ntable people key person_id {\n  name text\n}\n';

describe('the data model', () => {
  it('names a table that cannot reach the audience', () => {
    const files = { 'model.seg': AUDIENCE + 'table visits time at {\n  page text\n}\n' };
    const result = check(files, { model: false });
    expect(summary(result)).toEqual(['SEG3004 model.seg 6:7-6:13']);
    expect(only(result).message).toContain('`visits`');
  });

  it('refuses links to tables without a key, but accepts lookup tables reached through links', () => {
    const model =
      AUDIENCE +
      'table visits time at {\n  person -> people on person_id\n  page -> pages on url\n}\n' +
      'table clicks {\n  visit -> visits on visit_id\n}\n' +
      'table visits_by_key key visit_id {\n  visit -> visits on visit_id\n}\n' +
      'table pages key url {\n  section -> sections on section_id\n}\n' +
      'table sections key section_id {\n  title text\n}\n';
    const result = check({ 'model.seg': model }, { model: false });
    expect(summary(result)).toEqual(['SEG3005 model.seg 11:12-11:18', 'SEG3005 model.seg 14:12-14:18']);
  });

  it('builds paths and time sources', () => {
    const model =
      AUDIENCE +
      'table visits key visit_id time at {\n  person -> people on person_id\n  page -> pages on url\n}\n' +
      'table clicks {\n  visit -> visits on visit_id\n  x number\n}\n' +
      'table pages key url {\n  section -> sections on section_id\n}\n' +
      'table sections key section_id {\n  title text\n}\n';
    const result = check({ 'model.seg': model }, { model: false });
    expect(result.diagnostics).toEqual([]);
    const tables = result.workspace!.model.tables;
    expect(tables.clicks).toMatchObject({ audiencePath: ['visit', 'person'], timeSource: { path: ['visit'], field: 'at' } });
    expect(tables.visits!.fields).toMatchObject({
      visit_id: { type: 'text', column: 'visit_id' },
      at: { type: 'timestamp', column: 'at' },
      person: { column: 'person_id', link: { target: 'people' } },
    });
    expect(tables.pages!.audiencePath).toBeUndefined();
    expect(tables.sections!.audiencePath).toBeUndefined();
    expect(tables.contacts!.fields.customer!.link).toEqual({ target: 'people' });
  });

  it('uses `as` column names and key types for links', () => {
    const model =
      'audience people\ntable people key id {\n  id number\n  name text as "Full Name"\n}\n' +
      'table visits time at {\n  person -> people on person_ref\n}\n';
    const result = check({ 'model.seg': model }, { model: false });
    expect(result.diagnostics).toEqual([]);
    const tables = result.workspace!.model.tables;
    expect(tables.people!.fields.name).toMatchObject({ column: 'Full Name', type: 'text' });
    expect(tables.visits!.fields.person).toMatchObject({ column: 'person_ref', type: 'number' });
    expect(tables.contacts!.fields.customer!.type).toBe('number');
  });

  it('requires an audience, and offers to add one', () => {
    const files = { 'model.seg': 'table people key id {\n  name text\n}\n' };
    const result = check(files, { model: false });
    expect(summary(result)).toEqual(['SEG3001 model.seg 1:7-1:13']);
    const fixed = applySuggestion(files, only(result));
    expect(fixed['model.seg']!.startsWith('audience people\n\ntable people')).toBe(true);
    expect(check(fixed, { model: false }).diagnostics).toEqual([]);
  });

  it('requires the audience to exist and to have a key', () => {
    expect(summary(check({ 'model.seg': 'audience peple\ntable people key id {\n  name text\n}\n' }, { model: false }))).toEqual([
      'SEG1004 model.seg 1:10-1:15',
    ]);
    expect(codes(check({ 'model.seg': 'audience people\ntable people {\n  name text\n}\n' }, { model: false }))).toEqual(['SEG3003']);
  });

  it('refuses a second audience, a user table called contacts, unknown link targets and duplicate fields', () => {
    const model =
      AUDIENCE +
      'audience people\n' +
      'table contacts {\n  person -> people on person_id\n}\n' +
      'table visits time at {\n  person -> peple on person_id\n  page text\n  page number\n}\n';
    const result = check({ 'model.seg': model }, { model: false });
    expect(codes(result)).toEqual(['SEG3009', 'SEG3008', 'SEG1004', 'SEG1015']);
    expect(result.diagnostics[2]!.suggestions?.[0]?.replacement).toBe('people');
  });

  it('warns about an enumerated value listed twice', () => {
    const result = check({ 'model.seg': AUDIENCE.replace('name text', 'name text in ("a", "b", "a")') }, { model: false });
    expect(summary(result)).toEqual(['SEG3010 model.seg 4:27-4:30']);
  });

  it('requires a time field to be a time', () => {
    const result = check({ 'model.seg': AUDIENCE + 'table visits time page {\n  person -> people on person_id\n  page text\n}\n' }, { model: false });
    expect(summary(result)).toEqual(['SEG3006 model.seg 6:19-6:23']);
  });
});
