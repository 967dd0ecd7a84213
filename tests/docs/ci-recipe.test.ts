/**
 * The CI recipe (examples/github-actions/seg.yml, docs/ci.md) runs real
 * commands: every `pnpm seg …` line names a command the CLI has, with flags it
 * accepts — a renamed flag would otherwise break users' pipelines silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { COMMANDS } from '../../packages/cli/src/run-cli';
import { repoRoot } from '../support/run-seg';

const workflow = readFileSync(join(repoRoot, 'examples/github-actions/seg.yml'), 'utf8');
const invocations = [...workflow.matchAll(/pnpm seg ([a-z]+)([^\n]*)/g)].map((m) => ({ command: m[1]!, args: m[2]! }));

it('uses every step of the recipe: check, fmt --check, test with JUnit, diff as Markdown', () => {
  expect(invocations.map((i) => i.command)).toEqual(expect.arrayContaining(['check', 'fmt', 'test', 'diff']));
});

it.each(invocations.map((i) => [`seg ${i.command}${i.args}`, i] as const))('%s: the command and its flags exist', (_, { command, args }) => {
  const known = COMMANDS.find((c) => c.name === command);
  expect(known, `no command ${command}`).toBeDefined();
  for (const [, flag] of args.matchAll(/--([a-z-]+)/g)) expect(Object.keys(known!.flags), `seg ${command} --${flag}`).toContain(flag);
});
