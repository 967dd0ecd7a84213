/**
 * Lets the bundle's database drivers resolve from where they are installed.
 * The bundle leaves them external (native addons and WASM assets must load
 * from an installed package) and the .vsix ships none of them, so a driver is
 * found beside the bundle (a development checkout) or else in the
 * node_modules of a workspace folder named by SEG_DRIVER_ROOTS. Every process
 * of the server (the server and its count process) installs it first.
 */
import * as nodeModule from 'node:module';
import { delimiter } from 'node:path';

/** `hooks`: the URL of driver-resolve-hooks.mjs, beside the calling entry (this module may be bundled into a chunk elsewhere). */
export function installDriverLookup(hooks: URL): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // module.register (the driver look-up) arrived in Node 20.6.
  if (major < 20 || (major === 20 && minor < 6)) {
    process.stderr.write(
      `The Seg language server needs Node.js 20.6 or later, but seg.server.node runs Node.js ${process.versions.node}.\n` +
        'Set seg.server.node to a newer Node executable.\n',
    );
    process.exit(1);
  }
  const roots = (process.env.SEG_DRIVER_ROOTS ?? '').split(delimiter).filter((root) => root !== '');
  nodeModule.register(hooks, { data: { roots } });
}
