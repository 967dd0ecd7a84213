/**
 * The bundled server's entry (dist/server.mjs), run by the Node that
 * `seg.server.node` names: checks that Node, lets database drivers resolve
 * from the workspace (driver-lookup.ts), then starts the language server.
 */
import { installDriverLookup } from './driver-lookup';

installDriverLookup(new URL('./driver-resolve-hooks.mjs', import.meta.url));
// Imported only now, so that no module of the server resolves a package before the hook is in place.
await import('../../../packages/language-server/src/main');
