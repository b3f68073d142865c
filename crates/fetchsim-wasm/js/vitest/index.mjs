// fetchsim/vitest: the matchers, a one-line setup that makes `fetch` a
// browser's, and the MSW report mode, for Vitest.
import { afterAll, afterEach, beforeEach, expect, vi } from 'vitest';
import h from '../test/index.cjs';
import x from '../test/extras.cjs';

expect.extend(x.matchers);

/**
 * Make `fetch` (globalThis and window) a browser fetch for every test of
 * the file (restored by `vi.unstubAllGlobals()`). Call it at the top level
 * of a setup file or test file. With `strict` (default),
 * a test whose blocked fetch no matcher asserted fails (an app that
 * swallows the TypeError still fails the test).
 */
export function installBrowserFetch(options) {
  const f = h.createBrowserFetch(options);
  vi.stubGlobal('fetch', f);
  // Again before each test: above a fetch that MSW's `server.listen()`
  // (in a `beforeAll`) put in place, so that no mock answers around it.
  beforeEach(() => {
    vi.stubGlobal('fetch', f);
  });
  if (options.strict !== false) {
    afterEach(() => {
      const e = x.unasserted(f.blocked());
      if (e) throw e;
    });
  }
  afterAll(() => f.close());
  return f;
}

/**
 * Report what a browser would block among MSW's mocked responses, without
 * changing them: `mode: 'warn'` (default) prints each; `mode: 'error'`
 * also fails the test after it.
 */
export function lintMsw(server, options) {
  return x.lintMswAfterEach(server, options, afterEach);
}

export const { createBrowserFetch, traceOf, fetchTransport, nodeTransport, urlTransport, mswTransport } = h;
export const matchers = x.matchers;
