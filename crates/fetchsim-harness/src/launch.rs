//! Finding, installing, starting and stopping the real browsers. Each runs
//! with a fresh temporary profile, every request sent to the harness's
//! proxy on 127.0.0.1, and is ended by its own process group.

use fetchsim::Profile;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A browser the harness can drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserKind {
    /// Debian's `chromium`, `--headless=new`.
    Chromium,
    /// Debian's `firefox-esr`, `--headless`.
    Firefox,
    /// WebKitGTK's MiniBrowser under `xvfb-run`.
    Webkit,
}

impl BrowserKind {
    /// Every browser, in the order `all` runs them.
    pub const ALL: [BrowserKind; 3] = [
        BrowserKind::Chromium,
        BrowserKind::Firefox,
        BrowserKind::Webkit,
    ];

    /// `chromium`, `firefox`, `webkit`.
    pub fn name(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "chromium",
            BrowserKind::Firefox => "firefox",
            BrowserKind::Webkit => "webkit",
        }
    }

    /// The simulator profile of this browser.
    pub fn profile(self) -> Profile {
        match self {
            BrowserKind::Chromium => Profile::Chromium,
            BrowserKind::Firefox => Profile::Firefox,
            BrowserKind::Webkit => Profile::Webkit,
        }
    }

    /// Parse `chromium`, `firefox`, `webkit`.
    pub fn parse(s: &str) -> Option<BrowserKind> {
        BrowserKind::ALL.into_iter().find(|b| b.name() == s)
    }
}

/// What is installed for a browser.
#[derive(Clone, Debug)]
pub struct Installed {
    /// The browser binary.
    pub binary: PathBuf,
    /// `xvfb-run`, for WebKit.
    pub xvfb_run: Option<PathBuf>,
    /// The version line the browser prints.
    pub version: String,
}

fn first_existing(paths: &[&str]) -> Option<PathBuf> {
    paths.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn minibrowser() -> Option<PathBuf> {
    for lib in ["/usr/lib", "/usr/libexec", "/usr/lib64"] {
        let Ok(entries) = std::fs::read_dir(lib) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.push(PathBuf::from(lib));
        dirs.sort();
        for d in dirs {
            for sub in ["webkit2gtk-4.1", "webkitgtk-6.0", "webkit2gtk-4.0"] {
                let p = d.join(sub).join("MiniBrowser");
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// The Debian packages that provide a browser (and what it needs): one
/// `apt-get install` of all of them keeps a browser and its driver at the
/// same version.
fn packages(kind: BrowserKind) -> &'static [&'static str] {
    match kind {
        BrowserKind::Chromium => &["chromium", "chromium-driver"],
        BrowserKind::Firefox => &["firefox-esr"],
        BrowserKind::Webkit => &["libwebkit2gtk-4.1-0", "xvfb", "xauth"],
    }
}

fn find(kind: BrowserKind) -> Option<(PathBuf, Option<PathBuf>)> {
    match kind {
        BrowserKind::Chromium => first_existing(&["/usr/bin/chromium"])
            .or_else(|| in_path("chromium"))
            .map(|b| (b, None)),
        BrowserKind::Firefox => first_existing(&["/usr/bin/firefox-esr"])
            .or_else(|| in_path("firefox-esr"))
            .or_else(|| in_path("firefox"))
            .map(|b| (b, None)),
        BrowserKind::Webkit => {
            let mb = minibrowser()?;
            let xv = first_existing(&["/usr/bin/xvfb-run"]).or_else(|| in_path("xvfb-run"))?;
            Some((mb, Some(xv)))
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The command that installs a browser's packages, package lists updated
/// first (a fresh machine's lists can be stale, and name an older browser).
pub fn install_command(kind: BrowserKind) -> String {
    format!(
        "apt-get update && apt-get install -y {}",
        packages(kind).join(" ")
    )
}

/// Find the browser; when it is missing and this is root with apt-get,
/// install it (`apt-get update`, then one `apt-get install` of the browser
/// and its driver). The error is the exact command to run.
pub fn ensure(kind: BrowserKind) -> Result<Installed, String> {
    if find(kind).is_none() {
        let cmd = install_command(kind);
        let apt = first_existing(&["/usr/bin/apt-get"]);
        if !(is_root() && apt.is_some()) {
            return Err(format!(
                "{} is not installed; run{}: {cmd}",
                kind.name(),
                if is_root() { "" } else { " as root" }
            ));
        }
        eprintln!("browsers: {} is missing; running `{cmd}`", kind.name());
        let run = |args: &[&str]| {
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdout(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        };
        let mut args = vec!["install", "-y"];
        args.extend(packages(kind));
        // Stale package lists install an older browser than the profile
        // models: update them first, always.
        if !(run(&["update"]) && run(&args)) {
            return Err(format!("installing {} failed; run: {cmd}", kind.name()));
        }
    }
    let (binary, xvfb_run) = find(kind).ok_or_else(|| {
        format!(
            "{} is still missing after installing; run: apt-get install -y {}",
            kind.name(),
            packages(kind).join(" ")
        )
    })?;
    let version = version_of(kind, &binary, xvfb_run.as_deref());
    Ok(Installed {
        binary,
        xvfb_run,
        version,
    })
}

impl Installed {
    /// The version number in [`Installed::version`]: its first word that
    /// starts with a digit (`156.0.8078.129`, `153.8.0esr`,
    /// `2.50.6-1~deb12u2`).
    pub fn version_number(&self) -> Option<&str> {
        version_number(&self.version)
    }
}

fn version_number(line: &str) -> Option<&str> {
    line.split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether the installed browser is of the release its profile models
/// ([`fetchsim::Profile::browser_version`]). The error is one line: what
/// was found, what the profile models, and the command that installs it.
pub fn check_version(kind: BrowserKind, inst: &Installed) -> Result<(), String> {
    let Some(modelled) = kind.profile().browser_version() else {
        return Ok(());
    };
    if inst.version_number().is_some_and(|v| modelled.matches(v)) {
        return Ok(());
    }
    Err(format!(
        "found {}, but the {} profile models {modelled} (verified with {}); \
         install it with `{}`, or pass --allow-version-mismatch to compare anyway",
        inst.version,
        kind.name(),
        modelled.verified,
        install_command(kind)
    ))
}

fn version_of(kind: BrowserKind, binary: &Path, _xvfb: Option<&Path>) -> String {
    if kind == BrowserKind::Webkit {
        // MiniBrowser needs a display even for --version; the package
        // version says the same.
        let out = Command::new("dpkg-query")
            .args(["-W", "-f", "${Version}", "libwebkit2gtk-4.1-0"])
            .output();
        return match out {
            Ok(o) if o.status.success() => {
                format!("WebKitGTK {}", String::from_utf8_lossy(&o.stdout).trim())
            }
            _ => "WebKitGTK (unknown version)".into(),
        };
    }
    let out = Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        Err(e) => format!("unknown ({e})"),
    }
}

/// A running browser.
pub struct Running {
    child: Child,
    dir: PathBuf,
    /// When it was started.
    pub started: Instant,
}

fn temp_dir(kind: BrowserKind) -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "fetchsim-{}-{}-{n}",
        kind.name(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A TCP port free on 127.0.0.1 a moment ago.
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

fn firefox_prefs(port: u16) -> String {
    let prefs: &[(&str, String)] = &[
        ("network.proxy.type", "1".into()),
        ("network.proxy.http", "\"127.0.0.1\"".into()),
        ("network.proxy.http_port", port.to_string()),
        // https (and everything else) to the proxy too, which refuses
        // CONNECT: nothing leaves 127.0.0.1, not even a DNS query.
        ("network.proxy.ssl", "\"127.0.0.1\"".into()),
        ("network.proxy.ssl_port", port.to_string()),
        ("network.proxy.share_proxy_settings", "false".into()),
        ("network.proxy.allow_hijacking_localhost", "true".into()),
        ("network.proxy.no_proxies_on", "\"\"".into()),
        ("network.proxy.socks_remote_dns", "true".into()),
        ("network.trr.mode", "5".into()),
        ("network.dns.disablePrefetch", "true".into()),
        ("network.dns.disablePrefetchFromHTTPS", "true".into()),
        ("network.prefetch-next", "false".into()),
        ("network.predictor.enabled", "false".into()),
        ("network.http.speculative-parallel-limit", "0".into()),
        ("browser.urlbar.speculativeConnect.enabled", "false".into()),
        ("dom.security.https_first", "false".into()),
        ("dom.security.https_first_schemeless", "false".into()),
        ("dom.security.https_first_pbm", "false".into()),
        ("dom.security.https_only_mode", "false".into()),
        ("browser.safebrowsing.malware.enabled", "false".into()),
        ("browser.safebrowsing.phishing.enabled", "false".into()),
        ("browser.safebrowsing.downloads.enabled", "false".into()),
        (
            "browser.safebrowsing.downloads.remote.enabled",
            "false".into(),
        ),
        ("browser.safebrowsing.blockedURIs.enabled", "false".into()),
        (
            "browser.safebrowsing.provider.google4.updateURL",
            "\"\"".into(),
        ),
        (
            "browser.safebrowsing.provider.mozilla.updateURL",
            "\"\"".into(),
        ),
        ("app.update.enabled", "false".into()),
        ("app.update.auto", "false".into()),
        ("app.normandy.enabled", "false".into()),
        ("app.shield.optoutstudies.enabled", "false".into()),
        ("datareporting.healthreport.uploadEnabled", "false".into()),
        ("datareporting.policy.dataSubmissionEnabled", "false".into()),
        ("datareporting.policy.firstRunURL", "\"\"".into()),
        ("toolkit.telemetry.enabled", "false".into()),
        ("toolkit.telemetry.unified", "false".into()),
        ("toolkit.telemetry.archive.enabled", "false".into()),
        ("toolkit.telemetry.server", "\"\"".into()),
        ("network.captive-portal-service.enabled", "false".into()),
        ("network.connectivity-service.enabled", "false".into()),
        ("browser.shell.checkDefaultBrowser", "false".into()),
        (
            "browser.startup.homepage_override.mstone",
            "\"ignore\"".into(),
        ),
        ("startup.homepage_welcome_url", "\"\"".into()),
        ("startup.homepage_welcome_url.additional", "\"\"".into()),
        ("browser.aboutwelcome.enabled", "false".into()),
        ("browser.newtabpage.enabled", "false".into()),
        ("browser.search.update", "false".into()),
        ("extensions.update.enabled", "false".into()),
        ("extensions.getAddons.cache.enabled", "false".into()),
        ("extensions.blocklist.enabled", "false".into()),
        (
            "services.settings.server",
            "\"data:,#remote-settings-dummy/v1\"".into(),
        ),
        ("dom.push.connection.enabled", "false".into()),
        ("dom.push.serverURL", "\"\"".into()),
        ("geo.enabled", "false".into()),
        ("geo.provider.network.url", "\"\"".into()),
        ("browser.region.network.url", "\"\"".into()),
        ("browser.region.update.enabled", "false".into()),
        ("app.update.url", "\"\"".into()),
        ("extensions.systemAddon.update.enabled", "false".into()),
        ("browser.discovery.enabled", "false".into()),
        ("browser.topsites.contile.enabled", "false".into()),
        (
            "browser.newtabpage.activity-stream.feeds.topsites",
            "false".into(),
        ),
        (
            "browser.newtabpage.activity-stream.feeds.system.topstories",
            "false".into(),
        ),
        (
            "browser.newtabpage.activity-stream.showSponsored",
            "false".into(),
        ),
        ("toolkit.telemetry.reportingpolicy.firstRun", "false".into()),
        ("security.OCSP.enabled", "0".into()),
        ("browser.ping-centre.telemetry", "false".into()),
        ("toolkit.startup.max_resumed_crashes", "-1".into()),
        ("browser.sessionstore.resume_from_crash", "false".into()),
        ("browser.tabs.warnOnClose", "false".into()),
        ("dom.disable_open_during_load", "false".into()),
        // Timers fire on time (the cases run on a clock).
        ("dom.min_background_timeout_value", "4".into()),
        ("dom.timeout.enable_budget_timer_throttling", "false".into()),
        ("dom.timeout.throttling_delay", "-1".into()),
        // WebDriver BiDi only reads the console: no automation prefs.
        ("remote.prefs.recommended", "false".into()),
    ];
    prefs
        .iter()
        .map(|(k, v)| format!("user_pref(\"{k}\", {v});\n"))
        .collect()
}

impl Running {
    /// Start `kind` on `url`, every request through the proxy on `port`;
    /// its output goes to `log`.
    pub fn start(
        kind: BrowserKind,
        inst: &Installed,
        port: u16,
        url: &str,
        log: &Path,
    ) -> Result<Running, String> {
        let dir = temp_dir(kind).map_err(|e| format!("cannot make a temporary profile: {e}"))?;
        let proxy = format!("http://127.0.0.1:{port}");
        let mut bidi_port = None;
        let mut cmd = match kind {
            BrowserKind::Chromium => {
                let mut c = Command::new(&inst.binary);
                c.args([
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    "--disable-extensions",
                    "--disable-breakpad",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,MediaRouter,OptimizationHints,Translate,NetworkTimeServiceQuerying",
                    "--metrics-recording-only",
                    // Timers fire on time (the cases run on a clock).
                    "--disable-background-timer-throttling",
                    "--disable-renderer-backgrounding",
                    "--disable-backgrounding-occluded-windows",
                    // Console messages (the CORS errors) go to the log.
                    "--enable-logging=stderr",
                    "--log-level=0",
                ])
                .arg(format!("--user-data-dir={}", dir.join("profile").display()))
                .arg(format!("--proxy-server={proxy}"))
                .arg("--proxy-bypass-list=<-loopback>")
                // Nothing is resolved except through the proxy.
                .arg("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
                .arg(url);
                c
            }
            BrowserKind::Firefox => {
                let profile = dir.join("profile");
                std::fs::create_dir_all(&profile)
                    .and_then(|()| std::fs::write(profile.join("user.js"), firefox_prefs(port)))
                    .map_err(|e| format!("cannot write the Firefox profile: {e}"))?;
                // The console is read over WebDriver BiDi (see `bidi`):
                // the browser starts on about:blank and is sent to `url`
                // once the session listens to `log.entryAdded`.
                let port = free_port()
                    .map_err(|e| format!("cannot pick a port for WebDriver BiDi: {e}"))?;
                bidi_port = Some(port);
                let mut c = Command::new(&inst.binary);
                c.args(["--headless", "--no-remote", "--profile"])
                    .arg(&profile)
                    .arg("--remote-debugging-port")
                    .arg(port.to_string())
                    .arg("about:blank")
                    .env("HOME", &dir)
                    .env("MOZ_CRASHREPORTER_DISABLE", "1")
                    // Lets `services.settings.server` point remote settings
                    // at nothing.
                    .env("MOZ_REMOTE_SETTINGS_DEVTOOLS", "1");
                c
            }
            BrowserKind::Webkit => {
                let xvfb = inst
                    .xvfb_run
                    .clone()
                    .ok_or("xvfb-run is missing; run: apt-get install -y xvfb xauth")?;
                let mut c = Command::new(xvfb);
                c.args(["-a", "-s", "-screen 0 1280x800x24 -nolisten tcp"])
                    .arg(&inst.binary)
                    .arg(format!("--proxy={proxy}"))
                    .arg("--ignore-host=")
                    .arg("--private")
                    .arg(url)
                    .env("HOME", &dir)
                    .env("XDG_DATA_HOME", dir.join("data"))
                    .env("XDG_CACHE_HOME", dir.join("cache"))
                    .env("XDG_CONFIG_HOME", dir.join("config"))
                    .env("XDG_RUNTIME_DIR", &dir)
                    .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
                    .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
                    .env("LIBGL_ALWAYS_SOFTWARE", "1")
                    .env("GTK_A11Y", "none")
                    .env("NO_AT_BRIDGE", "1");
                c
            }
        };
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
        use std::os::unix::process::CommandExt;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .process_group(0);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", kind.name()))?;
        let running = Running {
            child,
            dir,
            started: Instant::now(),
        };
        if let Some(p) = bidi_port {
            // On failure `running` is dropped: the browser is ended.
            crate::bidi::follow_console(p, url, log)?;
        }
        Ok(running)
    }

    /// Whether the browser process has exited.
    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// End the browser: SIGTERM to its process group, SIGKILL after 3 s,
    /// then remove its temporary profile.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let pgid = self.child.id() as libc::pid_t;
        let group_alive = || {
            // SAFETY: signal 0 only checks that the group exists.
            unsafe { libc::kill(-pgid, 0) == 0 }
        };
        // SAFETY: a negative pid signals the process group we created for
        // this browser (process_group(0) at spawn: pgid = its pid).
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let _ = self.child.try_wait();
            if !group_alive() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if group_alive() {
            // SAFETY: as above.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.dir.exists() {
            self.kill();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed(version: &str) -> Installed {
        Installed {
            binary: PathBuf::from("/usr/bin/true"),
            xvfb_run: None,
            version: version.into(),
        }
    }

    #[test]
    fn version_numbers_are_read_from_the_version_lines() {
        let cases = [
            (
                "Chromium 156.0.8078.129 built on Debian GNU/Linux 12 (bookworm)",
                Some("156.0.8078.129"),
            ),
            ("Mozilla Firefox 153.8.0esr", Some("153.8.0esr")),
            ("WebKitGTK 2.50.6-1~deb12u2", Some("2.50.6-1~deb12u2")),
            ("WebKitGTK (unknown version)", None),
        ];
        for (line, number) in cases {
            assert_eq!(installed(line).version_number(), number, "{line}");
        }
    }

    #[test]
    fn the_modelled_release_passes_and_another_stops_with_the_install_command() {
        let ok = [
            (
                BrowserKind::Chromium,
                "Chromium 156.0.8078.73 built on Debian",
            ),
            (BrowserKind::Firefox, "Mozilla Firefox 153.7.0esr"),
            (BrowserKind::Webkit, "WebKitGTK 2.50.6-1~deb12u2"),
        ];
        for (kind, line) in ok {
            assert_eq!(check_version(kind, &installed(line)), Ok(()), "{line}");
        }
        let err = check_version(
            BrowserKind::Chromium,
            &installed("Chromium 148.0.7778.167 built on Debian GNU/Linux 12 (bookworm)"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "found Chromium 148.0.7778.167 built on Debian GNU/Linux 12 (bookworm), but the \
             chromium profile models Chromium 156 (verified with 156.0.8078.129); install it \
             with `apt-get update && apt-get install -y chromium chromium-driver`, or pass \
             --allow-version-mismatch to compare anyway"
        );
        assert!(!err.contains('\n'), "one line");
        for (kind, line) in [
            (BrowserKind::Firefox, "Mozilla Firefox 140.3.0esr"),
            (BrowserKind::Webkit, "WebKitGTK 2.48.3-1"),
            (BrowserKind::Webkit, "WebKitGTK (unknown version)"),
        ] {
            assert!(check_version(kind, &installed(line)).is_err(), "{line}");
        }
    }
}
