// Talks to the assistant's HTTPS API on this origin: JSON requests with the API key, and
// POST /chat as Server-Sent Events read from fetch()'s body (EventSource cannot POST or send
// headers). Failures become ApiError with a kind the page words for the user.
import { parseEventStream } from './sse.js';

export class ApiError extends Error {
  // kind: 'auth' (401), 'rate' (429), 'model' (502/503/504), 'network', 'server', 'request'
  constructor(kind, status, message, retryAfter = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function kindOf(status) {
  if (status === 401) return 'auth';
  if (status === 429) return 'rate';
  if (status === 502 || status === 503 || status === 504) return 'model';
  if (status >= 500) return 'server';
  return 'request';
}

async function errorFrom(response) {
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body && typeof body.error === 'string') message = body.error;
  } catch {
    // not JSON: keep the status line
  }
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') || '0', 10) || 0;
  return new ApiError(kindOf(response.status), response.status, message, retryAfter);
}

export class Api {
  constructor(key) {
    this.key = key;
    // The rate limit as the last response told it, for the status panel's pacing.
    this.limit = 0;
    this.remaining = 0;
  }

  noteLimits(response) {
    const limit = Number.parseInt(response.headers.get('X-RateLimit-Limit') || '', 10);
    const remaining = Number.parseInt(response.headers.get('X-RateLimit-Remaining') || '', 10);
    if (Number.isFinite(limit)) this.limit = limit;
    if (Number.isFinite(remaining)) this.remaining = remaining;
  }

  async request(method, path, body, signal) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: { 'X-API-Key': this.key, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        cache: 'no-store',
        signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError('network', 0, 'The server could not be reached.');
    }
    this.noteLimits(response);
    if (!response.ok) throw await errorFrom(response);
    return response.json();
  }

  tools() { return this.request('GET', '/v1/tools'); }
  status() { return this.request('GET', '/v1/status'); }
  run(capability, args = {}) { return this.request('POST', `/v1/tools/${encodeURIComponent(capability)}`, args); }

  // Streams one question's answer: handlers[event](data) for every event (start,
  // tool_call_started, tool_call_finished, text_delta, degraded, refusal, answer, error).
  // Resolves with the last event's name once it came; throws ApiError otherwise.
  async chat({ message, conversationId }, handlers, signal) {
    const body = { message, stream: true };
    if (conversationId) body.conversation_id = conversationId;
    let response;
    try {
      response = await fetch('/chat', {
        method: 'POST',
        headers: { 'X-API-Key': this.key, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify(body),
        cache: 'no-store',
        signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError('network', 0, 'The server could not be reached.');
    }
    this.noteLimits(response);
    if (!response.ok) throw await errorFrom(response);
    let last = null;
    try {
      for await (const event of parseEventStream(response.body)) {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          continue;
        }
        handlers[event.type]?.(data);
        if (event.type === 'answer' || event.type === 'error') last = event.type;
      }
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError('network', 0, 'The connection was lost while the answer was coming.');
    }
    if (!last) throw new ApiError('network', 0, 'The connection was lost before the answer was complete.');
    return last;
  }
}
