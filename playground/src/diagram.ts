// The right column: for each fetch, the verdict (what script sees, or the
// error with its fix and each browser's console line) and a sequence
// diagram browser ↔ server: every request with its Origin /
// Access-Control-Request-* headers and credentials, every response, and
// each check with ✓ / ✗ and its spec link (the trace's `steps`).

import type {
  Scenario,
  Simulation,
  Trace,
  RequestRecord,
  Step,
  CheckResult,
  ProfileName,
  Header,
} from "./pkg/fetchsim.js";
import { h, specLink, type Child } from "./dom.js";

export interface ResultInput {
  scenario: Scenario;
  simulation: Simulation | null;
  /** Why the scenario cannot run (a malformed scenario). */
  error: { message: string; field: string | null } | null;
  check: CheckResult | null;
  /** The outcome under each profile, for the comparison strip. */
  perProfile: { profile: ProfileName; fetches: Trace[] }[];
  profile: ProfileName;
  selected: number;
  explain: () => string;
  onProfile: (p: ProfileName) => void;
  onSelect: (i: number, show: "editor" | "trace") => void;
}

const MARK: Record<Step["result"], string> = { pass: "✓", fail: "✗", info: "·" };
const RESULT_WORD: Record<Step["result"], string> = { pass: "passed", fail: "failed", info: "" };

function outcomeWord(t: Trace): string {
  if (t.outcome === "ok") {
    const r = t.response;
    return r ? `resolves: ${r.type} ${r.status}` : "resolves";
  }
  return `rejects: ${t.error?.kind ?? "network error"}`;
}

function summary(t: Trace): string {
  return t.outcome === "ok" ? "ok" : t.error?.kind ?? "network-error";
}

function isHighlighted(name: string): boolean {
  return name === "origin" || name.startsWith("access-control-") || name === "location";
}

function headerList(headers: Header[], emptyText: string): HTMLElement {
  if (!headers.length) return h("p", { class: "muted hdrs-empty" }, emptyText);
  return h(
    "ul",
    { class: "hdrs" },
    headers.map(([n, v]) =>
      h("li", { class: isHighlighted(n) ? "hl" : undefined }, h("span", { class: "hn" }, n), ": ", h("span", { class: "hv" }, v)),
    ),
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function statusClass(status: number): string {
  if (status >= 200 && status < 300) return "s2";
  if (status >= 300 && status < 400) return "s3";
  return "s4";
}

function requestArrow(r: RequestRecord, i: number, label: string): HTMLElement {
  const creds = r.credentials ? "credentials included (cookies, HTTP auth)" : "no credentials";
  return h(
    "li",
    { class: `msg req ${r.kind}`, "data-request": i },
    h(
      "div",
      { class: "bubble" },
      h(
        "p",
        { class: "line1" },
        h("span", { class: `kind ${r.kind}` }, label),
        " ",
        h("strong", { class: "method" }, r.method),
        " ",
        h("span", { class: "url" }, r.url),
      ),
      headerList(r.headers, "no headers from fetch"),
      h("p", { class: r.credentials ? "creds on" : "creds off" }, r.credentials ? "" : "", creds),
    ),
    h("div", { class: "arrow right", "aria-hidden": "true" }),
  );
}

function responseArrow(r: RequestRecord, i: number): HTMLElement {
  const res = r.response;
  return h(
    "li",
    { class: "msg res", "data-response": i },
    h("div", { class: "arrow left", "aria-hidden": "true" }),
    h(
      "div",
      { class: "bubble" },
      res
        ? [
            h("p", { class: "line1" }, h("span", { class: `status ${statusClass(res.status)}` }, String(res.status)), " ", h("span", { class: "muted" }, `answer to ${r.kind === "preflight" ? "the preflight" : r.method}`)),
            headerList(res.headers, "no headers"),
          ]
        : h("p", { class: "line1" }, "no response (transport error)"),
    ),
  );
}

function stepNote(s: Step): HTMLElement {
  return h(
    "li",
    { class: `step ${s.result}` },
    h("span", { class: "mark", "aria-label": RESULT_WORD[s.result] || "note" }, MARK[s.result]),
    h("div", { class: "step-body" }, h("span", { class: "step-name" }, s.step), " ", specLink(s.spec), h("p", { class: "detail" }, s.detail)),
  );
}

/** The sequence diagram of one trace. */
export function sequence(t: Trace, client: string): HTMLElement {
  const servers = [...new Set(t.requests.map((r) => hostOf(r.url)))];
  const items: HTMLElement[] = [];
  const seen = t.requests.map(() => 0);
  const label = (i: number) => {
    const r = t.requests[i];
    if (r.kind === "preflight") return "preflight";
    return t.requests.slice(0, i).some((x) => x.kind === "main") ? "redirect hop" : "request";
  };
  for (const s of t.steps) {
    const i = s.request;
    if (i !== null && i < t.requests.length) {
      seen[i] += 1;
      if (seen[i] === 1) items.push(requestArrow(t.requests[i], i, label(i)));
      else if (seen[i] === 2 && t.requests[i].response) items.push(responseArrow(t.requests[i], i));
    }
    items.push(stepNote(s));
  }
  // Requests no step mentioned (should not happen), at the end.
  t.requests.forEach((r, i) => {
    if (seen[i] === 0) items.push(requestArrow(r, i, label(i)));
    if (seen[i] < 2 && r.response) items.push(responseArrow(r, i));
  });
  return h(
    "div",
    { class: "seq" },
    h(
      "div",
      { class: "lanes", "aria-hidden": "true" },
      h("div", { class: "lane" }, h("strong", {}, "Browser"), h("code", {}, client)),
      h(
        "div",
        { class: "lane server" },
        h("strong", {}, servers.length > 1 ? "Servers" : "Server"),
        servers.length ? servers.map((o) => h("code", {}, o)) : h("code", {}, "(nothing sent)"),
      ),
    ),
    h("ol", { class: "events", "aria-label": "Requests, responses and checks, in order" }, items),
  );
}

function verdict(t: Trace): HTMLElement {
  if (t.outcome === "ok") {
    const r = t.response;
    return h(
      "div",
      { class: "verdict ok" },
      h("p", { class: "headline" }, h("span", { class: "big" }, "✓"), " fetch() resolves"),
      r
        ? [
            h(
              "dl",
              { class: "facts" },
              h("dt", {}, "response.type"), h("dd", {}, h("code", {}, r.type)),
              h("dt", {}, "status"), h("dd", {}, h("code", {}, String(r.status))),
              h("dt", {}, "url"), h("dd", {}, h("code", {}, r.url === "" ? '""' : r.url)),
              h("dt", {}, "redirected"), h("dd", {}, h("code", {}, String(r.redirected))),
            ),
            h("p", { class: "sub" }, "Headers script can read:"),
            headerList(r.headers, "none (script can read no header)"),
          ]
        : null,
    );
  }
  const e = t.error;
  const lines: Child[] = [];
  if (e?.console?.chromium) lines.push(h("p", { class: "console" }, h("span", { class: "who" }, "Chromium console"), h("code", {}, e.console.chromium)));
  if (e?.console?.firefox) lines.push(h("p", { class: "console" }, h("span", { class: "who" }, "Firefox console"), h("code", {}, e.console.firefox)));
  return h(
    "div",
    { class: "verdict fail" },
    h("p", { class: "headline" }, h("span", { class: "big" }, "✗"), " fetch() rejects with a ", h("code", {}, "TypeError")),
    e
      ? [
          h("p", { class: "err-kind" }, h("code", {}, e.kind), " ", specLink(e.spec)),
          h("p", { class: "message" }, e.message),
          e.fix ? h("p", { class: "fix" }, h("strong", {}, "Fix: "), e.fix) : null,
          lines.length
            ? h("details", { class: "consoles", "data-keep": "consoles" }, h("summary", {}, "What the browsers' consoles say"), lines)
            : null,
        ]
      : null,
  );
}

function warnings(t: Trace): HTMLElement | null {
  if (!t.warnings?.length) return null;
  return h(
    "ul",
    { class: "warnings" },
    t.warnings.map((w) => h("li", {}, h("span", { class: "mark" }, "⚠"), " ", w.message, " ", specLink(w.spec))),
  );
}

function expectation(check: CheckResult | null, i: number): HTMLElement | null {
  const f = check?.fetches[i];
  if (!f || !f.checked) return null;
  if (f.passed) {
    return h("p", { class: "expect ok" }, "✓ matches the corpus case's expectation");
  }
  return h(
    "div",
    { class: "expect differs" },
    h("p", {}, "≠ differs from the corpus case's expectation (fine if you changed something on purpose):"),
    h("ul", {}, f.mismatches.map((m) => h("li", {}, h("code", {}, m.message)))),
  );
}

function compare(input: ResultInput): HTMLElement | null {
  if (!input.perProfile.length) return null;
  const mine = input.perProfile.find((p) => p.profile === input.profile);
  const key = (fs: Trace[]) => fs.map(summary).join(",");
  return h(
    "div",
    { class: "compare", role: "group", "aria-label": "The same scenario in each browser" },
    h("span", { class: "sub" }, "In each browser:"),
    input.perProfile.map((p) => {
      const t = p.fetches[Math.min(input.selected, p.fetches.length - 1)];
      const ok = t?.outcome === "ok";
      const differs = mine && key(p.fetches) !== key(mine.fetches);
      return h(
        "button",
        {
          type: "button",
          class: `chip ${ok ? "ok" : "fail"}${p.profile === input.profile ? " current" : ""}${differs ? " differs" : ""}`,
          "aria-pressed": String(p.profile === input.profile),
          title: differs ? `differs from ${input.profile}` : undefined,
          onclick: () => input.onProfile(p.profile),
        },
        `${ok ? "✓" : "✗"} ${p.profile}`,
        differs ? h("span", { class: "diff-dot", "aria-label": "(differs)" }, " ≠") : null,
      );
    }),
  );
}

export function renderResult(root: HTMLElement, bar: HTMLElement, input: ResultInput): void {
  const { simulation, error, scenario } = input;
  const open = new Set([...root.querySelectorAll<HTMLDetailsElement>("details[data-keep][open]")].map((d) => d.dataset.keep));
  if (error || !simulation) {
    const msg = error?.message ?? "no result";
    root.replaceChildren(
      h(
        "div",
        { class: "invalid", role: "alert" },
        h("p", { class: "headline" }, "⚠ This scenario is not valid yet"),
        h("p", {}, h("code", {}, msg)),
        h("p", { class: "muted" }, "The field is marked in the form. (fetch() itself would throw a TypeError only for request errors; these are errors in the scenario.)"),
      ),
    );
    bar.className = "verdict-bar invalid";
    bar.textContent = `⚠ not valid: ${msg}`;
    return;
  }
  const sel = Math.min(input.selected, simulation.fetches.length - 1);
  const articles = simulation.fetches.map((t, i) => {
    const spec = scenario.fetches[i];
    const client = spec?.client?.origin ?? scenario.client.origin;
    const multiple = simulation.fetches.length > 1;
    return h(
      "article",
      { class: `trace ${t.outcome === "ok" ? "ok" : "fail"}${i === sel ? " selected" : ""}`, id: `trace-${i}`, "aria-label": `fetch ${i + 1}` },
      h(
        "header",
        { class: "trace-head" },
        multiple
          ? h("button", { type: "button", class: "linklike", onclick: () => input.onSelect(i, "editor"), "aria-label": `Edit fetch ${i + 1}` }, `fetch ${i + 1}`)
          : h("span", {}, "fetch"),
        h("code", {}, `${spec?.request.method ?? "GET"} ${spec?.request.url ?? ""}`),
        multiple ? h("span", { class: "muted" }, `at ${spec?.at_ms ?? 0} ms`) : null,
      ),
      verdict(t),
      warnings(t),
      expectation(input.check, i),
      h("h3", { class: "seq-title" }, "What the browser sends and checks"),
      sequence(t, client),
    );
  });
  const text = h("pre", { class: "explain" });
  const details = h(
    "details",
    { class: "card explain-panel", "data-keep": "explain", ontoggle: () => { if (details.open) text.textContent = input.explain(); } },
    h("summary", {}, "As text (fetchsim explain)"),
    text,
  );
  const overview =
    simulation.fetches.length > 1
      ? h(
          "div",
          { class: "overview", role: "group", "aria-label": "The fetches, in order" },
          h("span", { class: "sub" }, "Fetches:"),
          simulation.fetches.map((t, i) =>
            h(
              "button",
              {
                type: "button",
                class: `chip ${t.outcome === "ok" ? "ok" : "fail"}${i === sel ? " selected" : ""}`,
                "aria-pressed": String(i === sel),
                title: outcomeWord(t),
                onclick: () => input.onSelect(i, "trace"),
              },
              `${t.outcome === "ok" ? "✓" : "✗"} ${i + 1}`,
            ),
          ),
        )
      : null;
  root.replaceChildren(compare(input) ?? "", overview ?? "", ...articles, details);
  for (const d of root.querySelectorAll<HTMLDetailsElement>("details[data-keep]")) {
    if (open.has(d.dataset.keep)) d.open = true;
  }

  const t = simulation.fetches[sel];
  const multiple = simulation.fetches.length > 1;
  bar.className = `verdict-bar ${t.outcome === "ok" ? "ok" : "fail"}`;
  bar.textContent = `${t.outcome === "ok" ? "✓" : "✗"} ${multiple ? `fetch ${sel + 1} ` : "fetch() "}${outcomeWord(t)} · ${t.requests.length} request${t.requests.length === 1 ? "" : "s"} · ${input.profile}`;
}
