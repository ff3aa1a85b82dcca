/** The error registry and the `error` object every dialect sends. */
import { ERRORS, isParleyError, ParleyError, type ErrorCode, type ErrorDefinition } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

const CODES = Object.keys(ERRORS) as ErrorCode[];

describe('the error registry', () => {
  it('has codes', () => {
    expect(CODES.length).toBeGreaterThan(10);
  });

  it.each(CODES)('%s has a wire type, a retry flag and a summary', (code) => {
    const def: ErrorDefinition = ERRORS[code];
    expect(['invalid_request_error', 'server_error']).toContain(def.type);
    expect(typeof def.retryable).toBe('boolean');
    expect(def.summary.trim().length).toBeGreaterThan(10);
    if (def.closeCode !== undefined) {
      expect(Number.isInteger(def.closeCode)).toBe(true);
      expect(def.closeCode).toBeGreaterThanOrEqual(1000);
      expect(def.closeCode).toBeLessThan(5000);
    }
  });

  it('uses snake_case codes, as the hosted services do', () => {
    for (const code of CODES) expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('keeps the codes real clients match on (§2g of the catalogue)', () => {
    for (const code of ['conversation_already_has_active_response', 'response_cancel_not_active', 'input_audio_buffer_commit_empty', 'unknown_parameter']) {
      expect(ERRORS).toHaveProperty([code]);
      expect(ERRORS[code as ErrorCode].type).toBe('invalid_request_error');
    }
  });

  it('marks transient engine failures as retryable server errors and bad input as non-retryable request errors', () => {
    for (const code of ['engine_unreachable', 'engine_http_error', 'engine_timeout', 'engine_stream_error'] as const) {
      expect(ERRORS[code]).toMatchObject({ type: 'server_error', retryable: true });
    }
    for (const code of CODES.filter((c) => c.startsWith('engine_'))) expect(ERRORS[code].type).toBe('server_error');
    for (const code of ['invalid_json', 'invalid_event', 'unknown_event_type', 'missing_required_parameter', 'unknown_parameter', 'invalid_type', 'invalid_value', 'invalid_base64'] as const) {
      expect(ERRORS[code]).toMatchObject({ type: 'invalid_request_error', retryable: false });
    }
  });
});

describe('ParleyError', () => {
  it('takes its wire type and retry flag from the registry', () => {
    expect(new ParleyError('engine_timeout', 'slow').type).toBe('server_error');
    expect(new ParleyError('engine_timeout', 'slow').retryable).toBe(true);
    expect(new ParleyError('invalid_value', 'bad').type).toBe('invalid_request_error');
    expect(new ParleyError('invalid_value', 'bad').retryable).toBe(false);
  });

  it('turns into the wire error object: type, code, message, param, event_id', () => {
    const err = new ParleyError('unknown_parameter', "Unknown parameter: 'session.foo'.", { param: 'session.foo' });
    const wire = err.toWire('evt_7');
    expect(wire).toEqual({
      type: 'invalid_request_error',
      code: 'unknown_parameter',
      message: "Unknown parameter: 'session.foo'.",
      param: 'session.foo',
      event_id: 'evt_7',
    });
    expect(Object.keys(wire).sort()).toEqual(['code', 'event_id', 'message', 'param', 'type']);
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
  });

  it('sends param and event_id as null, never omitted, when unknown', () => {
    const wire = new ParleyError('invalid_json', 'The frame is not valid JSON.').toWire();
    expect(wire).toHaveProperty('param', null);
    expect(wire).toHaveProperty('event_id', null);
    expect(JSON.stringify(wire)).toContain('"param":null');
  });

  it('shortens a message that echoes huge client text to 1000 characters, keeping its start and its end', () => {
    const id = 'x'.repeat(200_000);
    const wire = new ParleyError('item_not_found', `No item '${id}'. Use an id from conversation.item.added.`).toWire();
    expect(wire.message).toHaveLength(1000);
    expect(wire.message.startsWith("No item 'xxx")).toBe(true);
    expect(wire.message.endsWith("xxx'. Use an id from conversation.item.added.")).toBe(true);
    expect(wire.message).toContain(' ... ');
  });

  it('is an Error, recognised by isParleyError, and keeps its cause', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new ParleyError('engine_unreachable', 'down', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ParleyError');
    expect(err.cause).toBe(cause);
    expect(isParleyError(err)).toBe(true);
    expect(isParleyError(new Error('x'))).toBe(false);
    expect(isParleyError({ code: 'invalid_value' })).toBe(false);
  });
});
