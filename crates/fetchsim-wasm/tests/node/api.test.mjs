// The npm package's `nodejs` build against the native CLI: same traces,
// same explanations, same check results, same error messages.
// Run by `cargo xtask wasm-test` (which builds the package and the CLI and
// sets FETCHSIM_ROOT, FETCHSIM_PKG and FETCHSIM_CLI).

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = process.env.FETCHSIM_ROOT ?? path.resolve(import.meta.dirname, "../../../..");
const pkgDir = process.env.FETCHSIM_PKG ?? path.join(root, "target/wasm/pkg");
const cli = process.env.FETCHSIM_CLI ?? path.join(root, "target/debug/fetchsim");

const require = createRequire(import.meta.url);
// The package as a dependent would import it: through package.json's exports.
const fetchsim = require(pkgDir);

function runCli(args, input) {
  const r = spawnSync(cli, args, { cwd: root, input, encoding: "utf8", maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function corpusFiles(dir = path.join(root, "spec-cases")) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else if (name.endsWith(".toml")) out.push(p);
  }
  return out.sort();
}

const files = corpusFiles();

/** The JSON text of a corpus file (the package reads no TOML): its case. */
function jsonOf(file) {
  const id = /^id\s*=\s*"([^"]*)"/m.exec(readFileSync(file, "utf8"))[1];
  return JSON.stringify(fetchsim.case(id));
}

test("cases() lists every case of spec-cases/ with its id, title and folder", () => {
  const cases = fetchsim.cases();
  const expected = files.map((f) => {
    const text = readFileSync(f, "utf8");
    const rel = path.relative(root, f).split(path.sep).join("/");
    return {
      id: /^id\s*=\s*"([^"]*)"/m.exec(text)?.[1],
      folder: path.relative(path.join(root, "spec-cases"), path.dirname(f)).split(path.sep).join("/"),
      path: rel,
    };
  });
  assert.equal(cases.length, files.length);
  assert.deepEqual(
    cases.map(({ id, folder, path }) => ({ id, folder, path })),
    expected,
  );
  for (const c of cases) assert.equal(typeof c.title, "string");
});

test("simulate(case) prints what `fetchsim simulate` prints, for the whole corpus", () => {
  const out = runCli(["simulate", "spec-cases"]);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split("\n");
  assert.equal(lines.length, files.length);
  const cases = fetchsim.cases();
  for (const [i, line] of lines.entries()) {
    const ours = fetchsim.simulate(fetchsim.case(cases[i].id));
    // Same value, and the same JSON text, keys in the same order.
    assert.deepEqual(ours, JSON.parse(line), cases[i].id);
    assert.equal(JSON.stringify(ours), line, cases[i].id);
  }
});

test("a scenario may be an object or its JSON text", () => {
  const file = files.find((f) => f.endsWith("credentials-wildcard-acao.toml")) ?? files[0];
  const toml = readFileSync(file, "utf8");
  const expected = JSON.parse(runCli(["simulate", file]).stdout);
  const id = /^id\s*=\s*"([^"]*)"/m.exec(toml)[1];
  const object = fetchsim.case(id);
  assert.deepEqual(fetchsim.simulate(object), expected);
  assert.deepEqual(fetchsim.simulate(JSON.stringify(object)), expected);
  assert.deepEqual(fetchsim.simulate(JSON.stringify(object, null, 2)), expected);
});

test("options.profile does what --profile does", () => {
  for (const file of files.filter((_, i) => i % 40 === 0)) {
    const json = jsonOf(file);
    for (const profile of ["spec", "chromium", "firefox", "webkit"]) {
      const out = runCli(["simulate", "--profile", profile, file]);
      assert.equal(out.status, 0, out.stderr);
      assert.deepEqual(fetchsim.simulate(json, { profile }), JSON.parse(out.stdout), `${file} ${profile}`);
    }
  }
});

test("explain() gives the text `fetchsim explain` prints", () => {
  for (const file of files.filter((_, i) => i % 25 === 0)) {
    const out = runCli(["explain", file]);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(fetchsim.explain(jsonOf(file)), out.stdout, file);
  }
});

test("check() agrees with `fetchsim check` on every case", () => {
  const out = runCli(["check", "spec-cases"]);
  const failing = new Set(
    [...out.stdout.matchAll(/^FAIL \S+ \((.+)\)$/gm)].map((m) => m[1]),
  );
  for (const c of fetchsim.cases()) {
    const r = fetchsim.check(fetchsim.case(c.id), { file: c.path });
    assert.equal(r.passed, !failing.has(c.id), `${c.id}: ${r.report}`);
    assert.equal(r.fetches.length, fetchsim.case(c.id).fetches.length);
    if (!r.passed) {
      const block = out.stdout.slice(out.stdout.indexOf(`FAIL ${c.path} (${c.id})`));
      assert.ok(block.startsWith(r.report), `${c.id}: ${r.report}`);
    }
  }
});

test("errors are JS Errors with the CLI's message", () => {
  const malformed = [
    "{ not json",
    '{"id": 1}',
    '{"id": "x", "client": {"origin": "http://a.test"}, "fetches": [], "extra": true}',
    '{"id": "x", "client": {"origin": "http://a.test"}, "fetches": []}',
    '{"id": "x", "client": {"origin": "not an origin"}, "fetches": [{"request": {"url": "http://a.test/"}}]}',
    '{"id": "x", "client": {"origin": "http://a.test"}, "fetches": [{"request": {"url": "http://a.test/", "mode": "bogus"}}]}',
    '{"id": "x", "client": {"origin": "http://a.test"}, "fetches": [{"at_ms": 5, "request": {"url": "/"}}, {"at_ms": 1, "request": {"url": "/"}}]}',
    '{"id": "x", "client": {"origin": "http://a.test"}, "server": [{"url": "http://a.test/", "response": {"status": 99}}], "fetches": [{"request": {"url": "/"}}]}',
  ];
  for (const text of malformed) {
    const out = runCli(["simulate", "-"], text);
    assert.equal(out.status, 2, text);
    const cliMessage = out.stderr.trim().replace(/^fetchsim: /, "");
    assert.throws(
      () => fetchsim.simulate(text, { file: "-" }),
      (e) => {
        assert.ok(e instanceof Error, "an Error");
        assert.equal(e.message, cliMessage);
        assert.equal(e.file, "-");
        assert.equal(typeof e.field, "string");
        assert.equal(typeof e.reason, "string");
        return true;
      },
      text,
    );
    // Without options.file, the scenario is called <input>.
    assert.throws(() => fetchsim.explain(text), (e) => e instanceof Error && e.message.startsWith("<input>"));
    assert.throws(() => fetchsim.check(text), (e) => e instanceof Error && e.message.startsWith("<input>"));
  }

  const ok = fetchsim.case(fetchsim.cases()[0].id);
  const out = runCli(["simulate", "--profile", "opera", "-"], JSON.stringify(ok));
  assert.equal(out.status, 2);
  assert.throws(
    () => fetchsim.simulate(ok, { profile: "opera" }),
    (e) => e instanceof Error && e.message === out.stderr.trim().replace(/^fetchsim: /, ""),
  );

  for (const bad of [undefined, null, 3, true]) {
    assert.throws(() => fetchsim.simulate(bad), Error);
  }
  const cyclic = { id: "x" };
  cyclic.self = cyclic;
  assert.throws(() => fetchsim.simulate(cyclic), Error);
  assert.throws(() => fetchsim.simulate(ok, { profile: 3 }), Error);
  assert.throws(() => fetchsim.case("no-such-case"), (e) => e instanceof Error && /no-such-case/.test(e.message));
});

test("TOML text is refused with a clear error (the package reads JSON only)", () => {
  const toml = 'id = "t"\n[client]\norigin = "http://a.test"\n[[fetches]]\nrequest = { url = "http://a.test/x" }\n';
  // The CLI reads it…
  assert.equal(runCli(["simulate", "-"], toml).status, 0);
  // …the package says why it does not.
  for (const text of [toml, 'id = "x"\n[client\norigin = 1\n']) {
    assert.throws(
      () => fetchsim.simulate(text, { file: "-" }),
      (e) => {
        assert.ok(e instanceof Error, "an Error");
        assert.equal(e.file, "-");
        assert.equal(e.field, "");
        assert.match(e.reason, /^TOML is not supported by this build of fetchsim \(JSON only\)/);
        assert.equal(e.message, `-: ${e.reason}`);
        return true;
      },
    );
  }
});

test("importing the package reads no corpus; cases() reads it on first use", () => {
  const script = `const f = require(${JSON.stringify(pkgDir)}); process.stdout.write(String(f.loadCorpus("[]")));`;
  // Nothing was loaded: this (empty) corpus is kept.
  assert.equal(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }), "true");
});

test("the corpus is the package's corpus.json, read on first use", () => {
  for (const dir of ["node", "web"]) {
    const corpus = JSON.parse(readFileSync(path.join(pkgDir, dir, "corpus.json"), "utf8"));
    assert.deepEqual(
      corpus.map(({ id, title, folder, path }) => ({ id, title, folder, path })),
      fetchsim.cases(),
    );
  }
  // Loaded once: a second load is ignored.
  assert.equal(fetchsim.loadCorpus("[]"), false);
  assert.equal(fetchsim.cases().length, files.length);
});

test("profiles() and version()", () => {
  assert.deepEqual(
    fetchsim.profiles().map((p) => p.name),
    ["spec", "chromium", "firefox", "webkit"],
  );
  for (const p of fetchsim.profiles()) {
    assert.equal(typeof p.title, "string");
    assert.equal(typeof p.rules.max_age_cap, "number");
  }
  // `fetchsim --version`: the version, then the release each browser
  // profile models, as profiles() gives it in `models`.
  const [first, ...rest] = execFileSync(cli, ["--version"], { encoding: "utf8" }).trim().split("\n");
  assert.equal(`fetchsim ${fetchsim.version()}`, first);
  const modelled = fetchsim.profiles().filter((p) => p.models);
  assert.deepEqual(
    rest,
    modelled.map((p) => `profile ${p.name}: models ${p.models.browser} ${p.models.release} (verified with ${p.models.verified})`),
  );
  assert.equal(fetchsim.profiles()[0].models, null);
});

test("the package's ESM entry for browsers exports the same API", async () => {
  const web = readFileSync(path.join(pkgDir, "web/fetchsim.js"), "utf8");
  for (const name of ["simulate", "check", "explain", "cases", "profiles", "version", "loadCorpus"]) {
    assert.match(web, new RegExp(`export function ${name}\\(`));
  }
  assert.match(web, /export \{ _case as case \};/);
  // init() fetches the corpus next to the module.
  assert.match(web, /new URL\('corpus\.json', import\.meta\.url\)/);
  assert.match(web, /export \{ initSync, __fetchsim_init as default \};/);
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  assert.equal(manifest.name, "fetchsim");
  assert.equal(manifest.exports["./web"].default, "./web/fetchsim.js");
});
