'use strict';
// fetchsim/jest: the matchers, a one-line setup that makes `fetch` a
// browser's, and the MSW report mode, for Jest (its globals `expect`,
// `afterEach`, `afterAll`).
const h = require('../test/index.cjs');
const x = require('../test/extras.cjs');

if (typeof expect !== 'undefined') expect.extend(x.matchers);

/**
 * Make `globalThis.fetch` a browser fetch for the test file (restored
 * after it). With `strict` (default), a test whose blocked fetch no
 * matcher asserted fails.
 */
function installBrowserFetch(options) {
  const f = h.createBrowserFetch(options);
  const before = globalThis.fetch;
  const install = () => {
    globalThis.fetch = f;
    if (typeof window !== 'undefined' && window !== globalThis) window.fetch = f;
  };
  install();
  // Again before each test: above a fetch that MSW's `server.listen()` (in
  // a `beforeAll`) put in place.
  beforeEach(install);
  if (options.strict !== false) {
    afterEach(() => {
      const e = x.unasserted(f.blocked());
      if (e) throw e;
    });
  }
  afterAll(() => {
    globalThis.fetch = before;
    return f.close();
  });
  return f;
}

/** As fetchsim/vitest's `lintMsw`. */
function lintMsw(server, options) {
  return x.lintMswAfterEach(server, options, afterEach);
}

module.exports = { ...h, installBrowserFetch, lintMsw, matchers: x.matchers };
