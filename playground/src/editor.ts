// The left column: the scenario as a form. Typing changes the scenario in
// place and re-runs the simulation (the form is not rebuilt, so nothing
// moves while typing); adding or removing rows rebuilds the form and puts
// the focus back where it was.

import type {
  Scenario,
  Header,
  Route,
  ServerResponse,
  FetchSpec,
  RequestInit,
  BodySource,
  ClientSpec,
} from "./pkg/fetchsim.js";
import { h, uid, specLink, type Child } from "./dom.js";

export interface EditorHooks {
  /** The scenario changed (a value); re-run the simulation. */
  changed(): void;
  /** The scenario changed in shape (rows added or removed): rebuild the form too. */
  reshaped(): void;
  /** Replace the whole scenario (the JSON panel). */
  replace(s: Scenario): string | null;
}

export interface EditorView {
  /** The index of the fetch being edited. */
  selected: number;
}

const REQUEST_HEADERS = [
  "accept", "accept-language", "authorization", "cache-control", "content-language",
  "content-type", "if-none-match", "range", "x-requested-with", "x-trace",
];
const RESPONSE_HEADERS = [
  "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
  "access-control-allow-headers", "access-control-max-age", "access-control-expose-headers",
  "cache-control", "content-language", "content-length", "content-type", "cross-origin-resource-policy",
  "expires", "last-modified", "location", "pragma", "set-cookie", "vary", "x-custom",
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"];
const ORIGINS = ["http://app.example.test", "https://app.example.test", "http://api.example.test", "http://other.test", "null"];
const MODES = ["cors", "no-cors", "same-origin", "navigate"];
const CREDENTIALS = ["same-origin", "include", "omit"];
const REDIRECTS = ["follow", "error", "manual"];
const CACHES = ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"];
const BODY_SOURCES: (BodySource | "")[] = ["", "string", "url-search-params", "form-data", "blob", "array-buffer", "stream"];
const REFERRER_POLICIES = [
  "strict-origin-when-cross-origin", "no-referrer", "no-referrer-when-downgrade", "same-origin",
  "origin", "strict-origin", "origin-when-cross-origin", "unsafe-url",
];
const COEPS = ["unsafe-none", "require-corp", "credentialless"];

function datalists(): HTMLElement {
  const list = (id: string, values: string[]) =>
    h("datalist", { id }, values.map((v) => h("option", { value: v })));
  return h(
    "div",
    { hidden: true },
    list("dl-request-headers", REQUEST_HEADERS),
    list("dl-response-headers", RESPONSE_HEADERS),
    list("dl-methods", METHODS),
    list("dl-origins", ORIGINS),
  );
}

/** A labelled text (or number) input bound to a value. */
function field(opts: {
  label: string;
  path: string;
  value: string;
  set: (v: string) => void;
  hooks: EditorHooks;
  type?: string;
  list?: string;
  placeholder?: string;
  className?: string;
  inputmode?: string;
}): HTMLElement {
  const id = uid("f");
  const input = h("input", {
    id,
    type: opts.type ?? "text",
    value: opts.value,
    list: opts.list,
    placeholder: opts.placeholder,
    inputmode: opts.inputmode,
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    "data-path": opts.path,
    "data-key": opts.path,
    oninput: () => {
      opts.set(input.value);
      opts.hooks.changed();
    },
  });
  return h("div", { class: `field ${opts.className ?? ""}` }, h("label", { for: id }, opts.label), input);
}

function select(opts: {
  label: string;
  path: string;
  value: string;
  options: string[];
  set: (v: string) => void;
  hooks: EditorHooks;
  reshape?: boolean;
  labels?: Record<string, string>;
}): HTMLElement {
  const id = uid("s");
  const el = h(
    "select",
    {
      id,
      "data-path": opts.path,
      "data-key": opts.path,
      onchange: () => {
        opts.set(el.value);
        if (opts.reshape) opts.hooks.reshaped();
        else opts.hooks.changed();
      },
    },
    opts.options.map((o) => h("option", { value: o, selected: o === opts.value }, opts.labels?.[o] ?? o)),
  );
  el.value = opts.value;
  return h("div", { class: "field" }, h("label", { for: id }, opts.label), el);
}

function checkbox(opts: {
  label: string;
  path: string;
  checked: boolean;
  set: (v: boolean) => void;
  hooks: EditorHooks;
  reshape?: boolean;
}): HTMLElement {
  const id = uid("c");
  const el = h("input", {
    id,
    type: "checkbox",
    checked: opts.checked,
    "data-path": opts.path,
    "data-key": opts.path,
    onchange: () => {
      opts.set(el.checked);
      if (opts.reshape) opts.hooks.reshaped();
      else opts.hooks.changed();
    },
  });
  return h("div", { class: "check" }, el, h("label", { for: id }, opts.label));
}

function button(label: string, key: string, onclick: () => void, extra: Record<string, string> = {}): HTMLButtonElement {
  return h("button", { type: "button", "data-key": key, onclick, ...extra }, label);
}

/** An editable list of `[name, value]` pairs. */
function headersEditor(opts: {
  title: string;
  path: string;
  get: () => Header[] | undefined;
  set: (list: Header[] | undefined) => void;
  suggestions: string;
  hooks: EditorHooks;
}): HTMLElement {
  const list = opts.get() ?? [];
  const rows = list.map((pair, i) => {
    const p = `${opts.path}[${i}]`;
    const nameId = uid("hn");
    const valueId = uid("hv");
    const name = h("input", {
      id: nameId,
      class: "h-name",
      value: pair[0],
      list: opts.suggestions,
      spellcheck: "false",
      autocomplete: "off",
      autocapitalize: "off",
      "aria-label": `${opts.title}: header ${i + 1} name`,
      "data-path": p,
      "data-key": `${p}.name`,
      oninput: () => {
        pair[0] = name.value;
        opts.hooks.changed();
      },
    });
    const value = h("input", {
      id: valueId,
      class: "h-value",
      value: pair[1],
      spellcheck: "false",
      autocomplete: "off",
      autocapitalize: "off",
      "aria-label": `${opts.title}: value of header ${i + 1}`,
      "data-path": p,
      "data-key": `${p}.value`,
      oninput: () => {
        pair[1] = value.value;
        opts.hooks.changed();
      },
    });
    const remove = button("×", `${p}.remove`, () => {
      const l = opts.get() ?? [];
      l.splice(i, 1);
      opts.set(l.length ? l : undefined);
      focusLater(`${opts.path}.add`);
      opts.hooks.reshaped();
    }, { class: "icon", "aria-label": `Remove header ${pair[0] || i + 1}`, title: "Remove this header" });
    return h("div", { class: "h-row" }, name, h("span", { class: "colon", "aria-hidden": "true" }, ":"), value, remove);
  });
  const add = button("+ header", `${opts.path}.add`, () => {
    const l = opts.get() ?? [];
    l.push(["", ""]);
    opts.set(l);
    focusLater(`${opts.path}[${l.length - 1}].name`);
    opts.hooks.reshaped();
  }, { class: "small" });
  return h(
    "div",
    { class: "headers" },
    h("div", { class: "headers-head" }, h("span", { class: "sub" }, opts.title), add),
    rows.length ? rows : h("p", { class: "muted empty" }, "no headers"),
  );
}

let pendingFocus: string | null = null;
function focusLater(key: string): void {
  pendingFocus = key;
}

function setOrDelete<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value === undefined || value === "") delete obj[key];
  else obj[key] = value;
}

function clientFields(client: ClientSpec, path: string, hooks: EditorHooks): Child[] {
  return [
    field({
      label: "Origin of the page",
      path: `${path}.origin`,
      value: client.origin,
      list: "dl-origins",
      set: (v) => (client.origin = v),
      hooks,
    }),
    h(
      "details",
      { class: "more" },
      h("summary", {}, "Referrer policy, COEP, top-level site"),
      h(
        "div",
        { class: "grid2" },
        select({
          label: "Referrer policy",
          path: `${path}.referrer_policy`,
          value: client.referrer_policy ?? "strict-origin-when-cross-origin",
          options: REFERRER_POLICIES,
          set: (v) => setOrDelete(client, "referrer_policy", v === "strict-origin-when-cross-origin" ? undefined : (v as ClientSpec["referrer_policy"])),
          hooks,
        }),
        select({
          label: "Cross-Origin-Embedder-Policy",
          path: `${path}.coep`,
          value: client.coep ?? "unsafe-none",
          options: COEPS,
          set: (v) => setOrDelete(client, "coep", v === "unsafe-none" ? undefined : (v as ClientSpec["coep"])),
          hooks,
        }),
        field({
          label: "Top-level site (when embedded)",
          path: `${path}.top_level_site`,
          value: client.top_level_site ?? "",
          placeholder: "the page's own site",
          set: (v) => setOrDelete(client, "top_level_site", v || undefined),
          hooks,
        }),
      ),
    ),
  ];
}

function bodyFields(req: RequestInit, path: string, hooks: EditorHooks): HTMLElement {
  const body = req.body;
  const source: BodySource | "" =
    body === undefined ? "" : typeof body === "string" ? "string" : body.source;
  const content = body === undefined ? "" : typeof body === "string" ? body : body.content ?? "";
  const type = body !== undefined && typeof body !== "string" ? body.type ?? "" : "";
  const write = (s: BodySource | "", c: string, t: string) => {
    if (s === "") delete req.body;
    else if (s === "string") req.body = c;
    else req.body = { source: s, ...(c ? { content: c } : {}), ...(s === "blob" && t ? { type: t } : {}) };
  };
  return h(
    "div",
    { class: "grid2" },
    select({
      label: "Body",
      path: `${path}.body`,
      value: source,
      options: BODY_SOURCES,
      labels: { "": "none", string: "string (text/plain)" },
      set: (v) => write(v as BodySource | "", content, type),
      hooks,
      reshape: true,
    }),
    source
      ? field({
          label: "Body content",
          path: `${path}.body`,
          value: content,
          set: (v) => {
            const b = req.body;
            const cur = b === undefined ? "" : typeof b === "string" ? "string" : b.source;
            const t = b !== undefined && typeof b !== "string" ? b.type ?? "" : "";
            write(cur as BodySource, v, t);
          },
          hooks,
        })
      : null,
    source === "blob"
      ? field({
          label: "Blob type",
          path: `${path}.body.type`,
          value: type,
          placeholder: "e.g. application/json",
          set: (v) => {
            const b = req.body;
            if (b && typeof b !== "string") setOrDelete(b, "type", v || undefined);
          },
          hooks,
        })
      : null,
  );
}

function requestEditor(state: { scenario: Scenario }, view: EditorView, hooks: EditorHooks): HTMLElement {
  const s = state.scenario;
  const i = Math.min(view.selected, s.fetches.length - 1);
  const f: FetchSpec = s.fetches[i];
  const req = f.request;
  const path = `fetches[${i}].request`;

  const tabs = h(
    "div",
    { class: "tabs", role: "group", "aria-label": "Fetches" },
    s.fetches.map((fx, k) =>
      button(`fetch ${k + 1}${s.fetches.length > 1 ? ` · ${fx.at_ms ?? 0} ms` : ""}`, `tab-${k}`, () => {
        view.selected = k;
        focusLater(`tab-${k}`);
        hooks.reshaped();
      }, { "aria-pressed": String(k === i), class: k === i ? "tab on" : "tab" }),
    ),
    button("+ fetch", "fetch-add", () => {
      const copy = JSON.parse(JSON.stringify(f)) as FetchSpec;
      delete copy.expect;
      s.fetches.push(copy);
      view.selected = s.fetches.length - 1;
      focusLater(`tab-${view.selected}`);
      hooks.reshaped();
    }, { class: "small", title: "Run another fetch after this one (same browser, same preflight cache)" }),
    s.fetches.length > 1
      ? button("remove", "fetch-remove", () => {
          s.fetches.splice(i, 1);
          view.selected = Math.max(0, i - 1);
          focusLater(`tab-${view.selected}`);
          hooks.reshaped();
        }, { class: "small danger", title: `Remove fetch ${i + 1}` })
      : null,
  );

  const other = f.client;
  return h(
    "section",
    { class: "card", "aria-labelledby": "h-request" },
    h("h2", { id: "h-request" }, "Request ", h("code", { class: "sig" }, "fetch(url, init)")),
    tabs,
    s.fetches.length > 1
      ? field({
          label: "Starts at (ms, virtual clock)",
          path: `fetches[${i}].at_ms`,
          value: String(f.at_ms ?? 0),
          type: "number",
          inputmode: "numeric",
          set: (v) => (f.at_ms = v === "" ? (null as unknown as number) : Number(v)),
          hooks,
          className: "narrow",
        })
      : null,
    other
      ? h(
          "div",
          { class: "note" },
          h("p", { class: "sub" }, "Made by another document of the same browser:"),
          clientFields(other, `fetches[${i}].client`, hooks),
        )
      : null,
    field({ label: "URL", path: `${path}.url`, value: req.url, set: (v) => (req.url = v), hooks }),
    h(
      "div",
      { class: "grid4" },
      field({
        label: "method",
        path: `${path}.method`,
        value: req.method ?? "GET",
        list: "dl-methods",
        set: (v) => (req.method = v),
        hooks,
      }),
      select({ label: "mode", path: `${path}.mode`, value: req.mode ?? "cors", options: MODES, set: (v) => (req.mode = v as RequestInit["mode"]), hooks }),
      select({
        label: "credentials",
        path: `${path}.credentials`,
        value: req.credentials ?? "same-origin",
        options: CREDENTIALS,
        set: (v) => (req.credentials = v as RequestInit["credentials"]),
        hooks,
      }),
      select({
        label: "redirect",
        path: `${path}.redirect`,
        value: req.redirect ?? "follow",
        options: REDIRECTS,
        set: (v) => (req.redirect = v as RequestInit["redirect"]),
        hooks,
      }),
    ),
    headersEditor({
      title: "headers",
      path: `${path}.headers`,
      get: () => req.headers,
      set: (l) => setOrDelete(req, "headers", l),
      suggestions: "dl-request-headers",
      hooks,
    }),
    h(
      "details",
      { class: "more", open: req.body !== undefined || req.cache !== undefined || req.use_cors_preflight || req.duplex ? true : undefined },
      h("summary", {}, "Body, cache, duplex, upload listeners"),
      bodyFields(req, path, hooks),
      h(
        "div",
        { class: "grid2" },
        select({
          label: "cache",
          path: `${path}.cache`,
          value: req.cache ?? "default",
          options: CACHES,
          set: (v) => setOrDelete(req, "cache", v === "default" ? undefined : (v as RequestInit["cache"])),
          hooks,
        }),
        select({
          label: "duplex",
          path: `${path}.duplex`,
          value: req.duplex ?? "",
          options: ["", "half"],
          labels: { "": "(not set)" },
          set: (v) => setOrDelete(req, "duplex", v === "half" ? "half" : undefined),
          hooks,
        }),
      ),
      checkbox({
        label: "use-CORS-preflight flag (XMLHttpRequest with upload listeners)",
        path: `${path}.use_cors_preflight`,
        checked: Boolean(req.use_cors_preflight),
        set: (v) => setOrDelete(req, "use_cors_preflight", v || undefined),
        hooks,
      }),
    ),
  );
}

function responseEditor(route: Route, which: "preflight" | "response", path: string, hooks: EditorHooks): HTMLElement {
  const resp = route[which];
  const title = which === "preflight" ? "Preflight response (to OPTIONS)" : "Response";
  const enabled = checkbox({
    label: title,
    path: `${path}.enabled`,
    checked: resp !== undefined,
    set: (on) => {
      if (on) {
        route[which] =
          which === "preflight"
            ? { status: 204, headers: [["access-control-allow-origin", "http://app.example.test"]] }
            : { status: 200, headers: [] };
      } else {
        delete route[which];
      }
    },
    hooks,
    reshape: true,
  });
  if (!resp) {
    return h("div", { class: `resp ${which} off` }, enabled, h("p", { class: "muted" }, "Not scripted: the server answers 404 with no headers."));
  }
  const r: ServerResponse = resp;
  return h(
    "div",
    { class: `resp ${which}` },
    enabled,
    h(
      "div",
      { class: "grid2 status-body" },
      field({
        label: "status",
        path: `${path}.status`,
        value: String(r.status),
        type: "number",
        inputmode: "numeric",
        set: (v) => (r.status = v === "" ? (null as unknown as number) : Number(v)),
        hooks,
        className: "narrow",
      }),
      field({
        label: "body",
        path: `${path}.body`,
        value: r.body ?? "",
        placeholder: "(none)",
        set: (v) => setOrDelete(r, "body", v || undefined),
        hooks,
      }),
    ),
    headersEditor({
      title: which === "preflight" ? "preflight headers" : "headers",
      path: `${path}.headers`,
      get: () => r.headers,
      set: (l) => {
        r.headers = l ?? [];
      },
      suggestions: "dl-response-headers",
      hooks,
    }),
  );
}

function serversEditor(s: Scenario, hooks: EditorHooks): HTMLElement {
  const routes = s.server ?? [];
  const cards = routes.map((route, r) => {
    const path = `server[${r}]`;
    return h(
      "div",
      { class: "route" },
      h(
        "div",
        { class: "route-head" },
        field({ label: `Route ${r + 1}: URL`, path: `${path}.url`, value: route.url, set: (v) => (route.url = v), hooks, className: "grow" }),
        button("remove", `${path}.remove`, () => {
          routes.splice(r, 1);
          s.server = routes;
          focusLater("route-add");
          hooks.reshaped();
        }, { class: "small danger", "aria-label": `Remove route ${r + 1}` }),
      ),
      responseEditor(route, "preflight", `${path}.preflight`, hooks),
      responseEditor(route, "response", `${path}.response`, hooks),
      button("insert a redirect hop", `${path}.hop`, () => {
        const next = uniqueUrl(routes, route.url);
        const original = route.response ?? { status: 200, headers: [] };
        route.response = { status: 302, headers: [["location", next]] };
        routes.splice(r + 1, 0, { url: next, response: original });
        s.server = routes;
        focusLater(`server[${r + 1}].url`);
        hooks.reshaped();
      }, { class: "small", title: "Make this route redirect (302) to a new route that answers as this one did" }),
    );
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "h-servers" },
    h("h2", { id: "h-servers" }, "Servers"),
    h("p", { class: "muted" }, "Routes match the request URL exactly. A 3xx with a location header is a redirect hop."),
    cards,
    button("+ route", "route-add", () => {
      routes.push({ url: uniqueUrl(routes, "http://api.example.test/data"), response: { status: 200, headers: [] } });
      s.server = routes;
      focusLater(`server[${routes.length - 1}].url`);
      hooks.reshaped();
    }, { class: "small" }),
  );
}

function uniqueUrl(routes: Route[], base: string): string {
  const taken = new Set(routes.map((r) => r.url));
  if (!taken.has(base)) return base;
  const stem = base.replace(/-\d+$/, "");
  for (let n = 2; ; n++) {
    const u = `${stem}-${n}`;
    if (!taken.has(u)) return u;
  }
}

function infoCard(s: Scenario, preset: string | null, edited: boolean): HTMLElement | null {
  if (!preset && !s.title) return null;
  return h(
    "section",
    { class: "card info", "aria-label": "About this scenario" },
    h("p", { class: "case-id" }, h("code", {}, s.id), " ", h("span", { class: "badge", hidden: !edited }, "edited")),
    s.title ? h("p", { class: "case-title" }, s.title) : null,
    s.spec?.length ? h("p", { class: "spec-list" }, s.spec.map((u) => specLink(u))) : null,
    s.notes ? h("p", { class: "notes" }, s.notes) : null,
  );
}

function jsonPanel(s: Scenario, hooks: EditorHooks): HTMLElement {
  const id = uid("json");
  const area = h("textarea", { id, rows: 14, spellcheck: "false", "data-key": "json", class: "json" });
  const msg = h("p", { class: "json-msg", role: "status" });
  const details = h(
    "details",
    {
      class: "card json-panel",
      ontoggle: () => {
        if (details.open) area.value = JSON.stringify(s, null, 2);
      },
    },
    h("summary", {}, "Scenario as JSON (what fetchsim simulate reads)"),
    h("label", { for: id, class: "sub" }, "Edit or paste a scenario, then apply."),
    area,
    h(
      "div",
      { class: "row" },
      button("Apply", "json-apply", () => {
        let parsed: Scenario;
        try {
          parsed = JSON.parse(area.value) as Scenario;
        } catch (e) {
          msg.textContent = `Not JSON: ${(e as Error).message}`;
          return;
        }
        const err = hooks.replace(parsed);
        msg.textContent = err ?? "Applied.";
      }),
      button("Reset to current", "json-reset", () => {
        area.value = JSON.stringify(s, null, 2);
        msg.textContent = "";
      }, { class: "small" }),
    ),
    msg,
  );
  return details;
}

/** Build the whole form into `root`, keeping the focus where it was. */
export function renderEditor(
  root: HTMLElement,
  state: { scenario: Scenario; preset: string | null; edited: boolean },
  view: EditorView,
  hooks: EditorHooks,
): void {
  const active = document.activeElement as HTMLElement | null;
  const key = pendingFocus ?? active?.dataset?.key ?? null;
  const caret = active instanceof HTMLInputElement ? active.selectionStart : null;
  const openDetails = new Set(
    [...root.querySelectorAll("details[open] > summary")].map((el) => el.textContent ?? ""),
  );
  pendingFocus = null;

  const s = state.scenario;
  if (!s.fetches.length) s.fetches.push({ request: { url: "" } });
  view.selected = Math.min(view.selected, s.fetches.length - 1);

  const client = h(
    "section",
    { class: "card", "aria-labelledby": "h-client" },
    h("h2", { id: "h-client" }, "Page"),
    clientFields(s.client, "client", hooks),
    h(
      "details",
      { class: "more" },
      h("summary", {}, "Browser settings"),
      checkbox({
        label: "CORS-preflight cache",
        path: "browser.preflight_cache",
        checked: s.browser?.preflight_cache ?? true,
        set: (v) => {
          s.browser = { ...(s.browser ?? {}), preflight_cache: v };
          if (v) delete s.browser.preflight_cache;
          if (!Object.keys(s.browser).length) delete s.browser;
        },
        hooks,
      }),
      field({
        label: "Access-Control-Max-Age cap (s)",
        path: "browser.max_age_cap",
        value: s.browser?.max_age_cap === undefined ? "" : String(s.browser.max_age_cap),
        type: "number",
        inputmode: "numeric",
        placeholder: "the profile's",
        set: (v) => {
          s.browser = { ...(s.browser ?? {}) };
          if (v === "") delete s.browser.max_age_cap;
          else s.browser.max_age_cap = Number(v);
          if (!Object.keys(s.browser).length) delete s.browser;
        },
        hooks,
        className: "narrow",
      }),
    ),
  );

  root.replaceChildren(
    datalists(),
    infoCard(s, state.preset, state.edited) ?? "",
    client,
    requestEditor(state, view, hooks),
    serversEditor(s, hooks),
    jsonPanel(s, hooks),
  );

  for (const d of root.querySelectorAll("details")) {
    const summary = d.querySelector(":scope > summary")?.textContent ?? "";
    if (openDetails.has(summary)) d.open = true;
  }
  if (key) {
    const el = root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (el) {
      el.closest("details")?.setAttribute("open", "");
      el.focus({ preventScroll: true });
      if (el instanceof HTMLInputElement && caret !== null && el.type === "text") {
        el.setSelectionRange(caret, caret);
      }
    }
  }
}

/** Mark the inputs of the field a scenario error names (and clear others). */
export function markInvalid(root: HTMLElement, field: string | null): void {
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  if (!field) return;
  // The longest path prefix that names inputs: `server[0].response.headers[1]`
  // marks that header's row, `fetches[0].request.mode` the mode select.
  let p = field;
  while (p) {
    const els = root.querySelectorAll(`[data-path="${CSS.escape(p)}"]`);
    if (els.length) {
      for (const el of els) el.setAttribute("aria-invalid", "true");
      return;
    }
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) return;
    p = p.slice(0, cut);
  }
}
