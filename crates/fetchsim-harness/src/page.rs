//! The HTML pages the proxy serves: the case page whose script runs the
//! fetches, the cookie-setting pages, the end page.

use crate::plan::Prepared;

/// JSON for an inline `<script>`: `<`, `>`, `&`, U+2028 and U+2029 escaped.
fn script_json(v: &serde_json::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The case page: runs the fetches in order, each at its `at_ms` after the
/// start of the script, posts the results to `/__fetchsim/result` on its own
/// origin, then navigates to `/__fetchsim/next`.
pub fn case_page(p: &Prepared, fetch_timeout_ms: u64) -> String {
    let config = serde_json::json!({
        "attempt": p.attempt,
        "opaque": p.opaque,
        "fetches": p.fetches,
        "fetch_timeout_ms": fetch_timeout_ms,
        "mark": format!("{}{}/__fetchsim/mark", p.page_origin, p.prefix),
        "result": format!("{}/__fetchsim/result?a={}", p.page_origin, p.attempt),
        "next": format!("{}/__fetchsim/next?after={}", p.page_origin, p.attempt),
    });
    format!(
        r#"<!doctype html>
<meta charset="utf-8">
<title>fetchsim case {attempt}</title>
<script>
const CASE = {config};
const T0 = performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function makeBody(b) {{
  if (b === null || b === undefined) return undefined;
  if (typeof b === "string") return b;
  const text = b.content === undefined || b.content === null ? "" : b.content;
  switch (b.source) {{
    case "string": return text;
    case "url-search-params": return new URLSearchParams(text);
    case "form-data": {{
      const fd = new FormData();
      for (const [k, v] of new URLSearchParams(text)) fd.append(k, v);
      return fd;
    }}
    case "blob": return b.type === undefined || b.type === null ? new Blob([text]) : new Blob([text], {{ type: b.type }});
    case "array-buffer": return new TextEncoder().encode(text).buffer;
    default: throw new Error("unsupported body source " + b.source);
  }}
}}

function makeInit(spec) {{
  const init = {{}};
  for (const k of ["method", "mode", "credentials", "redirect", "cache", "duplex"]) {{
    if (spec[k] !== undefined) init[k] = spec[k];
  }}
  if (spec.headers !== undefined) init.headers = spec.headers;
  if (spec.body !== undefined) init.body = makeBody(spec.body);
  return init;
}}

async function runOne(f) {{
  const rec = {{ start_ms: performance.now() - T0 }};
  try {{
    const init = makeInit(f.init);
    init.signal = AbortSignal.timeout(CASE.fetch_timeout_ms);
    const r = await fetch(f.url, init);
    const headers = [];
    for (const [k, v] of r.headers) headers.push([k, v]);
    rec.outcome = "ok";
    rec.response = {{ type: r.type, status: r.status, url: r.url, redirected: r.redirected, headers }};
    try {{ await r.arrayBuffer(); }} catch (e) {{ rec.body_error = String(e); }}
  }} catch (e) {{
    const name = e && e.name ? e.name : "Error";
    rec.outcome = name === "TimeoutError" ? "timeout" : "network-error";
    rec.error = name + ": " + (e && e.message ? e.message : String(e));
  }}
  rec.end_ms = performance.now() - T0;
  return rec;
}}

async function mark(i) {{
  await fetch(CASE.mark + "?i=" + i, {{ mode: "no-cors", credentials: "omit", cache: "no-store" }});
}}

async function post(result) {{
  const body = JSON.stringify(result);
  for (let tries = 0; tries < 3; tries++) {{
    try {{
      await fetch(CASE.result, {{ method: "POST", mode: CASE.opaque ? "no-cors" : "same-origin",
        credentials: "omit", cache: "no-store", body, signal: AbortSignal.timeout(5000) }});
      return;
    }} catch (e) {{ await sleep(100); }}
  }}
}}

(async () => {{
  const fetches = [];
  let error = null;
  // The virtual clock's 0: fetch 0 starts at T0 + at_ms[0] (or later, when
  // the page was slow); every later fetch keeps its distance to fetch 0.
  let base = T0;
  try {{
    for (let i = 0; i < CASE.fetches.length; i++) {{
      const f = CASE.fetches[i];
      await mark(i);
      const planned = base + f.at_ms;
      // Short steps: one long timer may fire late in a throttled page.
      for (let left = planned - performance.now(); left > 0; left = planned - performance.now()) {{
        await sleep(Math.min(left, 250));
      }}
      if (i === 0) base = performance.now() - f.at_ms;
      // Splits the console into the messages of each fetch.
      console.log("__fetchsim console a=" + CASE.attempt + " i=" + i);
      const rec = await runOne(f);
      rec.late_ms = rec.start_ms - (base + f.at_ms - T0);
      fetches.push(rec);
    }}
  }} catch (e) {{
    error = String(e && e.stack ? e.stack : e);
  }}
  await post({{ attempt: CASE.attempt, fetches, error, origin: self.origin }});
  location.replace(CASE.next);
}})();
</script>
"#,
        attempt = p.attempt,
        config = script_json(&config),
    )
}

/// A page that navigates to `next` (after its response set a cookie).
pub fn redirect_page(next: &str) -> String {
    format!(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<title>fetchsim</title>\n<script>location.replace({});</script>\n",
        script_json(&serde_json::Value::String(next.to_string()))
    )
}

/// The page shown when every case has run.
pub fn done_page() -> String {
    "<!doctype html>\n<meta charset=\"utf-8\">\n<title>fetchsim: done</title>\n<p>done\n".into()
}
