/**
 * The body of a call request, as OpenAI's clients send it: the SDP offer itself
 * (`Content-Type: application/sdp`, what browsers and agents-realtime send), or a
 * `multipart/form-data` form with an `sdp` part and an optional `session` part holding the
 * session configuration as JSON (the `openai` SDK's `realtime.calls.create`). An offer Parley
 * cannot answer is refused here, with a message saying what is wrong with it.
 */
import { ParleyError } from '@parley/protocol';

export interface CallRequest {
  offer: string;
  /** The session configuration sent with the offer, in the dialect's own shape (GA: nested). */
  session: Record<string, unknown> | null;
}

function badSdp(message: string): ParleyError {
  return new ParleyError('invalid_value', `Invalid SDP offer: ${message}`, { param: 'sdp' });
}

/** Checks that `sdp` is an offer Parley can answer: audio to exchange, or a data channel. */
export function checkOffer(sdp: string): string {
  const text = sdp.replace(/^\uFEFF/, '').trim();
  if (text === '') throw badSdp('the request body is empty; send the SDP offer of your RTCPeerConnection (offer.sdp).');
  if (!text.startsWith('v=0')) throw badSdp('it does not start with "v=0" — send the text of offer.sdp, not JSON or the RTCSessionDescription object.');
  const media = [...text.matchAll(/^m=(\w+) /gm)].map((m) => m[1]);
  if (!media.includes('audio') && !media.includes('application')) {
    throw badSdp('it offers no audio (m=audio) and no data channel (m=application); add a microphone track or createDataChannel("oai-events") before createOffer().');
  }
  if (media.includes('audio') && !/^a=rtpmap:\d+ opus\/48000/im.test(text)) throw badSdp('its audio offers no Opus codec (a=rtpmap:… opus/48000/2), the only codec Parley speaks.');
  if (!/^a=fingerprint:/m.test(text)) throw badSdp('it has no DTLS fingerprint (a=fingerprint:…).');
  if (!/^a=ice-ufrag:/m.test(text)) throw badSdp('it has no ICE credentials (a=ice-ufrag:…).');
  return text.endsWith('\r\n') ? text : `${text.replace(/\r?\n/g, '\r\n')}\r\n`;
}

function parseSession(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ParleyError('invalid_json', `The 'session' part is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`, { param: 'session' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ParleyError('invalid_type', "The 'session' part must be a JSON object.", { param: 'session' });
  return value as Record<string, unknown>;
}

/** Reads a call request's body by its content type. Throws a ParleyError naming what is wrong. */
export async function readCallRequest(contentType: string | undefined, body: Buffer): Promise<CallRequest> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': contentType! } }).formData();
    } catch (err) {
      throw new ParleyError('invalid_value', `The multipart body could not be read: ${err instanceof Error ? err.message : String(err)}.`, { param: 'sdp' });
    }
    const sdp = form.get('sdp');
    if (sdp === null) throw badSdp("the form has no 'sdp' part.");
    const session = form.get('session');
    return {
      offer: checkOffer(typeof sdp === 'string' ? sdp : await sdp.text()),
      session: session === null ? null : parseSession(typeof session === 'string' ? session : await session.text()),
    };
  }
  if (type === 'application/sdp' || type === 'text/plain' || type === '') return { offer: checkOffer(body.toString('utf8')), session: null };
  throw new ParleyError('invalid_value', `Unsupported Content-Type '${type}': send the SDP offer as application/sdp, or a multipart/form-data form with 'sdp' and 'session' parts.`, {
    param: 'content-type',
  });
}
