'use strict';
// What fetchsim/vitest and fetchsim/jest share: the matchers and the MSW
// report mode, on top of fetchsim/test.

const h = require('./index.cjs');

/** Set on a blocked fetch's error once a matcher asserted it. */
const ASSERTED = Symbol.for('fetchsim.asserted');

function traceAndCause(received) {
  const trace = h.traceOf(received);
  const cause = received && received.cause && received.cause.kind ? received.cause : undefined;
  return { trace, cause };
}

function notFromFetchsim(name) {
  return {
    pass: false,
    message: () => `${name}: expected the Response or the error of a fetch made with fetchsim's browser fetch (createBrowserFetch / installBrowserFetch)`,
  };
}

const matchers = {
  /** The browser lets script have the response. */
  toBeCorsAllowed(received) {
    const { trace, cause } = traceAndCause(received);
    if (!trace) return notFromFetchsim('toBeCorsAllowed');
    const pass = trace.outcome === 'ok';
    return {
      pass,
      message: () => (pass
        ? `expected the browser to block this fetch, but it allows it (${trace.requests.length} request(s) sent)`
        : `expected the browser to allow this fetch, but it blocks it:\n${h.report(received)}\n\n${cause.explanation}`),
    };
  },
  /** The browser blocks the fetch (with this error kind, when given). */
  toBeBlockedBy(received, kind) {
    const { trace, cause } = traceAndCause(received);
    if (!trace) return notFromFetchsim('toBeBlockedBy');
    const got = trace.error ? trace.error.kind : null;
    const pass = got !== null && (kind === undefined || got === kind);
    if (pass && received && typeof received === 'object') received[ASSERTED] = true;
    return {
      pass,
      message: () => (got === null
        ? `expected the browser to block this fetch${kind ? ` (${kind})` : ''}, but it allows it`
        : pass
          ? `expected the browser not to block this fetch with ${got}, but it does:\n${h.report(received)}`
          : `expected the browser to block this fetch with ${kind}, but it blocks it with ${got}:\n${h.report(received)}\n\n${cause.explanation}`),
    };
  },
  /** Script can read the response header (with this value, when given). */
  toExpose(received, name, value) {
    const trace = h.traceOf(received);
    if (!trace || !received.headers) return notFromFetchsim('toExpose');
    const got = received.headers.get(name);
    const pass = got !== null && (value === undefined || got === value);
    const sent = trace.requests.length ? trace.requests[trace.requests.length - 1].response : null;
    const onWire = sent ? sent.headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v) : [];
    return {
      pass,
      message: () => (pass
        ? `expected script not to read \`${name}\`, but it reads ${JSON.stringify(got)}`
        : got === null
          ? `expected script to read \`${name}\`, but the browser hides it${onWire.length ? ` (the server sent ${JSON.stringify(onWire.join(', '))}; list it in Access-Control-Expose-Headers)` : ' (the server did not send it)'}`
          : `expected \`${name}\` to read ${JSON.stringify(value)}, but it reads ${JSON.stringify(got)}`),
    };
  },
};

/**
 * Report mode for MSW: each mocked response is checked as a browser would
 * (the preflight asked of the same handlers), without changing what the
 * app gets. `check()` waits for the pending checks and returns the blocked
 * ones since the last call.
 */
function lintMsw(server, opts) {
  const page = new h.BrowserPage(opts.origin, opts.profile || 'chromium', opts.browser || null);
  const transport = h.mswTransport(server, { getResponse: opts.getResponse, quiet: true });
  const warn = opts.onBlocked || ((text) => console.warn(`${text}\n[fetchsim] (report mode: the app got the mocked response; a browser would have thrown TypeError: ${h.MESSAGES[opts.profile || 'chromium']})`));
  let pending = [];
  let found = [];
  const one = async (request, response) => {
    const init = { url: request.url, method: request.method, mode: request.mode, credentials: request.credentials,
      redirect: request.redirect, headers: [...request.headers] };
    if (request.body !== null && !/^(GET|HEAD)$/.test(request.method)) init.body = { source: 'array-buffer' };
    // The first main request is the one MSW answered: its response as
    // mocked; the preflight and any redirect hop are asked of the handlers.
    let first = true;
    const t = (req) => {
      if (req.kind !== 'main' || !first) return transport(req);
      first = false;
      return Promise.resolve({ status: response.status, headers: [...response.headers] });
    };
    const { f, done } = await h.drive(page, init, undefined, undefined, t, {});
    if (done.outcome === 'ok') return;
    const err = h.blockedError(done.error, opts.profile || 'chromium', f);
    found.push(err);
    warn(h.report(err), err);
  };
  server.events.on('response:mocked', ({ request, response }) => {
    pending.push(one(request, response).catch((x) => console.error('[fetchsim] report mode:', x)));
  });
  return {
    async check() {
      const p = pending;
      pending = [];
      await Promise.all(p);
      const f = found;
      found = [];
      return f;
    },
  };
}

/**
 * `lintMsw` as fetchsim/vitest and fetchsim/jest install it: checked after
 * each test (through the framework's `afterEach`), with `mode: 'error'`
 * failing a test whose blocked fetches no matcher asserted.
 */
function lintMswAfterEach(server, options, afterEach) {
  const lint = lintMsw(server, options);
  afterEach(async () => {
    const found = await lint.check();
    if (options.mode === 'error') {
      const e = unasserted(found);
      if (e) throw e;
    }
  });
  return lint;
}

/** The error for the blocked fetches of a test that no matcher asserted. */
function unasserted(errors) {
  const left = errors.filter((e) => !e[ASSERTED]);
  if (!left.length) return null;
  return new Error(`CORS: ${left.length} fetch(es) a browser would block: ${left.map((e) => e.cause.kind).join(', ')}\n${left.map((e) => h.report(e)).join('\n')}`);
}

module.exports = { matchers, lintMsw, lintMswAfterEach, unasserted, ASSERTED };
