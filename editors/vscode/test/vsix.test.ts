/**
 * The packaged extension as VS Code installs it: builds and packages
 * editors/vscode into seg-vscode.vsix (scripts/package.mjs), then checks what
 * is inside and runs the server from an extracted copy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_SETTINGS } from '@seg/language-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspSession } from '../../../packages/language-server/test/support/lsp-session';
import { readZip } from './support/read-zip';

const EXTENSION_DIR = join(import.meta.dirname, '..');
const REPO = join(EXTENSION_DIR, '../..');
const VSIX = join(EXTENSION_DIR, 'seg-vscode.vsix');
/** Settings only the extension reads; every other `seg.*` setting is the server's. */
const CLIENT_SETTINGS = ['seg.server.node', 'seg.trace.server'];

interface Manifest {
  main: string;
  contributes: {
    languages: { id: string; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown; description: string }> };
  };
}

describe('the packaged extension (seg-vscode.vsix)', () => {
  let files: Map<string, Buffer>;
  let manifest: Manifest;
  /** A temporary folder holding the unpacked .vsix, with no node_modules above it. */
  let unpacked: string;

  beforeAll(async () => {
    rmSync(VSIX, { force: true });
    execFileSync(process.execPath, [join(EXTENSION_DIR, 'scripts/package.mjs')], { stdio: 'pipe' });
    files = await readZip(VSIX);
    manifest = JSON.parse(text('extension/package.json')) as Manifest;
    unpacked = mkdtempSync(join(tmpdir(), 'seg-vsix-'));
    for (const [name, content] of files) {
      mkdirSync(dirname(join(unpacked, name)), { recursive: true });
      writeFileSync(join(unpacked, name), content);
    }
  }, 180_000);
  afterAll(() => {
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  });

  const text = (name: string) => {
    const content = files.get(name);
    if (!content) throw new Error(`${name} is not in the .vsix`);
    return content.toString('utf8');
  };

  it('holds the client, the bundled server, the grammar, the language configuration and the snippets, and nothing else', () => {
    const names = [...files.keys()];
    for (const name of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/server.mjs',
      'extension/dist/lsp-count-worker.mjs',
      'extension/dist/driver-resolve-hooks.mjs',
      'extension/syntaxes/seg.tmLanguage.json',
      'extension/language-configuration.json',
      'extension/snippets/seg.json',
    ]) {
      expect(names).toContain(name);
    }
    // No sources, tests, scripts or node_modules: .vscodeignore lets only what VS Code loads through.
    const loaded = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|readme\.md|language-configuration\.json|(dist|syntaxes|snippets)\/.+))$/i;
    expect(names.filter((name) => !loaded.test(name))).toEqual([]);
  });

  it('ships the grammar and language configuration as they are in grammar/', () => {
    expect(text('extension/syntaxes/seg.tmLanguage.json')).toBe(readFileSync(join(REPO, 'grammar/seg.tmLanguage.json'), 'utf8'));
    expect(text('extension/language-configuration.json')).toBe(readFileSync(join(REPO, 'grammar/language-configuration.json'), 'utf8'));
  });

  it('has every file its manifest names, and the grammar has the scope the manifest declares', () => {
    const { languages, grammars, snippets } = manifest.contributes;
    const named = [manifest.main, ...languages.map((l) => l.configuration), ...grammars.map((g) => g.path), ...snippets.map((s) => s.path)];
    for (const path of named) expect(files.has(posix.join('extension', path)), path).toBe(true);

    const grammar = grammars.find((g) => g.language === 'seg')!;
    expect(JSON.parse(text(posix.join('extension', grammar.path))).scopeName).toBe(grammar.scopeName);
    expect(languages.map((l) => l.id)).toEqual(['seg']);
  });

  it("contributes exactly the server's settings (same type, default and description) plus the client's own", () => {
    const properties = manifest.contributes.configuration.properties;
    const serverPart = Object.entries(properties)
      .filter(([key]) => !CLIENT_SETTINGS.includes(key))
      .map(([key, { type, default: value, description }]) => ({ key, type, default: value, description }));
    const expected = SERVER_SETTINGS.map(({ key, type, default: value, description }) => ({ key: `seg.${key}`, type, default: value, description }));
    expect(serverPart).toEqual(expected);
    expect(Object.keys(properties).filter((key) => CLIENT_SETTINGS.includes(key))).toEqual(CLIENT_SETTINGS);
    expect(properties['seg.server.node']!.default).toBe('node');
  });

  it('starts the bundled server from the unpacked copy, which answers initialize with its capabilities', async () => {
    const server = join(unpacked, 'extension/dist/server.mjs');
    const session = await LspSession.start({ command: [process.execPath, server, '--stdio'], env: { SEG_DRIVER_ROOTS: '' } });
    try {
      expect(session.initialize.capabilities).toMatchObject({ textDocumentSync: expect.anything() });
    } finally {
      await session.stop();
    }
  }, 30_000);

  describe("finds a database driver in the workspace's node_modules (the .vsix ships none)", () => {
    /** Imports better-sqlite3 from a script in the unpacked extension, with its resolution hooks over the given folders. */
    const querySqlite = (roots: string[]) => {
      const hooks = pathToFileURL(join(unpacked, 'extension/dist/driver-resolve-hooks.mjs')).href;
      const script = [
        "import { register } from 'node:module';",
        `register(${JSON.stringify(hooks)}, { data: { roots: ${JSON.stringify(roots)} } });`,
        "const { default: Database } = await import('better-sqlite3');",
        "console.log(new Database(':memory:').prepare('select 1 + 1 as two').get().two);",
      ].join('\n');
      return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(unpacked, 'extension/dist'), encoding: 'utf8' });
    };

    it('loads it from a workspace folder that has it installed', () => {
      // A workspace with `better-sqlite3` installed, as `npm install better-sqlite3` leaves it.
      const workspace = join(unpacked, 'workspace');
      mkdirSync(join(workspace, 'node_modules'), { recursive: true });
      const installed = realpathSync(join(REPO, 'packages/runtime/node_modules/better-sqlite3'));
      symlinkSync(installed, join(workspace, 'node_modules/better-sqlite3'), 'dir');

      const run = querySqlite([join(unpacked, 'empty-folder'), workspace]);
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('2');
    });

    it('says where it looked and how to install it when no folder has it', () => {
      const run = querySqlite([join(unpacked, 'empty-folder')]);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('The package "better-sqlite3" is not installed beside the Seg extension');
      expect(run.stderr).toContain('npm install better-sqlite3');
    });
  });

  it("shows a segment's size from the unpacked server, with the driver from the workspace, equal to `seg count`", async () => {
    const workspace = join(unpacked, 'retail');
    cpSync(join(REPO, 'examples/retail'), workspace, { recursive: true });
    mkdirSync(join(workspace, 'node_modules'), { recursive: true });
    symlinkSync(realpathSync(join(REPO, 'packages/runtime/node_modules/better-sqlite3')), join(workspace, 'node_modules/better-sqlite3'), 'dir');
    const cli = join(REPO, 'packages/cli/dist/seg.js');
    const database = `sqlite:${join(workspace, 'demo.db')}`;
    // The demo writes its CSV output under the working folder: a temporary one.
    execFileSync(process.execPath, [cli, 'demo', '--customers', '500', '--db', database], { cwd: workspace, stdio: 'pipe' });
    const expected = JSON.parse(execFileSync(process.execPath, [cli, 'count', 'active', workspace, '--db', database, '--as-of', '2026-11-22', '--json'], { encoding: 'utf8' })) as { count: number };

    const session = await LspSession.start({
      root: workspace,
      command: [process.execPath, join(unpacked, 'extension/dist/server.mjs'), '--stdio'],
      env: { SEG_DRIVER_ROOTS: workspace },
      settings: { database, asOf: '2026-11-22' },
    });
    try {
      const text = readFileSync(join(workspace, 'segments.seg'), 'utf8');
      const line = text.split('\n').findIndex((l) => l.startsWith('segment active '));
      await session.open('segments.seg');
      let title = '';
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const lenses = await session.request<{ range: { start: { line: number } }; command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri: session.uri('segments.seg') } });
        title = lenses.find((lens) => lens.range.start.line === line)?.command?.title ?? '';
        if (title !== '' && !title.includes('counting')) break;
      }
      expect(title).toMatch(new RegExp(`^${expected.count.toLocaleString('en-US')} customers · `));
    } finally {
      await session.stop();
    }
  }, 120_000);
});
