/** Reads every file of a zip archive (a .vsix is one) into memory, by entry name. */
import { promisify } from 'node:util';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip: ZipFile = await promisify<string, yauzl.Options, ZipFile>(yauzl.open)(path, { lazyEntries: true });
  const openEntry = promisify<Entry, NodeJS.ReadableStream>(zip.openReadStream.bind(zip));
  const files = new Map<string, Buffer>();
  return new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve(files));
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      openEntry(entry)
        .then(async (stream) => {
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        })
        .catch(reject);
    });
    zip.readEntry();
  });
}
