import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

/** sha256 of a file, streamed (scans can be hundreds of megabytes). */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => h.update(chunk))
      .on('end', () => resolve(h.digest('hex')));
  });
}
