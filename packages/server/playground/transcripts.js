/**
 * Both sides of the conversation as text, one entry per conversation item, in the order the
 * items appeared: the user's words as they are recognized, the assistant's as they are spoken.
 */
import { appendFollowing } from './follow-scroll.js';

const LABELS = { user: 'You', assistant: 'Assistant' };

export class Transcripts {
  #list;
  #entries = new Map();

  /** @param {HTMLOListElement} list */
  constructor(list) {
    this.#list = list;
  }

  #entry(itemId, role) {
    let entry = this.#entries.get(itemId);
    if (entry) return entry;
    const li = document.createElement('li');
    li.className = `turn ${role}`;
    li.dataset.itemId = itemId;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = LABELS[role] ?? role;
    const text = document.createElement('span');
    text.className = 'text';
    const note = document.createElement('span');
    note.className = 'note';
    li.append(who, text, note);
    appendFollowing(this.#list, () => this.#list.append(li));
    entry = { li, text, note };
    this.#entries.set(itemId, entry);
    return entry;
  }

  /** Reserves the item's place, so that text arriving later lands in conversation order. */
  open(itemId, role) {
    this.#entry(itemId, role);
  }

  append(itemId, role, delta) {
    const { li, text } = this.#entry(itemId, role);
    appendFollowing(this.#list, () => (text.textContent += delta));
    li.classList.add('partial');
  }

  /** The final text, replacing what the deltas said. */
  settle(itemId, role, transcript) {
    const { li, text } = this.#entry(itemId, role);
    appendFollowing(this.#list, () => (text.textContent = transcript));
    li.classList.remove('partial');
  }

  note(itemId, role, message) {
    this.#entry(itemId, role).note.textContent = message;
  }

  clear() {
    this.#entries.clear();
    this.#list.replaceChildren();
  }
}
