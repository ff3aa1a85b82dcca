/**
 * Every event sent and received, with when it happened (ms since connecting) and the gap since
 * the event before. Filter by words in the type (`-word` hides); click a row for its JSON.
 */
import { appendFollowing } from './follow-scroll.js';

const MAX_ROWS = 2000;
/** Long base64 strings are shortened in the JSON view. */
const MAX_STRING = 120;

export const AUDIO_EVENTS = new Set([
  'input_audio_buffer.append',
  'response.output_audio.delta',
  'response.output_audio_transcript.delta',
  'response.animation_viseme.delta',
  'conversation.item.input_audio_transcription.delta',
]);

/** `filter` as words: each plain word must occur in the type, no `-word` may. */
export function matchesFilter(type, filter) {
  return filter
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)
    .every((word) => (word.startsWith('-') ? !type.includes(word.slice(1)) : type.includes(word)));
}

function summary(event) {
  if (event.type === 'error') return event.error?.message ?? '';
  const fields = ['item_id', 'call_id', 'audio_start_ms', 'audio_end_ms', 'audio_offset_ms', 'viseme_id', 'transcript', 'delta', 'name'];
  const parts = [];
  for (const field of fields) {
    const value = event[field];
    if (value === undefined || (field === 'delta' && event.type.includes('audio.delta'))) continue;
    parts.push(`${field}=${typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : value}`);
  }
  if (event.response?.status) parts.push(`status=${event.response.status}`);
  if (event.item?.type) parts.push(`item=${event.item.type}`);
  return parts.join(' ');
}

const shorten = (_key, value) => (typeof value === 'string' && value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)` : value);

export class EventLog {
  #list;
  #filter = '';
  #hideAudio = true;
  #lastAt = 0;
  #events = new WeakMap();

  constructor(list) {
    this.#list = list;
    list.addEventListener('click', (e) => this.#toggleDetails(e.target.closest('li')));
  }

  add(direction, event, atMs) {
    const li = document.createElement('li');
    li.className = direction;
    li.dataset.type = event.type;
    if (event.type === 'error') li.classList.add('error');
    const gap = atMs - this.#lastAt;
    this.#lastAt = atMs;
    li.innerHTML = '<time></time><span class="gap"></span><span class="dir"></span><code class="type"></code><span class="summary"></span>';
    li.querySelector('time').textContent = `${atMs.toFixed(0)} ms`;
    li.querySelector('.gap').textContent = `+${gap.toFixed(0)}`;
    li.querySelector('.dir').textContent = direction === 'sent' ? '↑' : '↓';
    li.querySelector('.type').textContent = event.type;
    li.querySelector('.summary').textContent = summary(event);
    li.hidden = !this.#shows(event.type);
    this.#events.set(li, event);
    appendFollowing(this.#list, () => {
      this.#list.append(li);
      while (this.#list.childElementCount > MAX_ROWS) this.#list.firstElementChild.remove();
    });
  }

  setFilter(filter, hideAudio) {
    this.#filter = filter;
    this.#hideAudio = hideAudio;
    for (const li of this.#list.children) li.hidden = !this.#shows(li.dataset.type);
  }

  clear() {
    this.#list.replaceChildren();
    this.#lastAt = 0;
  }

  #shows(type) {
    return !(this.#hideAudio && AUDIO_EVENTS.has(type)) && matchesFilter(type, this.#filter);
  }

  #toggleDetails(li) {
    if (!li) return;
    const open = li.querySelector('pre');
    if (open) return open.remove();
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(this.#events.get(li), shorten, 2);
    li.append(pre);
  }
}
