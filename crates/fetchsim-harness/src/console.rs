//! The browser's console lines against the simulator's `error.console`.
//!
//! The case page logs `__fetchsim console a=<attempt> i=<fetch>` just before
//! each fetch, so the browser's console splits into the messages of each
//! fetch: those after the fetch's marker and before the next marker. Chromium
//! writes its console to stderr (`--enable-logging=stderr`: `[pid:tid:time:
//! INFO:CONSOLE:N] "message", source: url (N)`); Firefox's console is read
//! over WebDriver BiDi ([`crate::bidi`]). Both end up in the browser's log.

use crate::launch::BrowserKind;
use serde::Serialize;
use std::collections::HashMap;

/// How a fetch's console line compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConsoleStatus {
    /// The browser printed the simulator's line (or both print none).
    #[serde(rename = "match")]
    Match,
    /// The browser printed something else (or a line where the simulator
    /// predicts none).
    #[serde(rename = "differ")]
    Differ,
    /// The simulator predicts a line; nothing was captured for the fetch.
    #[serde(rename = "not-captured")]
    NotCaptured,
}

impl ConsoleStatus {
    /// `match`, `differ` or `not captured`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleStatus::Match => "match",
            ConsoleStatus::Differ => "differ",
            ConsoleStatus::NotCaptured => "not captured",
        }
    }
}

/// One failing fetch's console comparison.
#[derive(Clone, Debug, Serialize)]
pub struct ConsoleCheck {
    /// The fetch's index.
    pub fetch: usize,
    /// The simulator's error kind.
    pub kind: String,
    /// The comparison.
    pub status: ConsoleStatus,
    /// The simulator's line for this browser (`null`: none).
    pub simulator: Option<String>,
    /// What the browser printed for the fetch, case prefix removed.
    pub browser: Vec<String>,
}

/// Counts of a browser's comparisons.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct ConsoleCounts {
    /// Lines that match.
    #[serde(rename = "match")]
    pub matched: usize,
    /// Lines that differ.
    pub differ: usize,
    /// Lines not captured.
    pub not_captured: usize,
}

impl ConsoleCounts {
    /// Add one comparison.
    pub fn add(&mut self, s: ConsoleStatus) {
        match s {
            ConsoleStatus::Match => self.matched += 1,
            ConsoleStatus::Differ => self.differ += 1,
            ConsoleStatus::NotCaptured => self.not_captured += 1,
        }
    }
}

const MARKER: &str = "__fetchsim console a=";

/// The console messages of a browser's log, split per attempt and fetch.
#[derive(Debug, Default)]
pub struct ConsoleLog {
    by_fetch: HashMap<(u32, usize), Vec<String>>,
}

/// The console message a log line carries, if it is a console line.
pub fn message_of(line: &str) -> Option<&str> {
    if let Some(m) = line.strip_prefix(crate::bidi::LINE_HEAD) {
        return Some(m);
    }
    // Chromium: `[pid:tid:time:INFO:CONSOLE:N] "message", source: url (N)`.
    let end_head = line.find("] \"")?;
    if !line.starts_with('[') || !line[..end_head].contains(":CONSOLE") {
        return None;
    }
    let rest = &line[end_head + 3..];
    let end = rest.rfind("\", source: ")?;
    Some(&rest[..end])
}

fn marker(m: &str) -> Option<(u32, usize)> {
    let rest = m.strip_prefix(MARKER)?;
    let (a, i) = rest.split_once(" i=")?;
    Some((a.parse().ok()?, i.trim().parse().ok()?))
}

impl ConsoleLog {
    /// Split the console lines of a browser's log.
    pub fn parse(text: &str) -> ConsoleLog {
        let mut log = ConsoleLog::default();
        let mut current: Option<(u32, usize)> = None;
        for m in text.lines().filter_map(message_of) {
            if let Some(k) = marker(m) {
                current = Some(k);
                log.by_fetch.entry(k).or_default();
            } else if let Some(k) = current {
                log.by_fetch.entry(k).or_default().push(m.to_string());
            }
        }
        log
    }

    /// Whether the log has the attempt's markers at all.
    pub fn has_attempt(&self, attempt: u32) -> bool {
        self.by_fetch.contains_key(&(attempt, 0))
    }

    /// The messages of fetch `i` of an attempt, `prefix` removed.
    pub fn messages(&self, attempt: u32, i: usize, prefix: &str) -> Vec<String> {
        let p = format!("{prefix}/");
        self.by_fetch
            .get(&(attempt, i))
            .into_iter()
            .flatten()
            .map(|m| normalize(&m.replace(&p, "/")))
            .collect()
    }
}

/// What in a message belongs to the harness, written as the simulator
/// writes it: the case page (`/__fetchsim/page`) stands for a document at
/// the root of its origin, and Firefox's null principal
/// (`moz-nullprincipal:{<random uuid>}?<precursor>`) is `moz-nullprincipal:{…}`.
fn normalize(m: &str) -> String {
    let mut out = m.replace("/__fetchsim/page", "/");
    const NULL: &str = "moz-nullprincipal:{";
    if let Some(i) = out.find(NULL) {
        let rest = &out[i + NULL.len()..];
        let end = rest.find(' ').unwrap_or(rest.len());
        out = format!("{}{NULL}…}}{}", &out[..i], &rest[end..]);
    }
    out
}

/// Compare the console of every failing fetch of an attempt with the
/// simulator's traces (under the browser's profile). Empty for a browser
/// without a simulated console (WebKit) or an attempt not in the log.
pub fn check(
    log: &ConsoleLog,
    kind: BrowserKind,
    attempt: u32,
    prefix: &str,
    traces: &[fetchsim::Trace],
) -> Vec<ConsoleCheck> {
    if kind == BrowserKind::Webkit || !log.has_attempt(attempt) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, t) in traces.iter().enumerate() {
        let Some(e) = &t.error else { continue };
        let expected = match kind {
            BrowserKind::Chromium => e.console.chromium.clone(),
            BrowserKind::Firefox => e.console.firefox.clone(),
            BrowserKind::Webkit => None,
        };
        let got = log.messages(attempt, i, prefix);
        let status = match &expected {
            Some(x) if got.contains(x) => ConsoleStatus::Match,
            Some(_) if got.is_empty() => ConsoleStatus::NotCaptured,
            Some(_) => ConsoleStatus::Differ,
            None if got.is_empty() => ConsoleStatus::Match,
            None => ConsoleStatus::Differ,
        };
        out.push(ConsoleCheck {
            fetch: i,
            kind: e.kind.as_str().to_string(),
            status,
            simulator: expected,
            browser: got,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_per_fetch_and_strips_the_prefix() {
        let text = concat!(
            "[1:1:1127/075053.2:INFO:CONSOLE:0] \"__fetchsim console a=3 i=0\", source: http://a.test/__c3/__fetchsim/page (0)\n",
            "noise\n",
            "[1:1:1127/075053.2:INFO:CONSOLE:0] \"Access to fetch at 'http://b.test/__c3/x' from origin 'http://a.test' has been blocked\", source: http://a.test/__c3/__fetchsim/page (0)\n",
            "[bidi:CONSOLE] __fetchsim console a=3 i=1\n",
            "[bidi:CONSOLE] Cross-Origin Request Blocked: http://b.test/__c3/y.\n",
        );
        let log = ConsoleLog::parse(text);
        assert_eq!(
            log.messages(3, 0, "/__c3"),
            vec![
                "Access to fetch at 'http://b.test/x' from origin 'http://a.test' has been blocked"
            ]
        );
        assert_eq!(
            log.messages(3, 1, "/__c3"),
            vec!["Cross-Origin Request Blocked: http://b.test/y."]
        );
        assert!(log.has_attempt(3) && !log.has_attempt(4));
    }

    #[test]
    fn harness_page_and_null_principal_normalized() {
        assert_eq!(
            normalize("Security Error: Content at moz-nullprincipal:{61c8-02}?http://a.test may not load data from http://a.test/d."),
            "Security Error: Content at moz-nullprincipal:{…} may not load data from http://a.test/d."
        );
        assert_eq!(
            normalize("Security Error: Content at http://a.test/__fetchsim/page may not load"),
            "Security Error: Content at http://a.test/ may not load"
        );
    }
}
