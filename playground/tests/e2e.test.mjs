// The built playground in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): load a preset, edit a server header, add one,
// switch the browser profile, share the link; after each change the
// verdict and the sequence diagram must be what the simulator (the npm
// package's nodejs build) says. Screenshots go to target/playground-screenshots/.
// Run by `cargo xtask wasm-test` (which builds everything and sets the paths).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { serve } from "./serve.mjs";

const root = process.env.FETCHSIM_ROOT ?? path.resolve(import.meta.dirname, "../..");
const site = process.env.FETCHSIM_PLAYGROUND ?? path.join(root, "target/playground");
const npm = process.env.FETCHSIM_NPM ?? path.join(root, "target/npm/node_modules");
const pkg = process.env.FETCHSIM_PKG ?? path.join(root, "target/wasm/pkg");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = path.join(root, "target/playground-screenshots");

const require = createRequire(import.meta.url);
const { chromium } = require(path.join(npm, "playwright-core"));
const fetchsim = require(pkg);

let server;
let browser;
let context;
const outside = [];
const problems = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await serve(site);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The page must send nothing anywhere but to the server it came from.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
    outside.push(url);
    return route.abort();
  });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function open(hash = "", viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(server.url + hash);
  await page.waitForSelector("body.ready");
  return page;
}

const MARK = { pass: "✓", fail: "✗", info: "·" };

/** What the page shows for fetch `i`: outcome, error kind, requests, step marks. */
async function shown(page, i = 0) {
  return page.evaluate((i) => {
    const t = document.querySelector(`#trace-${i}`);
    if (!t) return null;
    return {
      outcome: t.classList.contains("ok") ? "ok" : "network-error",
      kind: t.querySelector(".err-kind code")?.textContent ?? null,
      requests: [...t.querySelectorAll(".msg.req")].map((r) => ({
        text: r.textContent,
        preflight: r.classList.contains("preflight"),
      })),
      responses: t.querySelectorAll(".msg.res").length,
      marks: [...t.querySelectorAll(".step .mark")].map((m) => m.textContent).join(""),
      steps: [...t.querySelectorAll(".step .step-name")].map((m) => m.textContent),
      bar: document.querySelector("#verdict-bar").textContent,
    };
  }, i);
}

/** The page must show what the simulator says for `trace`. */
function assertShows(view, trace, label) {
  assert.ok(view, `${label}: a trace is shown`);
  assert.equal(view.outcome, trace.outcome, `${label}: outcome`);
  assert.equal(view.kind, trace.error?.kind ?? null, `${label}: error kind`);
  assert.equal(view.requests.length, trace.requests.length, `${label}: requests`);
  assert.deepEqual(
    view.requests.map((r) => r.preflight),
    trace.requests.map((r) => r.kind === "preflight"),
    `${label}: request kinds`,
  );
  for (const [i, r] of trace.requests.entries()) {
    assert.ok(view.requests[i].text.includes(`${r.method}`), `${label}: method of request ${i}`);
    if (r.origin) assert.ok(view.requests[i].text.includes(`origin: ${r.origin}`), `${label}: Origin of request ${i}`);
    assert.ok(
      view.requests[i].text.includes(r.credentials ? "credentials included" : "no credentials"),
      `${label}: credentials of request ${i}`,
    );
  }
  assert.equal(view.marks, trace.steps.map((s) => MARK[s.result]).join(""), `${label}: ✓/✗ of each step`);
  assert.deepEqual(view.steps, trace.steps.map((s) => s.step), `${label}: step names`);
  assert.ok(view.bar.includes(trace.outcome === "ok" ? "✓" : "✗"), `${label}: verdict bar`);
}

/** The data-path of the input (of `selector`) whose value is `value`. */
async function pathOfInput(page, selector, value) {
  return page.evaluate(
    ([selector, value]) => [...document.querySelectorAll(selector)].find((i) => i.value === value)?.dataset.key,
    [selector, value],
  );
}

test("preset, header edit, new header, profile switch and shared link update the verdict and the diagram", async () => {
  const page = await open();
  // Blank scenario first: it works.
  assertShows(await shown(page), fetchsim.simulate(await page.evaluate(() => window.fetchsimState().scenario)).fetches[0], "blank");

  // 1. Load a preset from the corpus.
  const id = "credentials-wildcard-acao";
  await page.selectOption("#preset", id);
  const scenario = fetchsim.case(id);
  let expected = fetchsim.simulate(scenario).fetches[0];
  assert.equal(expected.error.kind, "wildcard-origin-not-allowed");
  assertShows(await shown(page), expected, "preset");
  assert.match(await page.locator("#trace-0 .verdict .fix").textContent(), /Fix:/);
  assert.match(page.url(), /#case=credentials-wildcard-acao$/);
  await page.screenshot({ path: path.join(shots, "preset-1280x800.png") });

  // 2. Edit a server header: Access-Control-Allow-Origin `*` → the origin.
  const key = await pathOfInput(page, "input.h-value", "*");
  assert.ok(key, "the ACAO header's value input");
  const input = page.locator(`[data-key="${key}"]`);
  await input.click();
  const boxBefore = await input.boundingBox();
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("http://app.example.test");
  scenario.server[0].response.headers.find((h) => h[1] === "*")[1] = "http://app.example.test";
  expected = fetchsim.simulate(scenario).fetches[0];
  assert.equal(expected.outcome, "network-error", "still failing: no Access-Control-Allow-Credentials");
  await page.waitForFunction((k) => document.querySelector("#trace-0 .err-kind code")?.textContent === k, expected.error.kind);
  assertShows(await shown(page), expected, "after editing the header");
  assert.deepEqual(await input.boundingBox(), boxBefore, "the field did not move while typing");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), key, "the focus stayed in the field");

  // 3. Add a header with the keyboard: + header, type name, Tab, type value.
  await page.click('[data-key="server[0].response.headers.add"]');
  const focused = await page.evaluate(() => document.activeElement?.dataset.key);
  assert.match(focused, /^server\[0\]\.response\.headers\[\d+\]\.name$/, "focus moves to the new header's name");
  await page.keyboard.type("access-control-allow-credentials");
  await page.keyboard.press("Tab");
  await page.keyboard.type("true");
  scenario.server[0].response.headers.push(["access-control-allow-credentials", "true"]);
  expected = fetchsim.simulate(scenario).fetches[0];
  assert.equal(expected.outcome, "ok");
  await page.waitForSelector("#trace-0.ok");
  assertShows(await shown(page), expected, "after adding Access-Control-Allow-Credentials");
  assert.match(await page.locator("#trace-0 .verdict").textContent(), /fetch\(\) resolves/);
  assert.match(await page.locator(".info .badge").textContent(), /edited/);
  await page.screenshot({ path: path.join(shots, "edited-1280x800.png") });

  // 4. The link carries the edited state (in the fragment only).
  await page.waitForFunction(() => location.hash.startsWith("#s=") || location.hash.startsWith("#j="));
  const shared = page.url();
  const again = await open(shared.slice(server.url.length));
  assertShows(await shown(again), expected, "the shared link");
  assert.ok(await pathOfInput(again, "input.h-value", "true"), "the added header is in the shared state");
  await again.close();

  // 5. Offline, it keeps working (it never needed the network).
  await context.setOffline(true);
  await page.fill(`[data-key="${key}"]`, "http://other.test");
  scenario.server[0].response.headers.find((h) => h[0] === "access-control-allow-origin")[1] = "http://other.test";
  expected = fetchsim.simulate(scenario).fetches[0];
  await page.waitForFunction((k) => document.querySelector("#trace-0 .err-kind code")?.textContent === k, expected.error.kind);
  assertShows(await shown(page), expected, "offline edit");
  await context.setOffline(false);
  await page.close();
});

test("switching the profile shows what each browser does", async () => {
  // A case whose outcome depends on the browser.
  const id = fetchsim
    .cases()
    .map((c) => c.id)
    .find((id) => {
      const s = fetchsim.case(id);
      return (
        s.fetches.length === 1 &&
        fetchsim.simulate(s, { profile: "spec" }).fetches[0].outcome !==
          fetchsim.simulate(s, { profile: "chromium" }).fetches[0].outcome
      );
    });
  assert.ok(id, "a corpus case that differs between spec and chromium");
  const page = await open(`#case=${id}`);
  const scenario = fetchsim.case(id);
  assertShows(await shown(page), fetchsim.simulate(scenario, { profile: "spec" }).fetches[0], "spec");
  assert.equal(await page.locator(".compare .chip.differs").count() > 0, true, "the comparison marks the browsers that differ");

  await page.click('label[for="profile-chromium"]');
  const chromiumTrace = fetchsim.simulate(scenario, { profile: "chromium" }).fetches[0];
  await page.waitForFunction((o) => document.querySelector("#trace-0")?.classList.contains(o === "ok" ? "ok" : "fail"), chromiumTrace.outcome);
  assertShows(await shown(page), chromiumTrace, "chromium");
  await page.waitForFunction(() => location.hash.includes("profile=chromium"));

  // The keyboard moves between profiles too (a radio group).
  await page.focus("#profile-chromium");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelector("#verdict-bar").textContent.endsWith("firefox"));
  assertShows(await shown(page), fetchsim.simulate(scenario, { profile: "firefox" }).fetches[0], "firefox");
  await page.close();
});

test("a malformed scenario names the field and marks it", async () => {
  const page = await open("#case=credentials-wildcard-acao");
  await page.fill('[data-key="client.origin"]', "not an origin");
  await page.waitForSelector(".invalid");
  const message = await page.locator(".invalid code").textContent();
  let cli;
  try {
    fetchsim.simulate({ ...fetchsim.case("credentials-wildcard-acao"), client: { origin: "not an origin" } });
  } catch (e) {
    cli = e.message;
  }
  assert.equal(message, cli);
  assert.equal(await page.getAttribute('[data-key="client.origin"]', "aria-invalid"), "true");
  await page.fill('[data-key="client.origin"]', "http://app.example.test");
  await page.waitForSelector("#trace-0");
  assert.equal(await page.getAttribute('[data-key="client.origin"]', "aria-invalid"), null);
  await page.close();
});

test("it reads well on a phone (375 px) and at 1280×800", async () => {
  const id = "cors-3xx-after-preflight-needs-acao";
  const hash = fetchsim.cases().some((c) => c.id === id) ? `#case=${id}` : "#case=credentials-wildcard-acao";
  const phone = await open(hash, { width: 375, height: 812 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px too wide)`);
  await phone.screenshot({ path: path.join(shots, "phone-375x812.png") });
  await phone.screenshot({ path: path.join(shots, "phone-375-full.png"), fullPage: true });
  await phone.close();
  const desktop = await open(hash);
  await desktop.screenshot({ path: path.join(shots, "preflight-redirect-1280x800.png") });
  await desktop.close();
});

test("nothing was sent anywhere, and nothing went wrong in the page", () => {
  assert.deepEqual(outside, [], "requests outside the playground's own server");
  assert.deepEqual(problems, []);
  assert.ok(server.requests.every((u) => !u.includes("?")), "no query strings: the state stays in the fragment");
});
