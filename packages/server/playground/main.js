/** The playground page: builds the views, and connects or hangs up when the user asks. */
import { Call } from './call.js';
import { loadModels, readSettings, rememberSettings, restoreSettings, showTurnFields } from './connect-form.js';
import { RealtimeConnection, realtimeUrl } from './connection.js';
import { EventLog } from './event-log.js';
import { LatencyMeter } from './latency.js';
import { ToolCalls } from './tool-calls.js';
import { Transcripts } from './transcripts.js';

const $ = (id) => document.getElementById(id);
const form = $('connect-form');
const connectButton = $('connect');
const status = $('status');

let call = null;

function showError(message) {
  const li = document.createElement('li');
  li.textContent = message;
  $('errors').prepend(li);
}

function setState(state, detail = '') {
  document.body.dataset.state = state;
  status.textContent = detail ? `${state} · ${detail}` : state;
  connectButton.textContent = state === 'idle' ? 'Connect' : 'Hang up';
  connectButton.disabled = state === 'connecting';
  for (const control of form.querySelectorAll('fieldset.settings')) control.disabled = state !== 'idle';
}

const views = {
  transcripts: new Transcripts($('transcript')),
  log: new EventLog($('event-log')),
  latency: new LatencyMeter($('latencies'), $('latency-latest')),
  tools: new ToolCalls($('tool-calls'), (event) => call?.send(event)),
  mouth: $('mouth'),
  playback: $('playback'),
  level: $('mic-level'),
  showError,
};

async function connect() {
  let settings;
  try {
    settings = readSettings(form);
  } catch (error) {
    showError(error.message);
    return;
  }
  rememberSettings(form);
  // Made inside the click, so that the browser lets it play sound.
  const context = new AudioContext({ latencyHint: 'interactive' });
  setState('connecting');
  let current;
  try {
    const connection = await RealtimeConnection.open(realtimeUrl(location.href, settings.model), settings.apiKey);
    views.transcripts.clear();
    views.log.clear();
    views.tools.clear();
    current = new Call(connection, context, views);
    call = current;
    connection.onClose((code, reason) => call === current && hangUp(code === 1000 ? '' : `closed: ${code} ${reason}`));
    connection.on('session.created', ({ session }) => setState('connected', `${session.id} · ${session.model}`));
    setState('connected');
    current.start(settings);
  } catch (error) {
    if (current) hangUp();
    else void context.close();
    showError(error.message);
    setState('idle');
    return;
  }
  try {
    $('mic-label').textContent = await current.openMicrophone({ echoCancellation: settings.echoCancellation, muted: $('mute').checked });
  } catch (error) {
    if (call === current) showError(`No microphone (${error.message}): you can still type.`);
  }
}

function hangUp(reason = '') {
  if (call) {
    call.hangUp();
    call = null;
  }
  if (reason) showError(reason);
  setState('idle');
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (call) hangUp();
  else void connect();
});
form.elements.turn_type.addEventListener('change', () => showTurnFields(form));
$('mute').addEventListener('change', (e) => call && (call.muted = e.target.checked));
$('send-turn').addEventListener('click', () => call?.commitTurn());
$('say-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('say-text').value.trim();
  if (!call || !text) return;
  call.say(text);
  $('say-text').value = '';
});
const applyFilter = () => views.log.setFilter($('log-filter').value, $('hide-audio').checked);
$('log-filter').addEventListener('input', applyFilter);
$('hide-audio').addEventListener('change', applyFilter);

restoreSettings(form);
showTurnFields(form);
applyFilter();
setState('idle');
loadModels(form.elements.model, location.href).catch((error) => showError(`Could not list the model profiles: ${error.message}`));
