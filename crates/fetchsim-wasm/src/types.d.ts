// The scenario and trace format (docs/scenario-format.md), as TypeScript.
// Written by hand; `cargo xtask wasm-test` type-checks a usage file against it.

/** A header as an ordered `[name, value]` pair; a name may repeat. */
export type Header = [name: string, value: string];

/** Whose behaviour to simulate. */
export type ProfileName = "spec" | "chromium" | "firefox" | "webkit";

export type RequestMode = "cors" | "no-cors" | "same-origin" | "navigate";
export type CredentialsMode = "omit" | "same-origin" | "include";
export type RedirectMode = "follow" | "error" | "manual";
export type CacheMode = "default" | "no-store" | "reload" | "no-cache" | "force-cache" | "only-if-cached";
export type ReferrerPolicy =
  | "no-referrer"
  | "no-referrer-when-downgrade"
  | "same-origin"
  | "origin"
  | "strict-origin"
  | "origin-when-cross-origin"
  | "strict-origin-when-cross-origin"
  | "unsafe-url";
export type EmbedderPolicy = "unsafe-none" | "require-corp" | "credentialless";
export type BodySource = "string" | "url-search-params" | "form-data" | "blob" | "array-buffer" | "stream";

/** A JSON value (an `expect`, a mismatch's sides). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The page that calls `fetch()`. */
export interface ClientSpec {
  /** The serialized origin (`"null"` for an opaque origin). */
  origin: string;
  referrer_policy?: ReferrerPolicy;
  coep?: EmbedderPolicy;
  /** `scheme://registrable-domain` of the top-level site when embedded. */
  top_level_site?: string;
}

/** What a server answers. */
export interface ServerResponse {
  status: number;
  headers?: Header[];
  body?: string;
}

/** A scripted server route, matched by exact URL (fragment dropped). */
export interface Route {
  url: string;
  /** Answers an `OPTIONS` request that carries `Access-Control-Request-Method`. */
  preflight?: ServerResponse;
  /** Answers every other request. A `3xx` with `location` is a redirect hop. */
  response?: ServerResponse;
}

/** `init.body`: a string, or a body of another source. */
export type BodyInit = string | { source: BodySource; content?: string; type?: string };

/** What script passes to `fetch(url, init)`. */
export interface RequestInit {
  url: string;
  method?: string;
  mode?: RequestMode;
  credentials?: CredentialsMode;
  redirect?: RedirectMode;
  headers?: Header[];
  body?: BodyInit;
  duplex?: "half";
  cache?: CacheMode;
  use_cors_preflight?: boolean;
}

/** One fetch of a scenario. */
export interface FetchSpec {
  /** When the fetch starts on the virtual clock, in ms (never decreasing). */
  at_ms?: number;
  /** Another document of the same browser makes this fetch. */
  client?: ClientSpec;
  request: RequestInit;
  /** The expected trace: fields left out are not checked. */
  expect?: { [key: string]: Json };
}

/** Browser settings the standard leaves to the browser. */
export interface BrowserSpec {
  preflight_cache?: boolean;
  max_age_cap?: number;
}

/** A scenario: who fetches what, how the servers answer. */
export interface Scenario {
  id: string;
  title?: string;
  spec?: string[];
  obligations?: number[];
  notes?: string;
  client: ClientSpec;
  profile?: ProfileName;
  browser?: BrowserSpec;
  server?: Route[];
  fetches: FetchSpec[];
}

/** What script sees of the response. */
export interface ResponseRecord {
  type: "basic" | "cors" | "opaque" | "opaqueredirect";
  status: number;
  redirected: boolean;
  url: string;
  /** The headers script can read: lowercase, sorted, repeated names combined. */
  headers: Header[];
}

/** A response as the server sent it. */
export interface ReceivedResponse {
  status: number;
  headers: Header[];
}

/** One request that reached a server. */
export interface RequestRecord {
  kind: "preflight" | "main";
  method: string;
  url: string;
  origin: string | null;
  access_control_request_method: string | null;
  access_control_request_headers: string | null;
  /** Whether the browser attaches credentials (cookies, HTTP auth). */
  credentials: boolean;
  sec_fetch_site: string | null;
  sec_fetch_mode: string | null;
  sec_fetch_dest: string | null;
  /** The header list as put on the wire: lowercase, sorted, not combined. */
  headers: Header[];
  /** What the server answered, or null when nothing came back. */
  response: ReceivedResponse | null;
}

/** What each browser prints in the console for a failure. */
export interface ConsoleLines {
  chromium: string | null;
  firefox: string | null;
}

/** Why a fetch failed. */
export interface NetworkError {
  /** A stable kebab-case name (docs/scenario-format.md, "Error kinds"). */
  kind: string;
  /** Index in `requests` of the request whose response failed, or null. */
  request: number | null;
  /** The anchor (full URL) of the failing step. */
  spec: string;
  /** What failed and why. */
  message: string;
  /** The smallest change that makes the fetch pass, when there is one. */
  fix?: string | null;
  /** Chromium's `CorsError` name, or null. */
  chromium?: string | null;
  /** Firefox's message id, or null. */
  firefox?: string | null;
  /** Each browser's console line. */
  console?: ConsoleLines;
}

/** One decision of the simulator, with the step of the standard it followed. */
export interface Step {
  step: string;
  spec: string;
  request: number | null;
  result: "pass" | "fail" | "info";
  detail: string;
}

/** A fetch that works but is fragile. */
export interface Warning {
  kind: string;
  spec: string;
  message: string;
}

/** The trace of one fetch. */
export interface Trace {
  outcome: "ok" | "network-error";
  /** Only when `outcome` is `ok`. */
  response?: ResponseRecord;
  requests: RequestRecord[];
  /** Only when `outcome` is `network-error`. */
  error?: NetworkError;
  steps: Step[];
  warnings?: Warning[];
}

/** What `fetchsim simulate` prints for a scenario. */
export interface Simulation {
  id: string;
  fetches: Trace[];
}

/** One field where a trace differs from its `expect`. */
export interface Mismatch {
  path: string;
  expected: Json;
  actual: Json;
  /** `path: expected X, got Y`, as `fetchsim check` prints it. */
  message: string;
}

/** One fetch checked against its `expect`. */
export interface CheckedFetch {
  passed: boolean;
  /** Whether the fetch has an `expect` at all. */
  checked: boolean;
  mismatches: Mismatch[];
  trace: Trace;
}

/** A scenario run against its expectations. */
export interface CheckResult {
  id: string;
  passed: boolean;
  fetches: CheckedFetch[];
  /** What `fetchsim check` prints for this scenario (empty when it passes). */
  report: string;
}

/** A bundled case of the spec-case corpus. */
export interface CaseInfo {
  id: string;
  title: string;
  /** The folder under `spec-cases/`: the algorithm of the standard it checks. */
  folder: string;
  /** `spec-cases/<folder>/<id>.toml`. */
  path: string;
}

/**
 * An entry of the package's `corpus.json` (what `loadCorpus` takes): a case
 * and its scenario, or its TOML text when that did not convert to JSON.
 */
export interface CorpusEntry extends CaseInfo {
  scenario?: Scenario;
  toml?: string;
}

/** A browser profile and what it changes from the standard. */
export interface ProfileInfo {
  name: ProfileName;
  title: string;
  /**
   * The browser release the profile models (every rule verified in it by
   * the differential harness); `null` for `spec`.
   */
  models: { browser: string; release: string; verified: string } | null;
  rules: {
    max_age_cap: number;
    authorization_covered_by_wildcard: boolean;
    max_age: string;
    cache_store: string;
  };
}

/** What a call may add (as the CLI's options do). */
export interface Options {
  /** Simulate this browser instead of the scenario's `profile` (`--profile`). */
  profile?: ProfileName;
  /** The name of the scenario in error messages (default `<input>`). */
  file?: string;
}

/**
 * What every function throws: a JS `Error` whose message is what the CLI
 * prints after `fetchsim: `. For a malformed scenario it also says which
 * file and field, and why.
 */
export interface FetchsimError extends Error {
  file?: string;
  /** The field's path (`fetches[0].request.mode`), empty for the whole document. */
  field?: string;
  reason?: string;
}

/** A request the browser puts on the wire (`PageFetch.next()`'s `send`). */
export interface OutgoingRequest {
  /** Hand this back to `respond(id, …)` or `fail(id, …)`. */
  id: number;
  kind: "preflight" | "main";
  method: string;
  /** Without its fragment, as sent. */
  url: string;
  /** The exact header list (Fetch's part of it): lowercase names, values as byte strings. */
  headers: Header[];
  /** Whether the browser attaches credentials (cookies, HTTP auth). */
  credentials: boolean;
  /** Whether the request carries the body given to `fetch()` (never on preflights, not after a 303). */
  body: boolean;
}

/** How a fetch ended (`PageFetch.next()`'s `done`); the whole trace is `PageFetch.trace()`. */
export interface FetchResult {
  outcome: "ok" | "network-error";
  /** How many requests were sent. */
  requests: number;
  /** What script sees (when `ok`). */
  response?: ResponseRecord;
  /** Why it failed (when `network-error`). */
  error?: NetworkError;
}

/** One step of a `PageFetch`. */
export type PageStep = { send: OutgoingRequest; done?: undefined } | { done: FetchResult; send?: undefined };
