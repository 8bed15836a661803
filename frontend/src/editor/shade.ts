/**
 * Same-coloured bodies side by side or stacked must read as separate objects in the editor's view:
 * each object's colour is drawn a touch lighter or darker depending on its id (never more than 6%
 * of lightness), and boxes and cylinders get their edges drawn.
 */

/** A lightness offset in [-0.06, 0.06], the same for an id every time. */
export function shadeOffset(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (((hash >>> 0) % 13) - 6) / 100;
}
