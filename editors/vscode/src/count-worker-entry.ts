/**
 * The size previews' count process (dist/lsp-count-worker.mjs, forked by the
 * server): it opens the databases, so it needs the driver look-up too — a
 * forked process does not inherit the server's module hooks.
 */
import { installDriverLookup } from './driver-lookup';

installDriverLookup(new URL('./driver-resolve-hooks.mjs', import.meta.url));
await import('../../../packages/language-server/src/previews/count-worker-main');
