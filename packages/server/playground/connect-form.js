/**
 * The connect form: the model profiles the server lists, the settings the user chose (kept in
 * this browser for next time), and which turn-detection fields apply to the chosen type.
 */
import { parseTools } from './session-settings.js';

const STORAGE_KEY = 'parley.playground.settings';
/** Fields remembered between visits; the API key is not among them. */
const REMEMBERED = ['model', 'voice', 'instructions', 'turn_type', 'threshold', 'prefix_padding_ms', 'silence_duration_ms', 'idle_timeout_ms', 'eagerness', 'interrupt_response', 'echo_cancellation', 'tools'];

export async function loadModels(select, pageUrl) {
  const response = await fetch(new URL('v1/models', pageUrl));
  if (!response.ok) throw new Error(`GET v1/models answered ${response.status}`);
  const { data } = await response.json();
  const chosen = select.value || select.dataset.remembered;
  select.replaceChildren(
    ...data.map((model) => {
      const option = new Option(`${model.id}${model.llm ? ` — ${model.llm}` : ''}`, model.id);
      option.selected = model.id === chosen;
      return option;
    }),
  );
}

const numberOrUndefined = (input) => (input.value === '' ? undefined : Number(input.value));

/** The form's settings; throws with a message to show when the tools are not valid. */
export function readSettings(form) {
  const f = form.elements;
  const type = f.turn_type.value;
  const idle = numberOrUndefined(f.idle_timeout_ms);
  return {
    model: f.model.value,
    apiKey: f.api_key.value.trim(),
    voice: f.voice.value.trim(),
    instructions: f.instructions.value,
    echoCancellation: f.echo_cancellation.checked,
    turnDetection: {
      type,
      threshold: numberOrUndefined(f.threshold),
      prefix_padding_ms: numberOrUndefined(f.prefix_padding_ms),
      silence_duration_ms: numberOrUndefined(f.silence_duration_ms),
      idle_timeout_ms: idle ? idle : null,
      eagerness: f.eagerness.value,
      interrupt_response: f.interrupt_response.checked,
    },
    tools: parseTools(f.tools.value),
  };
}

/** Shows only the fields of the chosen turn-detection type (`data-turn-types` lists where each applies). */
export function showTurnFields(form) {
  const type = form.elements.turn_type.value;
  for (const field of form.ownerDocument.querySelectorAll('[data-turn-types]')) field.hidden = !field.dataset.turnTypes.split(' ').includes(type);
}

export function rememberSettings(form) {
  const saved = {};
  for (const name of REMEMBERED) {
    const input = form.elements[name];
    saved[name] = input.type === 'checkbox' ? input.checked : input.value;
  }
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage may be off (private windows); the form then starts from its defaults.
  }
}

export function restoreSettings(form) {
  let saved;
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
  } catch {
    return;
  }
  for (const name of REMEMBERED) {
    const input = form.elements[name];
    if (!(name in saved) || !input) continue;
    if (input.type === 'checkbox') input.checked = Boolean(saved[name]);
    else if (name === 'model') input.dataset.remembered = saved[name];
    else input.value = saved[name];
  }
}
