//! The [registrable domain](https://url.spec.whatwg.org/#host-registrable-domain)
//! of a host by the [Public Suffix List](https://publicsuffix.org/list/).
//!
//! With the `psl` feature (the default) the `psl` crate answers (the list
//! compiled to code). Without it, the same list, written by
//! `cargo xtask psl` from the `psl` crate's `data/rules.txt` into
//! `data/public-suffix-list.txt`, is looked up as data: much smaller in
//! WebAssembly, same answers (the tests compare the two on every rule).

/// The registrable domain of `host` (ASCII, lower case, no trailing dot, as
/// the URL parser gives it): the public suffix and one more label; `None`
/// when the host is itself a public suffix. Hosts whose top-level label is
/// not in the list have a public suffix of that label (the `*` rule).
#[cfg(feature = "psl")]
pub(crate) fn registrable_domain(host: &str) -> Option<&str> {
    psl::domain_str(host)
}

/// The registrable domain of `host` (ASCII, lower case, no trailing dot, as
/// the URL parser gives it): the public suffix and one more label; `None`
/// when the host is itself a public suffix. Hosts whose top-level label is
/// not in the list have a public suffix of that label (the `*` rule).
#[cfg(not(feature = "psl"))]
pub(crate) fn registrable_domain(host: &str) -> Option<&str> {
    table::registrable_domain(host)
}

#[cfg(any(test, not(feature = "psl")))]
pub(crate) mod table {
    use std::sync::OnceLock;

    /// The list as `cargo xtask psl` writes it: `#` comment lines, then one
    /// rule a line, labels reversed (`uk.co`), `.*` for a wildcard and a
    /// trailing `!` for an exception, sorted, each line front-coded: its
    /// first character is `'0'` + how many bytes it shares with the previous
    /// rule.
    const DATA: &str = include_str!("../data/public-suffix-list.txt");

    /// The rules, decoded once, sorted.
    fn rules() -> &'static [Box<str>] {
        static RULES: OnceLock<Vec<Box<str>>> = OnceLock::new();
        RULES.get_or_init(|| {
            let mut rules: Vec<Box<str>> = Vec::with_capacity(10_000);
            let mut prev = String::new();
            for line in DATA.lines().filter(|l| !l.starts_with('#')) {
                let Some(first) = line.bytes().next() else {
                    continue;
                };
                let shared = usize::from(first.saturating_sub(b'0')).min(prev.len());
                prev.truncate(shared);
                prev.push_str(&line[1..]);
                rules.push(prev.as_str().into());
            }
            rules
        })
    }

    fn has(rules: &[Box<str>], key: &str) -> bool {
        rules.binary_search_by(|r| (**r).cmp(key)).is_ok()
    }

    /// Whether a rule starts with `prefix`.
    fn has_prefix(rules: &[Box<str>], prefix: &str) -> bool {
        let i = rules.partition_point(|r| **r < *prefix);
        rules.get(i).is_some_and(|r| r.starts_with(prefix))
    }

    /// How many labels (from the right) of `host` its public suffix has,
    /// walking the list as a tree of labels from the top-level one, as the
    /// `psl` crate does: a label that continues some rule is followed (and
    /// counts when it ends a rule); otherwise a wildcard rule at that point
    /// matches the label; otherwise the walk stops with the last rule
    /// matched. An exception rule gives its labels but the leftmost. A
    /// top-level label not in the list is the public suffix (the `*` rule).
    fn suffix_labels(host: &str) -> usize {
        let rules = rules();
        let mut matched = 0;
        // The labels followed so far, reversed and joined: `uk`, `uk.co`, ….
        let mut key = String::with_capacity(host.len() + 2);
        for (i, label) in host.rsplit('.').enumerate() {
            let n = i + 1;
            let parent = key.len();
            if i > 0 {
                key.push('.');
            }
            key.push_str(label);
            let exact = has(rules, &key);
            let len = key.len();
            key.push('!');
            if has(rules, &key) {
                return n - 1;
            }
            key.truncate(len);
            key.push('.');
            let inner = has_prefix(rules, &key);
            key.truncate(len);
            if exact || inner {
                if exact {
                    matched = n;
                }
                continue;
            }
            if i == 0 {
                return 1;
            }
            key.truncate(parent);
            key.push_str(".*");
            return if has(rules, &key) { n } else { matched };
        }
        matched
    }

    /// The registrable domain of `host`: its public suffix and one more
    /// label, `None` when it has no label left of its public suffix. A
    /// trailing dot is not part of the answer (as with `psl::domain_str`).
    pub(crate) fn registrable_domain(host: &str) -> Option<&str> {
        let host = host.strip_suffix('.').unwrap_or(host);
        let labels = suffix_labels(host);
        if labels == 0 {
            return None;
        }
        // Where the public suffix starts; a label of at least one byte and
        // a dot must come before it.
        let start = host.rmatch_indices('.').nth(labels - 1)?.0 + 1;
        if start < 2 {
            return None;
        }
        let root = host[..start - 1].rfind('.').map_or(0, |i| i + 1);
        Some(&host[root..])
    }
}

#[cfg(test)]
mod tests {
    use super::table;

    /// Both lookups give the same answer for `host`.
    fn agree(host: &str) {
        assert_eq!(
            table::registrable_domain(host),
            psl::domain_str(host),
            "registrable domain of `{host}`"
        );
    }

    #[test]
    fn the_table_and_the_psl_crate_agree_on_a_sample() {
        for host in [
            "example.com",
            "www.example.com",
            "com",
            "a.b.c.example.co.uk",
            "co.uk",
            "uk",
            // Wildcard and exception: `*.ck`, `!www.ck`.
            "ck",
            "foo.ck",
            "bar.foo.ck",
            "www.ck",
            "a.www.ck",
            // `*.kawasaki.jp`, `!city.kawasaki.jp`.
            "kawasaki.jp",
            "x.kawasaki.jp",
            "y.x.kawasaki.jp",
            "city.kawasaki.jp",
            "www.city.kawasaki.jp",
            // The private section.
            "github.io",
            "a.github.io",
            "b.a.github.io",
            "s3.amazonaws.com",
            "bucket.s3.amazonaws.com",
            // Nested wildcards: `*.futurecms.at`, `*.ex.futurecms.at`.
            "futurecms.at",
            "ex.futurecms.at",
            "a.ex.futurecms.at",
            "b.a.ex.futurecms.at",
            // Not in the list: the `*` rule.
            "localhost",
            "example.test",
            "api.example.test",
            "a.b.example.invalid",
            // IDNA (as the URL parser gives them).
            "xn--55qx5d.cn",
            "www.xn--55qx5d.cn",
            "xn--fiqs8s",
            "xn--fsqu00a.xn--fiqs8s",
            // IP addresses are not domains, but the lookup does not panic.
            "127.0.0.1",
            "10.0.0.255",
            "[::1]",
            // Odd names.
            "",
            ".",
            "a..com",
            ".com",
            "example.com.",
            "www.ck.",
        ] {
            agree(host);
        }
    }

    #[test]
    fn the_table_and_the_psl_crate_agree_on_every_rule() {
        let data = include_str!("../data/public-suffix-list.txt");
        let mut prev = String::new();
        let mut count = 0;
        for line in data.lines().filter(|l| !l.starts_with('#')) {
            let shared = usize::from(line.as_bytes()[0] - b'0');
            prev.truncate(shared);
            prev.push_str(&line[1..]);
            let rule = prev.trim_end_matches('!');
            let mut labels: Vec<&str> = rule
                .split('.')
                .map(|l| if l == "*" { "w" } else { l })
                .collect();
            labels.reverse();
            let host = labels.join(".");
            agree(&host);
            agree(&format!("a.{host}"));
            agree(&format!("b.a.{host}"));
            if let Some((_, parent)) = host.split_once('.') {
                agree(parent);
            }
            count += 1;
        }
        assert!(count > 9_000, "{count} rules");
    }
}
