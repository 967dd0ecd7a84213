/**
 * A real editor nobody here wrote as the LSP client: Neovim headless (Debian's
 * `neovim`, 0.7) with its built-in client drives `seg lsp` on a copy of the
 * spec's example workspace (support/neovim-driver.lua) and reports what it
 * showed. Skipped, with the reason, where Neovim is not installed (CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const available = nvim.status === 0;

interface Seen {
  readonly error?: string;
  readonly clean: unknown[];
  readonly broken: { line: number; col: number; end_col: number; severity: number; message: string; code: string }[];
  readonly fixed: unknown[];
  readonly completion: string[];
  readonly definition: { file: string; line: number; col: number; text: string };
}

describe.skipIf(!available)(`Neovim ${available ? nvim.stdout.split('\n')[0] : '(not installed: apt-get install neovim)'} as the LSP client`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'seg-nvim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows diagnostics, completes names and jumps to a definition', () => {
    const root = join(dir, 'retail');
    cpSync(join(REPO, 'examples/retail'), root, { recursive: true });
    const out = join(dir, 'seen.json');
    const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(import.meta.dirname, 'support/neovim-driver.lua')}`], {
      env: { ...process.env, SEG_CLI: join(REPO, 'packages/cli/dist/seg.js'), SEG_ROOT: root, SEG_OUT: out },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, `nvim: ${run.stderr}${run.stdout}`).toBe(0);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
    expect(seen.error).toBeUndefined();

    expect(seen.clean).toEqual([]);
    // The misspelt segment is underlined where it is, as an error.
    expect(seen.broken).toHaveLength(1);
    expect(seen.broken[0]).toMatchObject({ line: 15, col: 11, end_col: 19, severity: 1 });
    expect(seen.broken[0]!.message).toContain('dormantt');
    expect(seen.fixed).toEqual([]);

    // Segments of the workspace are offered where a condition starts.
    expect(seen.completion).toEqual(expect.arrayContaining(['dormant', 'baby_households', 'high_value']));

    // `dormant` is declared in segments.seg, line 38.
    expect(seen.definition.file).toBe(join(root, 'segments.seg'));
    expect(seen.definition.line).toBe(37);
    expect(seen.definition.text).toContain('segment dormant');
  });
});
