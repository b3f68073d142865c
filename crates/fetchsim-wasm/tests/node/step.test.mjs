// The step API (`BrowserPage`, `PageFetch`) from JavaScript: every corpus
// case driven one request at a time, answered by a transport written in JS
// from the scenario's routes, gives `simulate()`'s traces; plus the
// boundary's errors. Run by `cargo xtask wasm-test` (FETCHSIM_PKG).

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";

const root = process.env.FETCHSIM_ROOT ?? path.resolve(import.meta.dirname, "../../../..");
const pkgDir = process.env.FETCHSIM_PKG ?? path.join(root, "target/wasm/pkg");
const require = createRequire(import.meta.url);
const fetchsim = require(pkgDir);
const { BrowserPage } = fetchsim;

/**
 * The URL as the routes match it: without its fragment, and without a
 * username or password (a browser sends userinfo to no server).
 */
const bare = (u) => {
  try {
    const x = new URL(u);
    x.hash = "";
    x.username = "";
    x.password = "";
    return x.href;
  } catch {
    return u;
  }
};

/**
 * The scenario's routes as a JS transport: what `Routes` answers (404
 * without headers when nothing matches), header lines grouped by name in
 * order of first appearance as an `http::HeaderMap` gives them to the
 * Rust driver.
 */
function routes(server) {
  const table = new Map((server ?? []).map((r) => [bare(r.url), r]));
  return (send) => {
    const route = table.get(bare(send.url));
    const preflight = send.kind === "preflight"
      || (send.method === "OPTIONS" && send.headers.some(([n]) => n === "access-control-request-method"));
    const answer = route && (preflight ? route.preflight : route.response);
    if (!answer) return { status: 404, headers: [] };
    const groups = new Map();
    for (const [n, v] of answer.headers ?? []) {
      const k = n.toLowerCase();
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(v);
    }
    const flat = [];
    for (const [n, vs] of groups) for (const v of vs) flat.push(n, v);
    return { status: answer.status, headers: flat };
  };
}

function drive(page, init, client, transport) {
  const f = page.start(init, client ?? null);
  for (;;) {
    const step = f.next();
    if (step.done) return { f, done: step.done };
    const { status, headers } = transport(step.send);
    f.respond(step.send.id, status, headers);
  }
}

test("every corpus case driven step by step gives simulate()'s traces", () => {
  let n = 0;
  for (const c of fetchsim.cases()) {
    let scenario;
    try {
      scenario = fetchsim.case(c.id);
    } catch {
      continue; // not representable as JSON (a TOML date)
    }
    const expected = fetchsim.simulate(scenario);
    const page = new BrowserPage(scenario.client, scenario.profile ?? "spec", scenario.browser ?? null);
    const transport = routes(scenario.server);
    const traces = [];
    for (const fetch of scenario.fetches) {
      page.advance((fetch.at_ms ?? 0) - page.now);
      const { f, done } = drive(page, fetch.request, fetch.client, transport);
      const trace = f.trace();
      assert.equal(done.outcome, trace.outcome, c.id);
      assert.equal(done.requests, trace.requests.length, c.id);
      assert.deepEqual(done.response, trace.response, c.id);
      assert.deepEqual(done.error, trace.error, c.id);
      traces.push(trace);
    }
    assert.deepEqual({ id: scenario.id, fetches: traces }, expected, c.id);
    n++;
  }
  assert.ok(n > 1000, `only ${n} cases`);
});

test("a page keeps its preflight cache and clock across fetches", () => {
  const page = new BrowserPage("https://app.test", "chromium");
  const init = { url: "https://api.test/x", method: "PUT" };
  const ok = (send) => send.kind === "preflight"
    ? { status: 204, headers: ["access-control-allow-origin", "https://app.test", "access-control-allow-methods", "PUT", "access-control-max-age", "60"] }
    : { status: 200, headers: ["access-control-allow-origin", "https://app.test"] };
  assert.equal(drive(page, init, null, ok).done.requests, 2);
  assert.equal(drive(page, init, null, ok).done.requests, 1, "cached");
  page.advance(61_000);
  assert.equal(page.now, 61_000);
  assert.equal(drive(page, init, null, ok).done.requests, 2, "expired");
  page.clearCache();
  assert.equal(drive(page, init, null, ok).done.requests, 2, "cleared");
  // A fetch from another document of the browser is that document's: its
  // origin is sent, and the server's answer names the page's.
  const other = drive(page, init, "https://other.test", ok);
  assert.equal(other.f.trace().requests[0].origin, "https://other.test");
  assert.equal(other.done.error.kind, "preflight-allow-origin-mismatch");
});

test("requests carry exact header lists as byte strings; responses are read as bytes", () => {
  const page = new BrowserPage({ origin: "https://app.test" }, "chromium");
  const f = page.start({ url: "https://api.test/x", headers: [["X-Tag", "caf\u00e9"]] }, null);
  const { send } = f.next();
  assert.equal(send.kind, "preflight");
  assert.equal(send.method, "OPTIONS");
  assert.equal(send.body, false);
  assert.deepEqual(send.headers.find(([n]) => n === "access-control-request-headers"), ["access-control-request-headers", "x-tag"]);
  f.respond(send.id, 204, ["Access-Control-Allow-Origin", "https://app.test", "access-control-allow-headers", "x-tag"]);
  const main = f.next().send;
  assert.equal(main.kind, "main");
  assert.deepEqual(main.headers.find(([n]) => n === "x-tag"), ["x-tag", "caf\u00e9"]);
  f.respond(main.id, 200, ["access-control-allow-origin", "https://app.test", "x-v", "\u00e9t\u00e9"]);
  const { done } = f.next();
  assert.equal(done.outcome, "ok");
  assert.equal(f.trace().requests[1].response.headers.find(([n]) => n === "x-v")[1], "\u00e9t\u00e9");
  assert.match(f.explain(), /preflight: OPTIONS https:\/\/api\.test\/x/);
});

test("misuse and bad input throw Errors that say what is wrong", () => {
  assert.throws(() => new BrowserPage("nope"), /^Error: BrowserPage: client\.origin: /);
  assert.throws(() => new BrowserPage("https://a.test", "opera"), /BrowserPage: profile: /);
  const page = new BrowserPage("https://app.test");
  assert.throws(() => page.start({ url: "https://api.test/", mode: "bogus" }), /^Error: fetch\(\): request\.mode: /);
  assert.throws(() => page.start(42), /a request is an object or its JSON text/);
  const f = page.start({ url: "https://api.test/" });
  assert.throws(() => f.respond(0, 200, []), /call next\(\) first/);
  const { send } = f.next();
  assert.throws(() => f.respond(send.id + 1, 200, []), /waits for the response to request 0/);
  assert.throws(() => f.respond(send.id, 200, ["x", "\u20ac"]), /above U\+00FF/);
  assert.throws(() => f.respond(send.id, 200, ["x"]), /odd number/);
  f.fail(send.id, "connection refused");
  const { done } = f.next();
  assert.equal(done.error.kind, "transport-error");
  // A TypeError of fetch() itself ends the fetch before anything is sent.
  const g = page.start({ url: "https://api.test/", method: "TRACE" });
  assert.equal(g.next().done.error.kind, "forbidden-method");
});
