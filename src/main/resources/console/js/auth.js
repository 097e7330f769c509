// The signed-in token lives in sessionStorage only (gone when the tab closes), never in a URL the
// server sees and never logged. Its payload is decoded only to learn the role and limits, so the console
// can hide what the role may not do; the server still decides every request.

const KEY = 'homeport.token';

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  const claims = decode(value.trim());
  sessionStorage.setItem(KEY, value.trim());
  return claims;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/**
 * A token handed over in the URL fragment (#token=...), which browsers never send to the server; it is
 * taken into sessionStorage and removed from the address bar and history at once.
 */
export function takeTokenFromFragment() {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match) return false;
  history.replaceState(null, '', location.pathname + location.search + '#/devices');
  signIn(decodeURIComponent(match[1]));
  return true;
}

/** The token's claims, or throws when it is not a JWT. Not verified: the server does that. */
export function decode(value) {
  const parts = value.split('.');
  if (parts.length !== 3) throw new Error('This is not an API token (a JWT has three parts separated by dots).');
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    throw new Error('This token cannot be read (its middle part is not base64url JSON).');
  }
}

export function claims() {
  const t = token();
  if (!t) return null;
  try {
    return decode(t);
  } catch {
    return null;
  }
}

/** What the signed-in role may do, mirroring the x-homeport-roles of the OpenAPI document. */
export function can(action) {
  const role = claims()?.role;
  switch (action) {
    case 'read': return ['admin', 'operator', 'integrator'].includes(role);
    case 'write': return ['admin', 'operator'].includes(role);
    case 'tokens': return role === 'admin';
    default: return false;
  }
}

/** The bootstrap admin token (subject "admin", no expiry) is the one that rotation replaces. */
export function isBootstrapAdmin() {
  const c = claims();
  return c?.role === 'admin' && c.sub === 'admin' && !c.exp;
}
