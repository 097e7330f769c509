// Every data call of the console: the public API with the signed-in bearer token. Errors come back as
// ApiError carrying the RFC 9457 problem, so forms can show the API's own message next to the field.
import { token, signOut } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.field = problem?.field;
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
  });
  const text = await response.text();
  const json = text ? safeJson(text) : null;
  if (!response.ok) {
    if (response.status === 401) {
      // expired or revoked: the token is of no further use; back to sign-in with the reason
      signOut();
      location.hash = `#/signin?reason=${encodeURIComponent(json?.detail || 'the token was refused')}`;
    }
    throw new ApiError(response.status, json);
  }
  return json;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}

/** Every item of a paged list (offset/limit, at most 1000 a page). */
export async function all(path) {
  const items = [];
  const join = path.includes('?') ? '&' : '?';
  for (let offset = 0; ; offset += 1000) {
    const page = await api('GET', `${path}${join}offset=${offset}&limit=1000`);
    items.push(...page.items);
    if (page.items.length < 1000) return items;
  }
}

