// Turns a drop on the window into File objects. Folders: the desktop preload resolves a folder's real
// path itself, so it gets the top-level items; a browser can only read a folder's files by walking it.
import { PHOTO_NAME } from './api';

export function entriesOf(dt: DataTransfer): FileSystemEntry[] {
  // Must run inside the drop event: the DataTransfer is emptied once the handler returns.
  return [...dt.items].map((i) => i.webkitGetAsEntry?.() ?? null).filter((e): e is FileSystemEntry => e !== null);
}

const MAX_FILES = 5000;

export async function filesOf(entries: FileSystemEntry[]): Promise<File[]> {
  const out: File[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    if (out.length >= MAX_FILES) return;
    if (e.isFile) {
      out.push(await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej)));
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const c of batch) await walk(c);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

/**
 * The photos of a folder chosen in the browser (<input webkitdirectory>): like a folder added by path,
 * only photo files, and nothing hidden (a name, or a folder on the way, starting with a dot).
 */
export function photosOfFolder(files: Iterable<File>): File[] {
  return [...files].filter((f) => PHOTO_NAME.test(f.name) && !(f.webkitRelativePath || f.name).split('/').some((part) => part.startsWith('.')));
}
