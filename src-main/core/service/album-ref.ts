// Finding an album the way a person names it on the command line: by id ("12" or "#12") or exact name.
import type { Catalogue } from '../catalogue/catalogue';
import type { AlbumSummary } from '../catalogue/types';

export function resolveAlbum(catalogue: Catalogue, ref: string): AlbumSummary {
  const text = ref.trim();
  const idMatch = /^#?(\d{1,15})$/.exec(text);
  const byId = idMatch ? catalogue.getAlbum(Number(idMatch[1])) : undefined;
  const byName = catalogue.findAlbumsByName(text);
  // "1958" may be an album's name and another album's id: only "#1958" is unambiguous then.
  if (byId && !text.startsWith('#') && byName.some((a) => a.id !== byId.id)) {
    throw new Error(`"${text}" is both album #${byId.id} and the name of album #${byName[0]!.id}; write #${byId.id} for the id`);
  }
  if (byId) return byId;
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new Error(`${byName.length} albums are named "${text}" (${byName.map((a) => `#${a.id}`).join(', ')}); use the id instead`);
  }
  throw new Error(`no album ${idMatch ? `with id ${idMatch[1]} or ` : ''}named "${text}" (see: heirloom album list)`);
}
