// Reads archives back in tests with an independent reader (yauzl), not with the code that wrote them.
import { promisify } from 'node:util';
import * as yauzl from 'yauzl';

const open = promisify(yauzl.open) as (file: string, options: yauzl.Options) => Promise<yauzl.ZipFile>;

/** Entry names and the archive comment, from the central directory; throws on a broken archive. */
export async function readZip(file: string): Promise<{ names: string[]; comment: string }> {
  const zip = await open(file, { lazyEntries: true, strictFileNames: true });
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      names.push(e.fileName);
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return { names, comment: zip.comment };
}

export async function listZip(file: string): Promise<string[]> {
  return (await readZip(file)).names;
}
