// fetchsim/test: createBrowserFetch over in-memory and loopback transports,
// through the package's exports (import and require). Run by `cargo xtask
// js-test` (FETCHSIM_PKG: the built package).

import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.env.FETCHSIM_ROOT ?? path.resolve(import.meta.dirname, "../../../..");
const pkgDir = process.env.FETCHSIM_PKG ?? path.join(root, "target/wasm/pkg");
const require = createRequire(import.meta.url);
const pkg = JSON.parse((await import("node:fs")).readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const entry = (sub, cond) => path.join(pkgDir, pkg.exports[sub][cond]);
const h = await import(pathToFileURL(entry("./test", "import")).href);
const { createBrowserFetch, fetchTransport, nodeTransport, traceOf, MESSAGES } = h;

const ORIGIN = "https://app.example";
const API = "https://api.example/items";
const quiet = () => {};

/** An API that answers CORS for ORIGIN when `cors`, and records what it got. */
function api({ cors = true, credentials = true, expose = "x-total-count" } = {}) {
  const seen = [];
  const handler = async (req) => {
    const body = req.body ? await req.text() : null;
    seen.push({ method: req.method, url: req.url, headers: Object.fromEntries(req.headers), body });
    const h = new Headers();
    if (cors) {
      h.set("access-control-allow-origin", ORIGIN);
      if (credentials) h.set("access-control-allow-credentials", "true");
    }
    if (req.method === "OPTIONS") {
      if (cors) {
        h.set("access-control-allow-methods", "GET, POST, PUT");
        h.set("access-control-allow-headers", "content-type, x-request-id");
      }
      return new Response(null, { status: 204, headers: h });
    }
    h.set("x-total-count", "3");
    h.set("content-type", "application/json");
    if (cors && expose) h.set("access-control-expose-headers", expose);
    return new Response(JSON.stringify({ ok: true, body }), { status: 200, headers: h });
  };
  return { handler, seen };
}

test("the package's exports: ./test by import and require is one module; no browser condition", async () => {
  const cjs = require(entry("./test", "require"));
  assert.equal(cjs.createBrowserFetch, createBrowserFetch);
  for (const sub of ["./test", "./vitest", "./jest"]) {
    assert.equal(JSON.stringify(pkg.exports[sub]).includes("browser"), false, sub);
  }
  assert.equal(pkg.name, "fetchsim");
  const esm = await import(pathToFileURL(path.join(pkgDir, pkg.exports["."].node.import)).href);
  assert.equal(typeof esm.simulate, "function");
  assert.equal(typeof esm.case, "function");
  assert.equal(typeof esm.BrowserPage, "function");
  assert.equal(pkg.exports["."].browser.default, "./web/fetchsim.js");
});

test("a preflighted credentialed POST the API allows resolves with the filtered response", async () => {
  const { handler, seen } = api({ expose: null });
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(handler), cookie: "sid=1", onBlocked: quiet });
  const res = await fetch(API, {
    method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json", "X-Request-Id": "abc" }, body: '{"a":1}',
  });
  assert.equal(res.status, 200);
  assert.equal(res.type, "cors");
  assert.equal(res.url, API);
  assert.equal(res.redirected, false);
  assert.deepEqual(await res.json(), { ok: true, body: '{"a":1}' });
  // Not exposed: script cannot read it, as in a browser.
  assert.equal(res.headers.get("x-total-count"), null);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(seen.length, 2);
  assert.equal(seen[0].method, "OPTIONS");
  assert.equal(seen[0].headers.origin, ORIGIN);
  assert.equal(seen[0].headers["access-control-request-method"], "POST");
  assert.equal(seen[0].headers["access-control-request-headers"], "content-type,x-request-id");
  assert.equal(seen[0].headers.cookie, undefined, "no credentials on a preflight");
  assert.equal(seen[0].body, null);
  assert.equal(seen[1].headers.cookie, "sid=1");
  assert.equal(seen[1].body, '{"a":1}');
  assert.equal(traceOf(res).outcome, "ok");
});

test("a blocked fetch rejects with the profile's TypeError, prints its console line once, and says why in cause", async () => {
  for (const profile of ["chromium", "firefox", "webkit"]) {
    const printed = [];
    const { handler } = api({ cors: false });
    const fetch = createBrowserFetch({ origin: ORIGIN, profile, transport: fetchTransport(handler), onBlocked: (e) => printed.push(e) });
    const err = await fetch(API, { method: "PUT", body: "x" }).then(() => null, (e) => e);
    assert.ok(err instanceof TypeError, profile);
    assert.equal(err.message, MESSAGES[profile]);
    assert.equal(err.cause.kind, "preflight-missing-allow-origin-header");
    assert.equal(printed.length, 1);
    assert.equal(printed[0], err);
    assert.match(err.cause.explanation, /✗/);
    assert.equal(err.cause.trace.outcome, "network-error");
    assert.ok(err.cause.fix, "a fix");
    if (profile === "chromium") {
      assert.equal(err.cause.console, `Access to fetch at '${API}' from origin '${ORIGIN}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`);
    }
    if (profile === "firefox") assert.match(err.cause.console, /^Cross-Origin Request Blocked/);
    assert.deepEqual(fetch.blocked(), [err]);
    assert.deepEqual(fetch.blocked(), []);
  }
  assert.equal(MESSAGES.firefox, "NetworkError when attempting to fetch resource.");
  assert.equal(MESSAGES.webkit, "Load failed");
});

test("the default onBlocked prints the console line, the reason and the fix", async () => {
  const lines = [];
  const error = console.error;
  console.error = (s) => lines.push(s);
  try {
    const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(api({ cors: false }).handler) });
    await assert.rejects(fetch(API));
  } finally {
    console.error = error;
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0], /has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header/);
  assert.match(lines[0], /\[fetchsim\] missing-allow-origin-header: /);
  assert.match(lines[0], /\[fetchsim\] fix: /);
});

test("redirects are followed by the browser, not the transport; the body is resent on 307 and dropped on 303", async () => {
  const seen = [];
  const handler = async (req) => {
    const u = new URL(req.url);
    seen.push([req.method, u.pathname, req.body ? await req.text() : null]);
    const cors = { "access-control-allow-origin": ORIGIN };
    if (u.pathname === "/a") return new Response(null, { status: 307, headers: { ...cors, location: "/b" } });
    if (u.pathname === "/b") return new Response(null, { status: 303, headers: { ...cors, location: "https://api.example/c" } });
    return new Response("done", { headers: cors });
  };
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(handler) });
  const res = await fetch("https://api.example/a", { method: "POST", body: "payload" });
  assert.equal(await res.text(), "done");
  assert.equal(res.redirected, true);
  assert.equal(res.url, "https://api.example/c");
  assert.deepEqual(seen, [["POST", "/a", "payload"], ["POST", "/b", "payload"], ["GET", "/c", null]]);
});

test("no-cors gives an opaque response; redirect: manual an opaqueredirect", async () => {
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(() => new Response("secret", { status: 302, headers: { location: "/x" } })) });
  const manual = await fetch(API, { redirect: "manual", mode: "no-cors" }).catch((e) => e);
  assert.ok(manual instanceof TypeError, "no-cors with manual redirect is a TypeError");
  const opaque = await createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(() => new Response("secret")) })(API, { mode: "no-cors" });
  assert.equal(opaque.type, "opaque");
  assert.equal(opaque.status, 0);
  assert.equal(opaque.url, "");
  assert.equal([...opaque.headers].length, 0);
  const r = await fetch("https://app.example/same", { redirect: "manual" });
  assert.equal(r.type, "opaqueredirect");
  assert.equal(r.status, 0);
});

test("Request objects, relative URLs, FormData (boundary kept) and Blob bodies", async () => {
  const { handler, seen } = api();
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(handler) });
  await fetch(new Request(API, { method: "POST", body: "r", headers: { "x-request-id": "1" } }));
  assert.equal(seen.at(-1).body, "r");
  assert.equal(seen.at(-2).method, "OPTIONS");
  const form = new FormData();
  form.set("k", "v");
  await fetch(API, { method: "POST", body: form });
  const ct = seen.at(-1).headers["content-type"];
  assert.match(ct, /^multipart\/form-data; boundary=/);
  assert.ok(seen.at(-1).body.includes(ct.split("boundary=")[1]), "the body's boundary is the header's");
  await fetch(API, { method: "POST", body: new Blob(["b"], { type: "text/plain" }) });
  assert.equal(seen.at(-1).body, "b");
  // Same-origin relative URL: no Origin-based CORS, no preflight.
  const same = await fetch("/local", { method: "PUT", body: "x" });
  assert.equal(same.type, "basic");
  assert.equal(seen.at(-1).url, "https://app.example/local");
});

test("fetch()'s own TypeErrors (a forbidden method) carry fetchsim's message", async () => {
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(() => new Response()), onBlocked: quiet });
  const err = await fetch(API, { method: "TRACE" }).catch((e) => e);
  assert.ok(err instanceof TypeError);
  assert.equal(err.cause.kind, "forbidden-method");
  assert.notEqual(err.message, "Failed to fetch");
});

test("nodeTransport serves a Node request listener on loopback with raw header lines", async () => {
  const got = [];
  const listener = (req, res) => {
    got.push({ method: req.method, host: req.headers.host, raw: req.rawHeaders });
    if (req.method === "OPTIONS") {
      res.writeHead(204, [["Access-Control-Allow-Origin", ORIGIN], ["Access-Control-Allow-Headers", "x-request-id"]]);
      return res.end();
    }
    // Two Vary lines and two exposed-header lines, kept as sent.
    res.writeHead(200, [
      ["Access-Control-Allow-Origin", ORIGIN],
      ["Access-Control-Expose-Headers", "x-a"], ["Access-Control-Expose-Headers", "x-b"],
      ["X-A", "1"], ["X-B", "2"], ["X-C", "3"],
    ]);
    res.end("hello");
  };
  const transport = nodeTransport(listener);
  after(() => transport.close());
  const fetch = createBrowserFetch({ origin: ORIGIN, transport });
  const res = await fetch(API, { headers: { "X-Request-Id": "1" } });
  assert.equal(await res.text(), "hello");
  assert.equal(res.headers.get("x-a"), "1");
  assert.equal(res.headers.get("x-b"), "2");
  assert.equal(res.headers.get("x-c"), null);
  assert.equal(got[0].method, "OPTIONS");
  assert.equal(got[0].host, "api.example");
  const recv = traceOf(res).requests[1].response.headers.filter(([n]) => n === "access-control-expose-headers");
  assert.equal(recv.length, 2, "both lines reach fetchsim");
});

test("a transport that throws is a network error (transport-error)", async () => {
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: async () => { throw new Error("ECONNREFUSED"); }, onBlocked: quiet });
  const err = await fetch(API).catch((e) => e);
  assert.equal(err.message, "Failed to fetch");
  assert.equal(err.cause.kind, "transport-error");
});

test("the page's preflight cache and clock: advance() and clearCache()", async () => {
  const { handler, seen } = api();
  const fetch = createBrowserFetch({ origin: ORIGIN, transport: fetchTransport(handler) });
  const put = () => fetch(API, { method: "PUT", body: "x" });
  await put();
  await put();
  assert.deepEqual(seen.map((s) => s.method), ["OPTIONS", "PUT", "PUT"]);
  fetch.advance(6000); // past the default max-age of 5 s
  await put();
  fetch.clearCache();
  await put();
  assert.deepEqual(seen.map((s) => s.method), ["OPTIONS", "PUT", "PUT", "OPTIONS", "PUT", "OPTIONS", "PUT"]);
});

test("bad options are TypeErrors that say what to pass", () => {
  assert.throws(() => createBrowserFetch({ transport: () => {} }), /origin/);
  assert.throws(() => createBrowserFetch({ origin: ORIGIN }), /transport/);
  assert.throws(() => createBrowserFetch({ origin: "not an origin", transport: () => {} }), /client\.origin/);
});

test("http server sanity: a live URL through urlTransport", async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "access-control-allow-origin": "*" });
    res.end("live");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  after(() => server.close());
  const url = `http://127.0.0.1:${server.address().port}/`;
  const fetch = createBrowserFetch({ origin: "http://localhost:1", transport: h.urlTransport({ only: [new URL(url).origin] }) });
  assert.equal(await (await fetch(url)).text(), "live");
  await assert.rejects(fetch("http://127.0.0.2:1/"), TypeError);
});
