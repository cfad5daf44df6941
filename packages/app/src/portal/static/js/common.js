// Shared by every portal page: JSON API calls (same origin, cookie + CSRF header), messages, DOM helpers.
// Business rules stay in the API; pages only collect input and show the API's answers.

/** The 31 service tags of the spec, in list order (services.md §2). */
export const TAGS = [
  'audio', 'books', 'business', 'design', 'education', 'entertainment', 'finance', 'fitness', 'food-drink', 'games',
  'graphics', 'health', 'integration', 'lifestyle', 'media', 'medical', 'movies', 'music', 'news', 'photography',
  'poll', 'productivity', 'quiz', 'rating', 'shopping', 'social', 'sports', 'travel', 'tutorial', 'video', 'weather',
];

export function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return '';
}

/**
 * Calls the JSON API. Every request echoes the portal_csrf cookie in X-CSRF-Token (double submit); `bearer` is used
 * for the user and admin tokens, which live in sessionStorage, never in cookies.
 * Resolves to {status, ok, json, retryAfter}; status 0 means the server was unreachable.
 */
export async function api(method, path, body, options = {}) {
  const headers = { 'X-CSRF-Token': readCookie('portal_csrf') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { status: 0, ok: false, json: undefined, retryAfter: null };
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, ok: res.ok, json, retryAfter: res.headers.get('Retry-After') };
}

/** Human text for a failed API answer: the API's own message, plus the wait time of a rate limit. */
export function problem(r) {
  if (r.status === 0) return 'The server could not be reached. Check your connection and try again.';
  const msg = r.json && typeof r.json.message === 'string' ? r.json.message : `The request failed (HTTP ${r.status}).`;
  if (r.status === 429 && r.retryAfter) return `${msg} Try again in ${r.retryAfter} seconds.`;
  return msg;
}

/** Shows a message (text or nodes) in a region (`kind`: ok | error | info) and moves focus there so screen readers announce it. */
export function say(region, kind, content) {
  region.className = `msg msg-${kind}`;
  region.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  region.replaceChildren(...(Array.isArray(content) ? content : [content]));
  region.hidden = false;
  region.tabIndex = -1;
  region.focus();
}

export function hush(region) {
  region.hidden = true;
  region.textContent = '';
}

/** Tiny DOM builder: strings become text nodes (never HTML). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Runs `handler` on submit with the submit button disabled meanwhile (no double submissions). */
export function onSubmit(form, handler) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const buttons = [...form.querySelectorAll('button[type=submit]')];
    buttons.forEach((b) => (b.disabled = true));
    form.setAttribute('aria-busy', 'true');
    try {
      await handler(ev);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      form.removeAttribute('aria-busy');
    }
  });
}

export const trimmed = (form, name) => form.elements.namedItem(name).value.trim();

/** Lines of a textarea, trimmed, empty ones dropped. */
export const lines = (text) => text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

export async function fileText(input) {
  return Promise.all([...(input.files ?? [])].map((f) => f.text()));
}

export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleString()} (${iso})`;
}

/** A 64-hex identity fingerprint in pairs, as Wire clients display it. */
export const groupFingerprint = (fp) => fp.replace(/(..)(?!$)/g, '$1 ');

/** The provider behind the zprovider cookie; without a session, go to the login page and never resolve. */
export async function requireProvider() {
  const r = await api('GET', '/provider');
  if (r.status === 401 || r.status === 403 || r.status === 404) {
    location.replace(`/portal/login?next=${encodeURIComponent(location.pathname)}`);
    return new Promise(() => {});
  }
  if (!r.ok) throw new Error(problem(r));
  return r.json;
}

/** Wires the header's "Log out" button: the portal route deletes the HttpOnly cookie the page cannot touch. */
export function bindLogout() {
  const button = document.getElementById('logout');
  if (!button) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
    const r = await api('POST', '/portal/logout');
    if (r.status === 204) location.assign('/portal/login?loggedout=1');
    else {
      button.disabled = false;
      const region = document.getElementById('page-msg');
      if (region) say(region, 'error', `Logging out failed: ${problem(r)}`);
    }
  });
}

/** Renders a failure to load the page's data in the page message region. */
export function pageError(err) {
  const region = document.getElementById('page-msg');
  if (region) say(region, 'error', err instanceof Error ? err.message : String(err));
}

/** Tag checkboxes for a fieldset; `checked` is the current tag list. */
export function tagCheckboxes(container, checked = []) {
  container.replaceChildren(
    ...TAGS.map((tag) =>
      h('label', { class: 'tag' }, h('input', { type: 'checkbox', name: 'tags', value: tag, checked: checked.includes(tag) }), ` ${tag}`),
    ),
  );
}

export const checkedTags = (form) => [...form.querySelectorAll('input[name=tags]:checked')].map((i) => i.value);

/** Explains a refused key; a PKCS#1 key (the common mistake) gets the conversion command on its own line. */
export function keyProblem(r) {
  const msg = problem(r);
  if (r.json?.label !== 'invalid-service-key' || !/PKCS#1/.test(msg)) return msg;
  return [
    h('span', { class: 'line', text: msg }),
    h('span', { class: 'line', text: 'Your file holds a PKCS#1 key (“BEGIN RSA PUBLIC KEY”); services need a SubjectPublicKeyInfo key (“BEGIN PUBLIC KEY”). Convert it and upload pubkey.pem:' }),
    h('code', { class: 'line', text: 'openssl rsa -RSAPublicKey_in -in key.pem -pubout -out pubkey.pem' }),
  ];
}
