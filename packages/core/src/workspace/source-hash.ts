import { sha256Hex, utf8Encode } from './sha256';

/**
 * The content hash of a workspace's sources: SHA-256 (hex) over every file in
 * path order (plain code-unit order, independent of locale), each contributing
 * its path, a NUL byte, its text and a NUL byte. The path is included so that
 * moving a declaration to another file changes the hash (diagnostics and
 * explanations point at files).
 *
 * @example sourceHash({ 'a.seg': 'metric x = 1' }) // 64 hex digits
 */
export function sourceHash(files: Readonly<Record<string, string>>): string {
  const paths = Object.keys(files).sort(comparePaths);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const nul = new Uint8Array([0]);
  for (const path of paths) {
    for (const chunk of [utf8Encode(path), nul, utf8Encode(files[path]!), nul]) {
      chunks.push(chunk);
      length += chunk.length;
    }
  }
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return sha256Hex(all);
}

/** Code-unit order, so every machine sorts paths the same way. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
