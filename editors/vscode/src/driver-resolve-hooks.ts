/**
 * Module resolution hooks (`node:module` register) for the bundled server: a
 * package that cannot be found from the bundle's folder — the .vsix ships no
 * database driver — is resolved from each workspace folder in turn, as if
 * imported by a file at that folder's root (so its node_modules and those
 * above it are searched).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InitializeHook, ResolveHook } from 'node:module';

let roots: readonly string[] = [];

export const initialize: InitializeHook<{ roots: string[] }> = (data) => {
  roots = data.roots;
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!isPackageName(specifier) || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    for (const root of roots) {
      const parentURL = pathToFileURL(join(root, 'package.json')).href;
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // Not in this folder: try the next one.
      }
    }
    throw notFound(specifier);
  }
};

/** `pg`, `@duckdb/node-api/x`: not a relative path, an absolute one, a URL or a `node:` built-in. */
function isPackageName(specifier: string): boolean {
  return !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

function notFound(specifier: string): Error {
  const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const where =
    roots.length > 0
      ? `nor in the node_modules of ${roots.join(', ')}`
      : 'and the workspace is not searched (no folder is open, or the workspace is not trusted)';
  const error = new Error(
    `The package "${name}" is not installed beside the Seg extension ${where}. ` +
      `Install it in the workspace (npm install ${name}) for audience-size previews on this database.`,
  );
  return Object.assign(error, { code: 'ERR_MODULE_NOT_FOUND' });
}
