#!/usr/bin/env python3
"""Storage-model and retrieval rules of fetchsim-cookies, checked in real browsers.

One HTTP server on 127.0.0.1 is every host (the browser's HTTP proxy). A page at
http://app.localhost (a secure context) makes credentialed same-site fetches to
http://tN.app.localhost: each test first fetches /set (or a redirect, or a preflighted
PUT) whose response carries Set-Cookie lines, then /echo URLs whose answer is the Cookie
header the server received. Every host is its own test's jar, so tests do not mix.

    python3 storage_rules.py chromium|firefox|webkit [--base app.example.com]   prints one JSON document

WebKitGTK's MiniBrowser (libsoup) refuses cookies from tN.app.localhost on an app.localhost
page: its third-party check needs a base domain from the Public Suffix List and falls back
to comparing hosts for an unknown TLD (the reference's row W1). Run it with
`--base app.example.com` (a PSL-known name: same site, not a secure context).

The expected values are what fetchsim-cookies computes under that browser's policy; the
`tests/verified.rs` test of the crate holds the same sequences. Standard library only;
nothing leaves 127.0.0.1. Same browser flags as the project's harness and the reference's
cookie-probe scripts.
"""
import http.server, json, os, shutil, signal, socketserver, subprocess, sys, tempfile, threading, time, urllib.parse

# test id -> (Set-Cookie lines of /set on tN.BASE, echo paths); {BASE} is the page's host,
# {PARENT} its parent domain, {SUFFIX} its last label (a public suffix).
TESTS = {
    "order": (["o_a=1; Path=/", "o_b=2; Path=/ord", "o_c=3; Path=/"], ["/ord/x", "/x"]),
    "path": (["p=1; Path=/admin"], ["/admin/x", "/adminx", "/api", "/admin"]),
    "prefix": (["__Host-h1=1; Secure; Path=/; Domain={BASE}", "__SECURE-s1=1",
                "__secure-s2=1; Secure", "__Host-h2=1; Secure", "__host-h3=1; Secure; Path=/",
                "=__Secure-nameless", "__Host-h4=1; Secure; Path=/x"], ["/"]),
    "maxage0": (["m=1", "m=; Max-Age=0", "k=1"], ["/"]),
    "expired": (["e=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "f=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT"], ["/"]),
    "domain": (["ps=1; Domain={SUFFIX}", "dm=1; Domain=other.{PARENT}", "ok=1; Domain=.{UPPER_BASE}",
                "host=1"], ["/"]),
    "nameless": (["justvalue", "  sp  =  v w  ", "q=\"quoted\"", "eq=a=b"], ["/"]),
    "partitioned": (["pn=1; Partitioned", "ps=1; Partitioned; Secure"], ["/"]),
    "none": (["ni=1; SameSite=None", "ns=1; SameSite=None; Secure", "bogus=1; SameSite=Bogus"], ["/"]),
    "ctl": (["c1=a\x01b", "c2=ok", "c3=a\tb"], ["/"]),
    "dup": (["d=1", "d=2; Path=/", "d=3; Path=/dup"], ["/dup/x"]),
    "domain2": (["l1=1; Domain=.{BASE}", "l2=1; Domain={UPPER_BASE}", "l3=1; Domain={BASE}"], ["/"]),
    "prefix2": (["__Secure-e1=1", "__Host-e2=1; Path=/"], ["/"]),
    "ctl2": (["k1=a\x01b; Path=/other", "k2=a\tb; Path=/other"], ["/", "/other"]),
    "nameless2": (["=v1", "n2="], ["/"]),
}
# redirect hop with Set-Cookie, preflight response with Set-Cookie
EXTRA_IDS = ["redirect", "preflight"]
IDS = list(TESTS) + EXTRA_IDS
BASE = "app.localhost"  # --base app.example.com for WebKitGTK (see below)
def host(tid): return f"t{IDS.index(tid)}.{BASE}"

PAGE = r"""
const R = {href: location.href, isSecureContext: self.isSecureContext};
async function f(id, url, init) {
  try { const r = await fetch(url, Object.assign({credentials: 'include'}, init)); R[id] = {ok: true, status: r.status, body: await r.text()}; }
  catch (e) { R[id] = {ok: false, error: String(e)}; }
}
(async () => {
  for (const [tid, h, echoes] of TESTS) {
    await f(tid + ':set', 'http://' + h + '/set?t=' + tid);
    for (const p of echoes) await f(tid + ':' + p, 'http://' + h + p + (p.includes('?') ? '&' : '?') + 'echo=1');
  }
  await f('redirect:hop', 'http://HR/redir?to=' + encodeURIComponent('http://HR/echoed'));
  await f('redirect:/', 'http://HR/?echo=1');
  await f('preflight:put', 'http://HP/pf', {method: 'PUT', headers: {'x-probe': '1'}});
  await f('preflight:/', 'http://HP/?echo=1');
  await fetch('/report', {method: 'POST', body: JSON.stringify(R)});
  location.href = '/done';
})();
"""

def set_lines(tid):
    return [l.format(BASE=BASE, UPPER_BASE=BASE.upper(), PARENT=BASE.split(".", 1)[1],
                     SUFFIX=BASE.rsplit(".", 1)[1]) for l in TESTS[tid][0]]

class S:
    reports = []; log = []; done = threading.Event(); lock = threading.Lock()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, status, headers, body=b""):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body))); self.send_header("Connection", "close")
        self.send_header("Cache-Control", "no-store"); self.end_headers(); self.wfile.write(body)
        self.close_connection = True
    def do_CONNECT(self): self.reply(405, [])
    def do_OPTIONS(self): self.handle_any()
    def do_GET(self): self.handle_any()
    def do_POST(self): self.handle_any()
    def do_PUT(self): self.handle_any()
    def handle_any(self):
        p = self.path if self.path.startswith("http") else "http://" + (self.headers.get("Host") or "x") + self.path
        u = urllib.parse.urlsplit(p); h = u.hostname; q = dict(urllib.parse.parse_qsl(u.query))
        n = int(self.headers.get("Content-Length") or 0); body = self.rfile.read(n) if n else b""
        with S.lock: S.log.append({"method": self.command, "host": h, "path": u.path, "cookie": self.headers.get("Cookie")})
        cors = [("Access-Control-Allow-Origin", self.headers.get("Origin") or "*"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-probe")]
        if h == BASE and u.path == "/":
            tests = [[t, host(t), TESTS[t][1]] for t in TESTS]
            js = PAGE.replace("HR", host("redirect")).replace("HP", host("preflight"))
            html = f"<!doctype html><meta charset=utf-8><script>const TESTS={json.dumps(tests)};{js}</script>"
            return self.reply(200, [("Content-Type", "text/html")], html.encode())
        if u.path == "/report":
            with S.lock: S.reports.append(json.loads(body or b"{}"))
            return self.reply(204, [])
        if u.path == "/done":
            S.done.set(); return self.reply(200, [("Content-Type", "text/plain")], b"done")
        if u.path == "/set":
            lines = set_lines(q["t"])
            return self.reply(200, cors + [("Set-Cookie", c) for c in lines], b"set")
        if u.path == "/redir":
            return self.reply(302, cors + [("Set-Cookie", "r=1; Path=/"), ("Location", q["to"])])
        if u.path == "/pf":
            if self.command == "OPTIONS":
                return self.reply(204, cors + [("Set-Cookie", "pf_options=1; Path=/")])
            return self.reply(200, cors + [("Set-Cookie", "pf_put=1; Path=/")], b"put")
        if q.get("echo") == "1" or u.path == "/echoed":
            return self.reply(200, cors, (self.headers.get("Cookie") or "").encode("latin-1"))
        return self.reply(404, [])

class TS(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True; allow_reuse_address = True

FF_PREFS = {"browser.shell.checkDefaultBrowser": False, "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.enabled": False, "app.update.enabled": False,
    "app.normandy.enabled": False, "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "services.settings.server": "http://remote-settings.invalid/v1", "dom.security.https_first": False,
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.ssl": "127.0.0.1",
    "network.proxy.no_proxies_on": "", "network.proxy.allow_hijacking_localhost": True,
    "network.proxy.share_proxy_settings": False, "browser.aboutwelcome.enabled": False}

def command(browser, port, tmp, url):
    if browser == "chromium":
        return ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-default-browser-check", "--disable-default-apps", "--disable-features=HttpsUpgrades",
                f"--proxy-server=http://127.0.0.1:{port}", "--proxy-bypass-list=<-loopback>",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--user-data-dir={tmp}/ud", url]
    if browser == "firefox":
        prof = os.path.join(tmp, "ff"); os.makedirs(prof)
        prefs = dict(FF_PREFS, **{"network.proxy.http_port": port, "network.proxy.ssl_port": port})
        with open(os.path.join(prof, "user.js"), "w") as fh:
            for k, v in prefs.items(): fh.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
        return ["firefox-esr", "--headless", "--no-remote", "--profile", prof, url]
    mb = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
    return ["xvfb-run", "-a", mb, f"--proxy=http://127.0.0.1:{port}", "--ignore-host=", url]

def main():
    global BASE
    browser = sys.argv[1]
    if "--base" in sys.argv:
        BASE = sys.argv[sys.argv.index("--base") + 1]
    srv = TS(("127.0.0.1", 0), H); port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="fetchsim-cookie-probe-")
    env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=tmp + "/c", XDG_DATA_HOME=tmp + "/d", XDG_CACHE_HOME=tmp + "/k")
    p = subprocess.Popen(command(browser, port, tmp, f"http://{BASE}/"), env=env, stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(tmp, "stderr.log"), "w"), start_new_session=True)
    ok = S.done.wait(90)
    try: os.killpg(p.pid, signal.SIGTERM); time.sleep(2); os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError: pass
    rep = S.reports[0] if S.reports else {}
    results = {k: (v.get("body") if v.get("ok") else "ERROR " + v.get("error", "")) for k, v in rep.items() if ":" in k}
    tests = [{"id": t, "host": host(t), "set_cookie": set_lines(t), "echo": TESTS[t][1]} for t in TESTS]
    print(json.dumps({"browser": browser, "base": BASE, "finished": ok, "tests": tests,
                      "redirect_host": host("redirect"), "preflight_host": host("preflight"), "isSecureContext": rep.get("isSecureContext"),
                      "results": results, "requests": S.log}, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    main()
