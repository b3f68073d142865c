// Type-checked (never run) against the package's .d.ts by `cargo xtask
// wasm-test`: every export and type is usable as documented, and the types
// are precise enough to catch mistakes (the @ts-expect-error lines).

import {
  simulate,
  check,
  explain,
  cases,
  case as loadCase,
  profiles,
  version,
  loadCorpus,
  type CorpusEntry,
  type Scenario,
  type Simulation,
  type Trace,
  type RequestRecord,
  type Step,
  type CheckResult,
  type CaseInfo,
  type ProfileInfo,
  type ProfileName,
  type FetchsimError,
  type Options,
  type NetworkError,
  type ResponseRecord,
} from "fetchsim";
import init, * as web from "fetchsim/web";

const scenario: Scenario = {
  id: "put-with-preflight",
  client: { origin: "http://app.example.test", coep: "require-corp" },
  server: [
    {
      url: "http://api.example.test/data",
      preflight: { status: 204, headers: [["access-control-allow-methods", "PUT"]] },
      response: { status: 200, headers: [["access-control-allow-origin", "*"]], body: "hi" },
    },
  ],
  fetches: [
    {
      at_ms: 0,
      request: {
        url: "http://api.example.test/data",
        method: "PUT",
        mode: "cors",
        credentials: "include",
        redirect: "manual",
        headers: [["x-trace", "1"]],
        body: { source: "blob", content: "x", type: "text/plain" },
      },
      expect: { outcome: "ok", requests: [{ kind: "preflight" }, { kind: "main" }] },
    },
  ],
};

const sim: Simulation = simulate(scenario);
const sim2: Simulation = simulate(JSON.stringify(scenario), { profile: "firefox", file: "put.json" });
const trace: Trace = sim.fetches[0];
const outcome: "ok" | "network-error" = trace.outcome;
const first: RequestRecord = trace.requests[0];
const origin: string | null = first.origin;
const acrm: string | null = first.access_control_request_method;
const creds: boolean = first.credentials;
const status: number | undefined = first.response?.status;
const steps: Step[] = trace.steps;
const mark = steps.map((s) => (s.result === "pass" ? "✓" : s.result === "fail" ? "✗" : "·"));
const response: ResponseRecord | undefined = trace.response;
const readable: [string, string][] | undefined = response?.headers;
const error: NetworkError | undefined = trace.error;
const why: string | undefined = error?.message;
const fix: string | null | undefined = error?.fix;
const chromiumLine: string | null | undefined = error?.console?.chromium;

const result: CheckResult = check(scenario);
const passed: boolean = result.passed && result.fetches.every((f) => f.mismatches.length === 0);
const text: string = explain(scenario, { profile: "webkit" });
const list: CaseInfo[] = cases();
const kept: boolean = loadCorpus("[]");
const entries: CorpusEntry[] = [{ id: "x", title: "", folder: "f", path: "p", scenario: loadCase("x") }];
loadCorpus(entries);
// @ts-expect-error: the corpus is text or an array of entries
loadCorpus(3);
const folders: string[] = list.map((c) => c.folder);
const loaded: Scenario = loadCase(list[0].id);
const names: ProfileName[] = profiles().map((p: ProfileInfo) => p.name);
const v: string = version();
const opts: Options = { profile: "chromium" };

try {
  simulate("{");
} catch (e) {
  const err = e as FetchsimError;
  const where: string | undefined = err.field;
  const message: string = err.message;
}

// The web build: init() first, then the same functions.
async function page(): Promise<Trace[]> {
  await init();
  return web.simulate(web.case("credentials-wildcard-acao")).fetches;
}

// Mistakes the declarations catch:
// @ts-expect-error mode is one of the request modes
const badMode: Scenario = { id: "x", client: { origin: "o" }, fetches: [{ request: { url: "u", mode: "cross" } }] };
// @ts-expect-error a header is a [name, value] pair
const badHeader: Scenario = { id: "x", client: { origin: "o" }, fetches: [{ request: { url: "u", headers: [["a"]] } }] };
// @ts-expect-error the profile is one of four names
simulate(scenario, { profile: "opera" });
// @ts-expect-error a trace's outcome is "ok" or "network-error"
const badOutcome: Trace["outcome"] = "error";
// @ts-expect-error a scenario needs fetches
const noFetches: Scenario = { id: "x", client: { origin: "o" } };

export {
  sim, sim2, outcome, origin, acrm, creds, status, mark, readable, why, fix, chromiumLine,
  passed, text, folders, loaded, names, v, opts, page, badMode, badHeader, badOutcome, noFetches,
};
