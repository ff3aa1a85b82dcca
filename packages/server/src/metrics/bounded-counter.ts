/** A counter with one label whose values come from a known set; any other value counts as `other`. */
import type { Counter } from 'prom-client';
import { OTHER } from './label-values.js';

export class BoundedCounter {
  readonly #counter: Counter<string>;
  readonly #known: ReadonlySet<string>;
  /** One bound child per known value; unknown values all share `other`, so this stays bounded too. */
  readonly #children = new Map<string, Counter.Internal>();

  constructor(counter: Counter<string>, known: ReadonlySet<string>) {
    this.#counter = counter;
    this.#known = known;
  }

  inc(value: string): void {
    const label = this.#known.has(value) ? value : OTHER;
    let child = this.#children.get(label);
    if (!child) {
      child = this.#counter.labels(label);
      this.#children.set(label, child);
    }
    child.inc();
  }
}
