/**
 * A seeded random source (sfc32), so one seed replays one fuzz run's frames exactly. Small on
 * purpose: the fuzz test needs integers, picks, coin flips and strings, not distributions.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d = 1;

  constructor(seed: number) {
    this.#a = seed >>> 0;
    this.#b = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    this.#c = Math.imul(seed ^ 0xc2b2ae35, 0x27d4eb2f) >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /**
   * One of `items` with probability `probability`, else (or when there are none) undefined. It
   * always draws twice, so the stream that follows does not depend on what `items` held: ids the
   * server handed out differ between runs, the frames around them do not.
   */
  maybePick<T>(items: readonly T[] | undefined, probability: number): T | undefined {
    const take = this.chance(probability);
    const at = this.next();
    return take && items?.length ? items[Math.floor(at * items.length)] : undefined;
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  bytes(count: number): Buffer {
    const out = Buffer.allocUnsafe(count);
    for (let i = 0; i < count; i += 4) {
      const word = (this.next() * 4294967296) >>> 0;
      for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (word >>> (j * 8)) & 0xff;
    }
    return out;
  }

  /** A fresh seed drawn from this source, for a sub-generator whose stream must not depend on how much others consume. */
  fork(): Random {
    return new Random(this.int(0, 0x7fffffff));
  }
}
