/**
 * The conversation: an ordered list of items with lookup by id. Ordering follows
 * `previous_item_id`: absent or null appends, `root` inserts at the front, an id inserts right
 * after that item (an unknown id is an error and nothing is inserted).
 */
import { newId, ParleyError, type Item } from '@parley/protocol';

export class Conversation {
  readonly id = newId('conv');
  readonly #items: Item[] = [];
  readonly #byId = new Map<string, Item>();

  get items(): readonly Item[] {
    return this.#items;
  }

  get size(): number {
    return this.#items.length;
  }

  get(id: string): Item | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Id of the last item, or null when empty: the `previous_item_id` of an item appended now. */
  lastId(): string | null {
    return this.#items.at(-1)?.id ?? null;
  }

  previousIdOf(id: string): string | null {
    const index = this.#items.findIndex((item) => item.id === id);
    return index > 0 ? this.#items[index - 1]!.id : null;
  }

  /**
   * Inserts `item` and returns the id of the item now before it. `param` names the client's
   * field for the error an unknown `previousItemId` produces.
   */
  insert(item: Item, previousItemId?: string | null, param = 'previous_item_id'): string | null {
    if (this.#byId.has(item.id)) {
      throw new ParleyError('item_already_exists', `An item with id '${item.id}' already exists in the conversation.`, {
        param: 'item.id',
      });
    }
    let index: number;
    if (previousItemId === undefined || previousItemId === null) index = this.#items.length;
    else if (previousItemId === 'root') index = 0;
    else {
      const at = this.#items.findIndex((existing) => existing.id === previousItemId);
      if (at < 0) {
        throw new ParleyError('item_not_found', `Previous item with id '${previousItemId}' not found in the conversation.`, { param });
      }
      index = at + 1;
    }
    this.#items.splice(index, 0, item);
    this.#byId.set(item.id, item);
    return index > 0 ? this.#items[index - 1]!.id : null;
  }

  append(item: Item): string | null {
    return this.insert(item);
  }

  delete(id: string): boolean {
    const index = this.#items.findIndex((item) => item.id === id);
    if (index < 0) return false;
    this.#items.splice(index, 1);
    this.#byId.delete(id);
    return true;
  }

  /** The item, or the `item_not_found` error `action` ("retrieving", "deleting", …) should report. */
  require(id: string, action: string, param = 'item_id'): Item {
    const item = this.#byId.get(id);
    if (!item) {
      throw new ParleyError('item_not_found', `Error ${action} item: the item with id '${id}' does not exist.`, { param });
    }
    return item;
  }
}
