// The JS harness's figures (`cargo xtask js-bench`, or
// `node crates/fetchsim-wasm/bench/harness.mjs [PKG]`):
// - import time, in fresh processes: the Node build (`require('fetchsim')`,
//   no corpus read) and `fetchsim/test`;
// - time per preflighted fetch through createBrowserFetch (preflight cache
//   off, so every fetch sends OPTIONS then POST): with a fetchTransport
//   over an in-memory `(Request) => Response` handler, and with a raw
//   transport that answers with plain arrays (the cost of fetchsim and the
//   wrapper without undici's Request/Response objects).
// Bars (issue 16): import <= 25 ms, <= 200 us per preflighted fetch.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../../..");
const pkgDir = process.argv[2] ?? process.env.FETCHSIM_PKG ?? path.join(root, "target/wasm/pkg");
const require = createRequire(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU milliseconds of `require(what)` in a fresh process (median of 11). */
function importMs(what) {
  const script = `const c = process.cpuUsage(); const t = process.hrtime.bigint(); require(${JSON.stringify(what)});
    const u = process.cpuUsage(c); process.stdout.write(JSON.stringify([Number(process.hrtime.bigint() - t) / 1e6, (u.user + u.system) / 1e3]));`;
  const runs = [];
  for (let i = 0; i < 11; i++) runs.push(JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })));
  return { wall: median(runs.map((r) => r[0])), cpu: median(runs.map((r) => r[1])) };
}

const ORIGIN = "https://app.example";
const CORS = [["access-control-allow-origin", ORIGIN], ["access-control-allow-credentials", "true"]];
const PREFLIGHT = [...CORS, ["access-control-allow-methods", "POST"], ["access-control-allow-headers", "content-type, x-request-id"]];
const init = {
  method: "POST", credentials: "include",
  headers: { "content-type": "application/json", "x-request-id": "abc" }, body: '{"a":1}',
};

/** Wall and CPU microseconds per fetch (after 300 to warm up). CPU time
 * is the figure to read on a shared, loaded machine. */
async function perFetchUs(fetch, n) {
  for (let i = 0; i < 300; i++) await fetch("https://api.example/items", init);
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fetch("https://api.example/items", init);
  const u = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / 1e3 / n, cpu: (u.user + u.system) / n };
}

const h = require(path.join(pkgDir, "test/index.cjs"));
const opts = { origin: ORIGIN, browser: { preflight_cache: false } };
const handler = (req) => req.method === "OPTIONS"
  ? new Response(null, { status: 204, headers: PREFLIGHT })
  : new Response('{"id":7}', { status: 200, headers: [...CORS, ["content-type", "application/json"]] });
const viaFetch = h.createBrowserFetch({ ...opts, transport: h.fetchTransport(handler) });
const raw = h.createBrowserFetch({
  ...opts,
  transport: async (req) => (req.kind === "preflight" ? { status: 204, headers: PREFLIGHT } : { status: 200, headers: CORS, body: '{"id":7}' }),
});
// Check that they are preflighted and allowed.
const probe = await viaFetch("https://api.example/items", init);
const trace = h.traceOf(probe);
if (trace.outcome !== "ok" || trace.requests.length !== 2) throw new Error("the benchmark fetch is not a preflighted fetch that passes");

const figures = {
  node: process.version,
  import_node_build_ms: importMs(path.join(pkgDir, "node/fetchsim.js")),
  import_fetchsim_test_ms: importMs(path.join(pkgDir, "test/index.cjs")),
  preflighted_fetch_us_fetch_transport: await perFetchUs(viaFetch, 3000),
  preflighted_fetch_us_raw_transport: await perFetchUs(raw, 3000),
};
console.log(`${"figure".padEnd(40)} ${"wall".padStart(9)} ${"cpu".padStart(9)}`);
for (const [k, v] of Object.entries(figures)) {
  if (typeof v !== "object") console.log(`${k.padEnd(40)} ${v}`);
  else console.log(`${k.padEnd(40)} ${v.wall.toFixed(1).padStart(9)} ${v.cpu.toFixed(1).padStart(9)}`);
}
console.log(`load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")} on ${(await import("node:os")).availableParallelism()} cores`);
const over = [];
if (figures.import_fetchsim_test_ms.wall > 25) over.push("import > 25 ms");
if (figures.preflighted_fetch_us_fetch_transport.wall > 200) over.push("preflighted fetch > 200 us");
console.log(over.length ? `over the bars: ${over.join(", ")}` : "within the bars (import <= 25 ms, preflighted fetch <= 200 us)");
