// Which version of a photo is in use once a new one is recorded (issue: "Colorize all" replaced a
// restored photo in an album). The family's choice ("Use this version") always stays; a version made by
// hand — restored (repair, tone, enlarging) or with colour hints — is never replaced by a plain
// colorize. Anything else: the newest version is the one in use.
import type { JsonObject } from './types';

/** A version the person made deliberately: restore steps (enlarging is one) or colour hints were given. */
export function isHandMade(params: JsonObject): boolean {
  if (params.steps !== undefined && params.steps !== null) return true;
  return Array.isArray(params.hints) && params.hints.length > 0;
}

/**
 * After adding a version with `added` params: the version to pin so that it stays in use, or null when the
 * new one should be used (it is the newest). `pinned`: the version the person chose, if any.
 */
export function versionToKeep(pinned: number | null, inUse: { id: number; params: JsonObject } | undefined, added: JsonObject): number | null {
  if (pinned !== null) return pinned;
  if (inUse && isHandMade(inUse.params) && !isHandMade(added)) return inUse.id;
  return null;
}
