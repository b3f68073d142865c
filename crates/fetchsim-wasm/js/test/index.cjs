'use strict';
// fetchsim/test: a `fetch` that does what a browser does across origins.
// It sends the preflight and the requests the browser would send through a
// transport, and resolves with the response script would see or rejects
// with the browser's TypeError. The CORS decisions are fetchsim's (the
// wasm `BrowserPage` step API); this file only moves requests and bodies.

const wasm = require('../node/fetchsim.js');

const TRACE = Symbol.for('fetchsim.trace');
/** The `TypeError` message of each profile's browser for a network error. */
const MESSAGES = {
  chromium: 'Failed to fetch',
  firefox: 'NetworkError when attempting to fetch resource.',
  webkit: 'Load failed',
  spec: 'Failed to fetch',
};
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The header list of `init.headers` (Headers, pairs or a record), in order. */
function headerPairs(h) {
  return h ? (h[Symbol.iterator] ? [...h] : Object.entries(h)).map(([n, v]) => [String(n), String(v)]) : [];
}

/** The scenario `body` for a `fetch()` body, by its source. */
function bodySpec(body) {
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return { source: 'url-search-params' };
  if (body instanceof FormData) return { source: 'form-data' };
  if (body instanceof Blob) return { source: 'blob', type: body.type };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { source: 'array-buffer' };
  if (body instanceof ReadableStream) return { source: 'stream' };
  return String(body);
}

/**
 * `fetch(input, init)`'s arguments as a scenario request, and the body's
 * bytes (read once, so that 307/308 redirects resend them) and real
 * Content-Type (a FormData boundary).
 */
async function readRequest(input, init) {
  init = init || {};
  let req = {};
  let body = init.body;
  if (input instanceof Request) {
    req = { url: input.url, method: input.method, mode: input.mode, credentials: input.credentials,
      redirect: input.redirect, cache: input.cache, headers: headerPairs(input.headers) };
    if (body === undefined && input.body !== null) body = await input.arrayBuffer();
  } else {
    req.url = String(input); // relative: to the page's origin (fetchsim resolves it)
  }
  for (const k of ['method', 'mode', 'credentials', 'redirect', 'cache', 'duplex']) {
    if (init[k] !== undefined) req[k] = init[k];
  }
  if (init.headers !== undefined) req.headers = headerPairs(init.headers);
  let bytes;
  let type;
  if (body !== undefined && body !== null) {
    req.body = bodySpec(body);
    if (!/^(GET|HEAD)$/i.test(req.method || 'GET')) {
      if (typeof body === 'string' || body instanceof URLSearchParams) bytes = Buffer.from(String(body));
      else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) bytes = new Uint8Array(body.buffer || body, body.byteOffset, body.byteLength).slice();
      else {
        const r = new Request('http://body.invalid/', { method: 'POST', body, duplex: 'half' });
        bytes = new Uint8Array(await r.arrayBuffer());
        type = r.headers.get('content-type');
      }
    }
  }
  return { req, bytes, type };
}

/** The console line the profile's browser prints for a failure. */
function consoleLine(error, profile) {
  const c = error.console || {};
  const line = profile === 'firefox' ? c.firefox : c.chromium;
  return line || `[fetchsim] ${error.message}`;
}

/**
 * The browser's `TypeError` for a failed fetch `f`, fetchsim's account in
 * `cause` (trace, explanation, error record non-enumerable: test runners
 * print the kind, reason, fix and console line).
 */
function blockedError(e, profile, f) {
  const trace = f.trace();
  const cause = { kind: e.kind, message: e.message, fix: e.fix, console: consoleLine(e, profile) };
  Object.defineProperties(cause, {
    error: { value: e },
    trace: { value: trace },
    explanation: { value: f.explain() },
  });
  // The Request constructor's TypeErrors have their own message.
  const thrown = trace.steps[0].step === 'request-constructor' && trace.steps[0].result === 'fail';
  const err = new TypeError(thrown ? e.message : MESSAGES[profile] || MESSAGES.spec, { cause });
  Object.defineProperty(err, TRACE, { value: trace });
  return err;
}

/** What `createBrowserFetch` prints for a blocked fetch (as the browser's console would). */
function report(err) {
  const c = err.cause;
  let text = `${c.console}\n[fetchsim] ${c.kind}: ${c.message}`;
  if (c.fix) text += `\n[fetchsim] fix: ${c.fix}`;
  return text;
}

/** Run one fetch of `page` through `transport`. */
async function drive(page, req, bytes, type, transport, opts) {
  const f = page.start(req, null);
  let last;
  for (;;) {
    const step = f.next();
    if (step.done) return { f, done: step.done, last };
    const s = step.send;
    const headers = s.headers;
    if (type && s.body) {
      const i = headers.findIndex(([n]) => n === 'content-type');
      if (i >= 0 && /^multipart\/form-data/i.test(headers[i][1])) headers[i] = ['content-type', type];
    }
    if (s.credentials && opts.cookie) {
      const c = typeof opts.cookie === 'function' ? opts.cookie(s.url) : opts.cookie;
      if (c) headers.push(['cookie', c]);
    }
    let res;
    try {
      res = await transport({ kind: s.kind, method: s.method, url: s.url, headers,
        body: s.body ? bytes : undefined, credentials: s.credentials });
    } catch (e) {
      f.fail(s.id, String((e && e.message) || e));
      continue;
    }
    last = res;
    const flat = [];
    for (const [n, v] of res.headers || []) flat.push(n, v);
    f.respond(s.id, res.status, flat);
  }
}

/** The `Response` script sees for a trace's `response` record. */
function toResponse(r, last) {
  const opaque = r.type === 'opaque' || r.type === 'opaqueredirect';
  const res = opaque || r.status === 0
    ? Response.error()
    : new Response(NULL_BODY.has(r.status) || !last ? null : last.body ?? null, { status: r.status, headers: r.headers });
  Object.defineProperties(res, {
    type: { value: r.type },
    url: { value: r.url },
    redirected: { value: r.redirected },
  });
  return res;
}

/**
 * A `fetch` that behaves as a page of `origin` in the profile's browser:
 * preflights, credentials, redirects and the CORS checks as the browser
 * does them, over `transport`.
 */
function createBrowserFetch(opts) {
  if (typeof opts?.origin !== 'string') throw new TypeError('createBrowserFetch: `origin` (the page\'s, "https://app.example") is required');
  if (typeof opts.transport !== 'function') throw new TypeError('createBrowserFetch: `transport` is required (fetchTransport, nodeTransport, mswTransport, urlTransport)');
  const profile = opts.profile || 'chromium';
  const page = new wasm.BrowserPage(opts.client || opts.origin, profile, opts.browser || null);
  const onBlocked = opts.onBlocked || ((err) => console.error(report(err)));
  let blocked = [];
  const traces = [];
  async function browserFetch(input, init) {
    const { req, bytes, type } = await readRequest(input, init);
    const { f, done, last } = await drive(page, req, bytes, type, opts.transport, opts);
    if (opts.keepTraces) traces.push(f.trace());
    if (done.outcome === 'ok') {
      const res = toResponse(done.response, last);
      Object.defineProperty(res, TRACE, { get: () => f.trace() });
      return res;
    }
    const err = blockedError(done.error, profile, f);
    blocked.push(err);
    onBlocked(err);
    throw err;
  }
  return Object.assign(browserFetch, {
    page,
    traces,
    advance: (ms) => page.advance(ms),
    clearCache: () => page.clearCache(),
    blocked: () => { const b = blocked; blocked = []; return b; },
    close: () => (opts.transport.close ? opts.transport.close() : Promise.resolve()),
  });
}

/** The trace fetchsim attached to a `Response` or a rejected fetch's error. */
function traceOf(x) {
  return x ? x[TRACE] : undefined;
}

/** An outgoing request as a WHATWG `Request` (no redirect following). */
function toRequest(req) {
  return new Request(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', duplex: 'half' });
}

/** A `Response`'s status, header lines and body for the step API. */
function fromResponse(res) {
  return { status: res.status, headers: [...res.headers], body: res.body };
}

/** A transport over anything that answers a `Request` with a `Response`: Hono's `app.fetch`, itty-router, Next route handlers, a worker. */
function fetchTransport(handler) {
  return async (req) => fromResponse(await handler(toRequest(req)));
}

/** Send over HTTP(S) to `target` (default: the URL's own host), keeping the raw header lines both ways. */
function rawSend(req, target, timeoutMs) {
  const url = new URL(req.url);
  const https = url.protocol === 'https:' && !target;
  const mod = require(https ? 'node:https' : 'node:http');
  return new Promise((resolve, reject) => {
    const r = mod.request({
      host: target ? target.host : url.hostname,
      port: target ? target.port : url.port || (https ? 443 : 80),
      method: req.method,
      path: url.pathname + url.search,
      headers: [['host', url.host], ...req.headers].flat(),
      timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const headers = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        resolve({ status: res.statusCode, headers, body: chunks.length ? Buffer.concat(chunks) : null });
      });
      res.on('error', reject);
    });
    if (timeoutMs) r.on('timeout', () => r.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body ? Buffer.from(req.body) : undefined);
  });
}

/** A Node `http` request listener (an Express app) on a loopback port; `Host` is the URL's. */
function nodeTransport(listener) {
  const http = require('node:http');
  let server;
  let ready;
  const start = () => {
    ready = ready || new Promise((resolve, reject) => {
      server = http.createServer(listener);
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server.address()));
    });
    return ready;
  };
  const send = async (req) => {
    const a = await start();
    return rawSend(req, { host: a.address, port: a.port });
  };
  send.close = () => (server ? new Promise((r) => server.close(() => r())) : Promise.resolve());
  return send;
}

/** A transport to the live URLs themselves (`only`: origins allowed, else every one). */
function urlTransport(options) {
  const o = options || {};
  return (req) => {
    if (o.only && !o.only.includes(new URL(req.url).origin)) {
      return Promise.reject(new Error(`urlTransport: ${new URL(req.url).origin} is not in \`only\``));
    }
    return rawSend(req, null, o.timeoutMs || 10000);
  };
}

/** MSW, from here or else from the project (a linked fetchsim resolves from its own folder). */
async function importMsw() {
  try {
    return await import('msw');
  } catch (e) {
    const { createRequire } = require('node:module');
    const at = createRequire(`${process.cwd()}/`).resolve('msw');
    return import(require('node:url').pathToFileURL(at).href);
  }
}

/**
 * MSW handlers (a list, or `server`) through MSW's `getResponse`. An
 * unanswered preflight gets a 404 without headers, as from a server
 * without CORS middleware (never an automatic "yes").
 */
function mswTransport(source, options) {
  const o = options || {};
  let getResponse = o.getResponse;
  const warned = new Set();
  return async (req) => {
    if (!getResponse) getResponse = (await importMsw()).getResponse;
    const handlers = typeof source.listHandlers === 'function' ? source.listHandlers() : source;
    const res = await getResponse(handlers, toRequest(req));
    if (res) return fromResponse(res);
    if (req.kind === 'preflight') {
      const key = `${req.method} ${req.url}`;
      if (!warned.has(key) && o.quiet !== true) {
        warned.add(key);
        console.warn(`[fetchsim] no MSW handler answered the preflight OPTIONS ${req.url}: answer it as your API does (http.options(...))`);
      }
      return { status: 404, headers: [] };
    }
    throw new Error(`no MSW handler for ${req.method} ${req.url}`);
  };
}

module.exports = {
  createBrowserFetch, traceOf, fetchTransport, nodeTransport, urlTransport, mswTransport,
  report, blockedError, drive, MESSAGES, TRACE, BrowserPage: wasm.BrowserPage,
};
