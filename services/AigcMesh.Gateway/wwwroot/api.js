// The dashboard's only door to the platform: fetch with the API key (X-Api-Key), problem details on errors,
// Server-Sent Events read from a fetch body (EventSource cannot send the key header).

const KEY_STORAGE = 'aigc.apiKey';

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || '';
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

/** An error answer: status, and the problem details (title, detail, errors per field) when the service sent them. */
export class ApiError extends Error {
  constructor(status, problem, text) {
    const title = (problem && (problem.title || problem.detail)) || text || `HTTP ${status}`;
    super(`${status} ${title}`);
    this.status = status;
    this.problem = problem || null;
    this.text = text || '';
  }

  /** Field errors: { fieldName: [messages] } (ASP.NET's ValidationProblem shape). */
  get fieldErrors() {
    return (this.problem && this.problem.errors) || {};
  }

  describe() {
    const p = this.problem;
    if (!p) return `${this.status}: ${this.text || 'error'}`;
    let s = `${this.status} ${p.title || ''}`.trim();
    if (p.detail) s += `: ${p.detail}`;
    return s;
  }
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = apiKey();
  if (key) h['X-Api-Key'] = key;
  return h;
}

async function failure(response) {
  const text = await response.text();
  let problem = null;
  try { problem = JSON.parse(text); } catch { /* not JSON */ }
  return new ApiError(response.status, problem, text);
}

export async function request(method, path, body, options = {}) {
  const init = { method, headers: headers(body !== undefined && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}), signal: options.signal };
  if (body !== undefined) init.body = body instanceof FormData ? body : JSON.stringify(body);
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  if (options.blob) return await response.blob();
  if (type.includes('json')) return await response.json();
  const text = await response.text();
  return text ? text : null;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body, options) => request('POST', path, body, options);
export const del = (path) => request('DELETE', path);

/** An image the API serves (it needs the key header, so an <img src> cannot fetch it): returns an object URL. */
export async function imageUrl(path) {
  const blob = await request('GET', path, undefined, { blob: true });
  return URL.createObjectURL(blob);
}

/**
 * Reads a Server-Sent Events stream; calls onEvent(type, data) per event (data parsed as JSON when it is JSON).
 * Returns a function that stops it. onEnd(error?) is called once when the stream ends.
 */
export function stream(path, onEvent, onEnd, body) {
  const controller = new AbortController();
  (async () => {
    let error = null;
    try {
      const init = { method: body ? 'POST' : 'GET', headers: headers({ Accept: 'text/event-stream', ...(body ? { 'Content-Type': 'application/json' } : {}) }), signal: controller.signal };
      if (body) init.body = JSON.stringify(body);
      const response = await fetch(path, init);
      if (!response.ok) throw await failure(response);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let type = 'message';
      let data = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffer.search(/\r?\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
          if (line === '') {
            if (data.length > 0) {
              const text = data.join('\n');
              let parsed = text;
              try { parsed = JSON.parse(text); } catch { /* plain text */ }
              onEvent(type, parsed);
            }
            type = 'message';
            data = [];
          } else if (line.startsWith(':')) {
            // comment / keep-alive
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let val = colon < 0 ? '' : line.slice(colon + 1);
            if (val.startsWith(' ')) val = val.slice(1);
            if (field === 'event') type = val;
            else if (field === 'data') data.push(val);
          }
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') error = e;
    }
    if (onEnd) onEnd(error);
  })();
  return () => controller.abort();
}

/** The first present field of an object among several names (services name some fields differently). */
export function pick(obj, ...names) {
  if (!obj) return undefined;
  for (const n of names) {
    if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  }
  return undefined;
}
