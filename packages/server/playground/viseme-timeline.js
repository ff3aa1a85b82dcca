/**
 * The visemes of each assistant audio item, by `audio_offset_ms` on the item's audio clock:
 * which mouth position is due at a given moment of the audio.
 */

export class VisemeTimeline {
  #byItem = new Map();

  add(itemId, audioOffsetMs, visemeId) {
    let list = this.#byItem.get(itemId);
    if (!list) this.#byItem.set(itemId, (list = []));
    let at = list.length;
    while (at > 0 && list[at - 1].offsetMs > audioOffsetMs) at--;
    list.splice(at, 0, { offsetMs: audioOffsetMs, id: visemeId });
  }

  /** The viseme in force at `audioMs` of the item's audio (0, silence, before the first). */
  visemeAt(itemId, audioMs) {
    const list = this.#byItem.get(itemId);
    if (!list) return 0;
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].offsetMs <= audioMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : list[found].id;
  }

  forget(itemId) {
    this.#byItem.delete(itemId);
  }
}
