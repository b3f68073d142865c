//! The [header list](https://fetch.spec.whatwg.org/#concept-header-list) and its primitives.
//!
//! A header list is an ordered multimap of (name, value) byte sequences. Names
//! are compared [byte-case-insensitively](https://infra.spec.whatwg.org/#byte-case-insensitive)
//! but stored with the case they were given.

use crate::{is_http_tab_or_space_byte, isomorphic_decode};
use std::borrow::Cow;

/// A [header list](https://fetch.spec.whatwg.org/#concept-header-list): an ordered list of
/// [headers](https://fetch.spec.whatwg.org/#concept-header) (name, value), both byte sequences,
/// possibly with repeated names.
///
/// The list stores bytes as given; it does not itself check that names are
/// [header names](https://fetch.spec.whatwg.org/#header-name) or values
/// [header values](https://fetch.spec.whatwg.org/#header-value) (see
/// [`crate::request::is_header_name`] and [`crate::request::is_header_value`]), so that
/// a simulator can represent whatever a test case feeds it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeaderList {
    /// Names and values the browser itself adds (`Origin`, `Sec-Fetch-*`,
    /// …) are borrowed from static data, not copied.
    entries: Vec<(Bytes, Bytes)>,
    /// A speed aid for [`HeaderList::append`] on long lists, not part of the
    /// list's value.
    names: NameIndex,
}

impl std::fmt::Debug for HeaderList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeaderList")
            .field("entries", &self.entries)
            .finish()
    }
}

/// The speed trick of this file, kept out of the standard's steps: the
/// [append](https://fetch.spec.whatwg.org/#concept-header-list-append) step
/// "if list contains name, set name to the first such header's name" is a
/// scan of the list, so appending n headers one by one (a script's
/// `Headers` with thousands of names) is quadratic. From
/// [`NameIndex::FROM_LEN`] entries on, `append` keeps a map from each
/// lowercased name to the position of its first header instead.
///
/// The map covers the first `covered` entries. Appending only adds entries
/// at the end, so the map stays right and catches up on the next `append`;
/// anything that removes entries (delete, set) drops it, and it is rebuilt
/// when needed. Names never change in place. It takes no part in equality
/// and is not shown by `Debug`.
#[derive(Clone, Default)]
struct NameIndex(Option<Box<(usize, FirstPositions)>>);

/// Each lowercased name and the position of its first header.
type FirstPositions = std::collections::HashMap<Vec<u8>, usize>;

impl NameIndex {
    /// Below this many entries a scan is cheaper than hashing.
    const FROM_LEN: usize = 32;
}

impl PartialEq for NameIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for NameIndex {}

/// A name or value of a [`HeaderList`]: owned, or static.
type Bytes = Cow<'static, [u8]>;

/// Iterator over the entries of a [`HeaderList`], in order, as `(name, value)`
/// ([header list](https://fetch.spec.whatwg.org/#concept-header-list) iteration).
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, (Bytes, Bytes)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(n, v)| (&**n, &**v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(n, v)| (&**n, &**v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

fn name_eq(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl HeaderList {
    /// A new, empty [header list](https://fetch.spec.whatwg.org/#concept-header-list) (« »).
    pub fn new() -> Self {
        Self::default()
    }

    /// Make room for `additional` more headers.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    /// A new, empty header list with room for `n` headers.
    pub fn with_capacity(n: usize) -> Self {
        HeaderList {
            entries: Vec::with_capacity(n),
            names: NameIndex::default(),
        }
    }

    /// Number of [headers](https://fetch.spec.whatwg.org/#concept-header) (entries, not
    /// distinct names) in this [header list](https://fetch.spec.whatwg.org/#concept-header-list).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether this [header list](https://fetch.spec.whatwg.org/#concept-header-list) is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries of this [header list](https://fetch.spec.whatwg.org/#concept-header-list),
    /// in order, as `(name, value)`.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    /// [Append](https://fetch.spec.whatwg.org/#concept-header-list-append) a header
    /// (name, value).
    ///
    /// As the standard says, if the list already [contains](Self::contains) `name`, the new
    /// entry reuses the casing of the first such header's name. Use
    /// [`append_raw`](Self::append_raw) to keep the given casing.
    pub fn append(&mut self, name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.append_bytes(Cow::Owned(name.into()), Cow::Owned(value.into()));
    }

    /// [`append`](Self::append) with a name known in advance (and a value
    /// given either way), stored without a copy when static.
    pub fn append_static(&mut self, name: &'static [u8], value: impl Into<Cow<'static, [u8]>>) {
        self.append_bytes(Cow::Borrowed(name), value.into());
    }

    fn append_bytes(&mut self, mut name: Bytes, value: Bytes) {
        // 1. If list contains name, set name to the first such header's name.
        if let Some(first) = self.first_position(&name) {
            name.clone_from(&self.entries[first].0);
        }
        // 2. Append (name, value) to list.
        self.entries.push((name, value));
    }

    /// The position of the first header whose name matches `name`
    /// byte-case-insensitively: a scan, or on a long list the [`NameIndex`].
    fn first_position(&mut self, name: &[u8]) -> Option<usize> {
        if self.entries.len() < NameIndex::FROM_LEN {
            return self.entries.iter().position(|(n, _)| name_eq(n, name));
        }
        let index = self.names.0.get_or_insert_with(Default::default);
        let (covered, map) = &mut **index;
        for (i, (n, _)) in self.entries.iter().enumerate().skip(*covered) {
            map.entry(n.to_ascii_lowercase()).or_insert(i);
        }
        *covered = self.entries.len();
        map.get(&name.to_ascii_lowercase()).copied()
    }

    /// [List append](https://infra.spec.whatwg.org/#list-append) of (name, value) exactly as
    /// given, without the casing reuse of the header list
    /// [append](https://fetch.spec.whatwg.org/#concept-header-list-append). Meant for header
    /// lists taken verbatim from a network message.
    pub fn append_raw(&mut self, name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.entries
            .push((Cow::Owned(name.into()), Cow::Owned(value.into())));
    }

    /// [`append_raw`](Self::append_raw) of a name and value either owned or
    /// static (see [`static_header_name`]), stored without a copy.
    pub fn append_raw_cow(&mut self, name: Cow<'static, [u8]>, value: Cow<'static, [u8]>) {
        self.entries.push((name, value));
    }

    /// Whether this list [contains](https://fetch.spec.whatwg.org/#header-list-contains) a
    /// header whose name is a byte-case-insensitive match for `name`.
    pub fn contains(&self, name: &[u8]) -> bool {
        self.entries.iter().any(|(n, _)| name_eq(n, name))
    }

    /// [Get](https://fetch.spec.whatwg.org/#concept-header-list-get) `name`: `None` (null) if
    /// the list does not contain it, otherwise the values of all matching headers, in order,
    /// separated by 0x2C 0x20 (`, `).
    pub fn get(&self, name: &[u8]) -> Option<Vec<u8>> {
        self.get_cow(name).map(Cow::into_owned)
    }

    /// [Get](https://fetch.spec.whatwg.org/#concept-header-list-get) `name` without copying
    /// when a single header matches: the same value as [`get`](Self::get), borrowed from the
    /// list in that case, owned only when several values are combined.
    pub fn get_cow(&self, name: &[u8]) -> Option<Cow<'_, [u8]>> {
        let mut matches = self
            .entries
            .iter()
            .filter(|(n, _)| name_eq(n, name))
            .map(|(_, v)| &**v);
        let first = matches.next()?;
        let Some(second) = matches.next() else {
            return Some(Cow::Borrowed(first));
        };
        let mut acc = Vec::with_capacity(first.len() + second.len() + 2);
        acc.extend_from_slice(first);
        for value in std::iter::once(second).chain(matches) {
            acc.extend_from_slice(b", ");
            acc.extend_from_slice(value);
        }
        Some(Cow::Owned(acc))
    }

    /// The values of all headers whose name is a byte-case-insensitive match for `name`, in
    /// order, uncombined (the per-entry view behind
    /// [get](https://fetch.spec.whatwg.org/#concept-header-list-get)).
    pub fn get_all<'a>(&'a self, name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.entries
            .iter()
            .filter(move |(n, _)| name_eq(n, name))
            .map(|(_, v)| &**v)
    }

    /// How many headers have a name that is a byte-case-insensitive match for `name` (used by
    /// [extract header list values](https://fetch.spec.whatwg.org/#extract-header-list-values)
    /// to detect several headers for a single-header ABNF).
    pub fn count(&self, name: &[u8]) -> usize {
        self.entries
            .iter()
            .filter(|(n, _)| name_eq(n, name))
            .count()
    }

    /// [Delete](https://fetch.spec.whatwg.org/#concept-header-list-delete) `name`: remove all
    /// headers whose name is a byte-case-insensitive match for it.
    pub fn delete(&mut self, name: &[u8]) {
        self.entries.retain(|(n, _)| !name_eq(n, name));
        self.names = NameIndex::default();
    }

    /// [Set](https://fetch.spec.whatwg.org/#concept-header-list-set) (name, value): if the list
    /// contains `name`, set the value of the first such header (which keeps its position and
    /// its name's casing) and remove the others; otherwise append.
    pub fn set(&mut self, name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.set_bytes(Cow::Owned(name.into()), Cow::Owned(value.into()));
    }

    /// [`set`](Self::set) with a name and value known in advance, stored
    /// without a copy.
    pub fn set_static(&mut self, name: &'static [u8], value: &'static [u8]) {
        self.set_bytes(Cow::Borrowed(name), Cow::Borrowed(value));
    }

    fn set_bytes(&mut self, name: Bytes, value: Bytes) {
        match self.entries.iter().position(|(n, _)| name_eq(n, &name)) {
            Some(first) => {
                self.entries[first].1 = value;
                let mut index = 0;
                self.entries.retain(|(n, _)| {
                    let keep = index <= first || !name_eq(n, &name);
                    index += 1;
                    keep
                });
                self.names = NameIndex::default();
            }
            None => self.entries.push((name, value)),
        }
    }

    /// [Combine](https://fetch.spec.whatwg.org/#concept-header-list-combine) (name, value): if
    /// the list contains `name`, append 0x2C 0x20 (`, `) and `value` to the first such
    /// header's value; otherwise append.
    pub fn combine(&mut self, name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        let name = name.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(n, _)| name_eq(n, &name)) {
            Some((_, existing)) => {
                let existing = existing.to_mut();
                existing.extend_from_slice(b", ");
                existing.extend_from_slice(&value);
            }
            None => self.entries.push((Cow::Owned(name), Cow::Owned(value))),
        }
    }

    /// [Get, decode, and split](https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split)
    /// `name`: `None` (null) if absent, otherwise the [got](Self::get) value
    /// [got, decoded and split](get_decode_split_value) (split on commas outside HTTP quoted
    /// strings, each item stripped of HTTP tab or space).
    pub fn get_decode_split(&self, name: &[u8]) -> Option<Vec<String>> {
        self.get(name).map(|value| get_decode_split_value(&value))
    }

    /// [Sort and combine](https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine):
    /// the byte-lowercased names in ascending byte order, each with its
    /// [got](Self::get) (`, `-combined) value, except `set-cookie`, whose values each get an
    /// entry of their own, in order.
    pub fn sort_and_combine(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let names = crate::request::convert_header_names_to_a_sorted_lowercase_set(
            self.entries.iter().map(|(n, _)| &**n),
        );
        let mut headers = Vec::with_capacity(names.len());
        for name in names {
            if name == b"set-cookie" {
                for value in self.get_all(&name) {
                    headers.push((name.clone(), value.to_vec()));
                }
            } else if let Some(value) = self.get(&name) {
                headers.push((name, value));
            }
        }
        headers
    }

    /// Convert to an [`http::HeaderMap`] (lossy).
    ///
    /// Not a standard algorithm. Entries that `http` cannot represent are **skipped**: a name
    /// that is not a valid [`http::HeaderName`] (not a token) or a value that is not a valid
    /// [`http::HeaderValue`] (for example one holding a control byte other than HT, or DEL).
    /// Names become lowercase, as `http` stores them; entry order is kept per name.
    pub fn to_header_map_lossy(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in &self.entries {
            let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name),
                http::HeaderValue::from_bytes(value),
            ) else {
                continue;
            };
            map.append(name, value);
        }
        map
    }

    /// Build a [header list](https://fetch.spec.whatwg.org/#concept-header-list) from an
    /// [`http::HeaderMap`], in the map's iteration order (grouped by name, insertion order
    /// within a name), with the map's lowercase names and exact value bytes.
    pub fn from_header_map(map: &http::HeaderMap) -> Self {
        map.iter()
            .map(|(n, v)| (n.as_str().as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect()
    }
}

/// `name` as static data when it is one of the lowercase header names a
/// fetch reads or commonly receives (the `Access-Control-*` response
/// headers, the CORS-safelisted response-header names, `Vary`, `Location`,
/// …), so that a list taken from the wire can hold it without a copy.
pub fn static_header_name(name: &[u8]) -> Option<&'static [u8]> {
    const NAMES: [&[u8]; 20] = [
        b"access-control-allow-origin",
        b"access-control-allow-credentials",
        b"access-control-allow-methods",
        b"access-control-allow-headers",
        b"access-control-max-age",
        b"access-control-expose-headers",
        b"content-type",
        b"content-length",
        b"content-language",
        b"cache-control",
        b"expires",
        b"last-modified",
        b"pragma",
        b"vary",
        b"location",
        b"cross-origin-resource-policy",
        b"date",
        b"etag",
        b"server",
        b"set-cookie",
    ];
    NAMES.iter().copied().find(|n| *n == name)
}

impl<N: Into<Vec<u8>>, V: Into<Vec<u8>>> FromIterator<(N, V)> for HeaderList {
    /// Collect (name, value) pairs as they are, in order, with
    /// [`HeaderList::append_raw`]: a header list taken from the wire keeps
    /// each name's own casing, and collecting stays linear in the number of
    /// headers. Use [`HeaderList::append`] for the standard's append, which
    /// reuses an earlier entry's casing.
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut list = HeaderList::new();
        list.extend(iter);
        list
    }
}

impl<N: Into<Vec<u8>>, V: Into<Vec<u8>>> Extend<(N, V)> for HeaderList {
    /// Add each pair as it is ([`HeaderList::append_raw`]).
    fn extend<I: IntoIterator<Item = (N, V)>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.entries.reserve(iter.size_hint().0);
        for (name, value) in iter {
            self.append_raw(name, value);
        }
    }
}

impl<'a> IntoIterator for &'a HeaderList {
    type Item = (&'a [u8], &'a [u8]);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// [Get, decode, and split](https://fetch.spec.whatwg.org/#header-value-get-decode-and-split)
/// a header value: isomorphic-decode it, split it on U+002C (,) outside
/// [HTTP quoted strings](https://fetch.spec.whatwg.org/#collect-an-http-quoted-string), and
/// strip [HTTP tab or space](https://fetch.spec.whatwg.org/#http-tab-or-space) from each item.
/// Empty items are kept; the result always has at least one item.
pub fn get_decode_split_value(value: &[u8]) -> Vec<String> {
    let input = isomorphic_decode(value);
    let chars: Vec<char> = input.chars().collect();
    let mut position = 0;
    let mut values = Vec::new();
    let mut temporary = String::new();
    loop {
        while let Some(&c) = chars.get(position) {
            if c == '"' || c == ',' {
                break;
            }
            temporary.push(c);
            position += 1;
        }
        if chars.get(position) == Some(&'"') {
            temporary.push_str(&collect_http_quoted_string(&chars, &mut position, false));
            if position < chars.len() {
                continue;
            }
        }
        let trimmed = temporary.trim_matches(|c: char| c == '\t' || c == ' ');
        values.push(trimmed.to_owned());
        temporary.clear();
        if position >= chars.len() {
            return values;
        }
        // The code point at position is U+002C (,).
        position += 1;
    }
}

/// [Collect an HTTP quoted string](https://fetch.spec.whatwg.org/#collect-an-http-quoted-string)
/// from `input` at `position`, which must point at U+0022 ("). With `extract_value` the
/// unescaped contents are returned, otherwise the code points consumed (quotes included).
/// If `position` does not point at `"`, nothing is consumed and the empty string returned.
pub fn collect_http_quoted_string(
    input: &[char],
    position: &mut usize,
    extract_value: bool,
) -> String {
    let start = *position;
    let mut value = String::new();
    if input.get(*position) != Some(&'"') {
        return value;
    }
    *position += 1;
    loop {
        while let Some(&c) = input.get(*position) {
            if c == '"' || c == '\\' {
                break;
            }
            value.push(c);
            *position += 1;
        }
        let Some(&quote_or_backslash) = input.get(*position) else {
            break;
        };
        *position += 1;
        if quote_or_backslash == '\\' {
            match input.get(*position) {
                None => {
                    value.push('\\');
                    break;
                }
                Some(&c) => {
                    value.push(c);
                    *position += 1;
                }
            }
        } else {
            break;
        }
    }
    if extract_value {
        value
    } else {
        input[start..(*position).min(input.len())].iter().collect()
    }
}

/// Whether any byte of `value` is an [HTTP tab or space
/// byte](https://fetch.spec.whatwg.org/#http-tab-or-space-byte) at its start or end
/// (internal helper shared with request checks).
pub(crate) fn has_outer_tab_or_space(value: &[u8]) -> bool {
    value.first().is_some_and(|&b| is_http_tab_or_space_byte(b))
        || value.last().is_some_and(|&b| is_http_tab_or_space_byte(b))
}

#[cfg(test)]
mod tests {
    /// `append` on lists long enough for the name index gives what the
    /// standard's scan gives, through deletes and sets that drop the index
    /// and appends in other casings.
    #[test]
    fn append_on_long_lists_reuses_the_first_names_casing_as_the_scan_does() {
        fn scan_append(list: &mut Vec<(Vec<u8>, Vec<u8>)>, name: &[u8], value: &[u8]) {
            let name = match list.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((n, _)) => n.clone(),
                None => name.to_vec(),
            };
            list.push((name, value.to_vec()));
        }
        let mut list = HeaderList::new();
        let mut model: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for round in 0..3 {
            for i in 0..100 {
                let name = match (i + round) % 3 {
                    0 => format!("X-H{}", i % 40),
                    1 => format!("x-h{}", i % 40),
                    _ => format!("x-H{}", i % 40),
                };
                let value = format!("v{round}-{i}");
                list.append(name.as_bytes().to_vec(), value.as_bytes().to_vec());
                scan_append(&mut model, name.as_bytes(), value.as_bytes());
                if i % 17 == 0 {
                    list.append_raw(b"x-RAW".to_vec(), b"r".to_vec());
                    model.push((b"x-RAW".to_vec(), b"r".to_vec()));
                }
            }
            let got: Vec<(Vec<u8>, Vec<u8>)> =
                list.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect();
            assert_eq!(got, model, "round {round}");
            let gone = format!("x-h{}", round * 7);
            list.delete(gone.as_bytes());
            model.retain(|(n, _)| !n.eq_ignore_ascii_case(gone.as_bytes()));
            let set = format!("X-h{}", round * 7 + 1);
            list.set(set.as_bytes().to_vec(), b"s".to_vec());
            let first = model
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case(set.as_bytes()))
                .unwrap();
            model[first].1 = b"s".to_vec();
            let mut k = 0;
            model.retain(|(n, _)| {
                let keep = k <= first || !n.eq_ignore_ascii_case(set.as_bytes());
                k += 1;
                keep
            });
        }
        let mut copy = list.clone();
        copy.append(b"X-RAW".to_vec(), b"c".to_vec());
        assert_eq!(copy.iter().next_back().unwrap().0, b"x-RAW");
        assert_eq!(
            HeaderList::from_iter(list.iter()),
            list,
            "the index takes no part in equality"
        );
    }

    use super::*;

    fn list(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|&(n, v)| (n, v)).collect()
    }

    #[test]
    fn new_len_empty_iter() {
        let mut l = HeaderList::new();
        assert!(l.is_empty());
        assert_eq!(l.len(), 0);
        l.append("A", "1");
        l.append(b"b".to_vec(), b"2".to_vec());
        assert_eq!(l.len(), 2);
        assert!(!l.is_empty());
        let v: Vec<_> = l.iter().collect();
        assert_eq!(v, vec![(&b"A"[..], &b"1"[..]), (&b"b"[..], &b"2"[..])]);
        let v2: Vec<_> = (&l).into_iter().collect();
        assert_eq!(v, v2);
        assert_eq!(l.iter().len(), 2);
        assert_eq!(l.iter().next_back(), Some((&b"b"[..], &b"2"[..])));
    }

    #[test]
    fn append_reuses_first_name_casing() {
        let mut l = HeaderList::new();
        l.append("Accept", "a");
        l.append("ACCEPT", "b");
        l.append("x", "c");
        let names: Vec<_> = l.iter().map(|(n, _)| n.to_vec()).collect();
        assert_eq!(
            names,
            vec![b"Accept".to_vec(), b"Accept".to_vec(), b"x".to_vec()]
        );
        let mut raw = HeaderList::new();
        raw.append_raw("Accept", "a");
        raw.append_raw("ACCEPT", "b");
        assert_eq!(raw.iter().nth(1).map(|(n, _)| n), Some(&b"ACCEPT"[..]));
    }

    #[test]
    fn contains_get_count_case_insensitive() {
        let l = list(&[("A", "1"), ("b", "x"), ("a", "2"), ("A", "")]);
        assert!(l.contains(b"a"));
        assert!(l.contains(b"B"));
        assert!(!l.contains(b"c"));
        assert_eq!(l.get(b"a"), Some(b"1, 2, ".to_vec()));
        assert_eq!(l.get(b"B"), Some(b"x".to_vec()));
        assert_eq!(l.get(b"c"), None);
        assert_eq!(l.count(b"A"), 3);
        assert_eq!(l.count(b"z"), 0);
        assert!(matches!(l.get_cow(b"b"), Some(Cow::Borrowed(b"x"))));
        assert_eq!(l.get_cow(b"a").as_deref(), Some(&b"1, 2, "[..]));
        assert_eq!(l.get_cow(b"c"), None);
        let all: Vec<_> = l.get_all(b"a").collect();
        assert_eq!(all, vec![&b"1"[..], b"2", b""]);
    }

    #[test]
    fn get_empty_value_is_not_null() {
        let l = list(&[("A", "")]);
        assert_eq!(l.get(b"a"), Some(Vec::new()));
    }

    #[test]
    fn delete_removes_all() {
        let mut l = list(&[("A", "1"), ("b", "x"), ("a", "2")]);
        l.delete(b"A");
        assert_eq!(l, list(&[("b", "x")]));
        l.delete(b"nothing");
        assert_eq!(l.len(), 1);
    }

    #[test]
    fn set_replaces_first_keeps_position_drops_others() {
        let mut l = HeaderList::new();
        l.append_raw("X", "0");
        l.append_raw("A", "1");
        l.append_raw("b", "x");
        l.append_raw("a", "2");
        l.set("a", "new");
        let v: Vec<_> = l.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect();
        assert_eq!(
            v,
            vec![
                (b"X".to_vec(), b"0".to_vec()),
                (b"A".to_vec(), b"new".to_vec()),
                (b"b".to_vec(), b"x".to_vec()),
            ]
        );
        l.set("c", "3");
        assert_eq!(l.iter().next_back(), Some((&b"c"[..], &b"3"[..])));
    }

    #[test]
    fn combine_appends_comma_space() {
        let mut l = list(&[("A", "1"), ("a", "2")]);
        l.combine("a", "3");
        let all: Vec<_> = l.get_all(b"a").collect();
        assert_eq!(all, vec![&b"1, 3"[..], b"2"]);
        l.combine("New", "v");
        assert_eq!(l.get(b"new"), Some(b"v".to_vec()));
    }

    #[test]
    fn get_decode_split_examples_from_the_standard() {
        fn gds(pairs: &[(&str, &str)]) -> Option<Vec<String>> {
            list(pairs).get_decode_split(b"A")
        }
        let s = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(gds(&[("A", "nosniff,")]), s(&["nosniff", ""]));
        assert_eq!(
            gds(&[("A", "nosniff"), ("B", "sniff"), ("A", "")]),
            s(&["nosniff", ""])
        );
        assert_eq!(gds(&[("A", ""), ("B", "sniff")]), s(&[""]));
        assert_eq!(gds(&[("B", "sniff")]), None);
        assert_eq!(
            gds(&[("A", "text/html;\", x/x")]),
            s(&["text/html;\", x/x"])
        );
        assert_eq!(
            gds(&[("A", "text/html;\""), ("A", "x/x")]),
            s(&["text/html;\", x/x"])
        );
        assert_eq!(
            gds(&[("A", "x/x;test=\"hi\",y/y")]),
            s(&["x/x;test=\"hi\"", "y/y"])
        );
        assert_eq!(
            gds(&[("A", "x/x;test=\"hi\""), ("C", "**bingo**"), ("A", "y/y")]),
            s(&["x/x;test=\"hi\"", "y/y"])
        );
        assert_eq!(gds(&[("A", "x / x,,,1")]), s(&["x / x", "", "", "1"]));
        assert_eq!(
            gds(&[("A", "x / x"), ("A", ","), ("A", "1")]),
            s(&["x / x", "", "", "1"])
        );
        assert_eq!(gds(&[("A", "\"1,2\", 3")]), s(&["\"1,2\"", "3"]));
        assert_eq!(
            gds(&[("A", "\"1,2\""), ("D", "4"), ("A", "3")]),
            s(&["\"1,2\"", "3"])
        );
    }

    #[test]
    fn get_decode_split_escapes_and_bytes() {
        assert_eq!(
            get_decode_split_value(b"\"a\\\",b\" , c"),
            vec!["\"a\\\",b\"".to_string(), "c".to_string()]
        );
        // Trailing backslash inside an unterminated quoted string.
        assert_eq!(get_decode_split_value(b"\"a\\"), vec!["\"a\\".to_string()]);
        // Non-ASCII bytes decode isomorphically.
        assert_eq!(get_decode_split_value(b"\xff"), vec!["\u{ff}".to_string()]);
        // Only tab and space are stripped, not CR/LF.
        assert_eq!(get_decode_split_value(b"\t a\n "), vec!["a\n".to_string()]);
    }

    #[test]
    fn quoted_string_collection() {
        let input: Vec<char> = "\"\\\\ \\\"x\" rest".chars().collect();
        let mut p = 0;
        assert_eq!(collect_http_quoted_string(&input, &mut p, true), "\\ \"x");
        assert_eq!(p, 8);
        let mut p = 0;
        assert_eq!(
            collect_http_quoted_string(&input, &mut p, false),
            "\"\\\\ \\\"x\""
        );
        let mut p = 0;
        let nq: Vec<char> = "abc".chars().collect();
        assert_eq!(collect_http_quoted_string(&nq, &mut p, true), "");
        assert_eq!(p, 0);
    }

    #[test]
    fn sort_and_combine_lowercases_sorts_and_keeps_set_cookie_apart() {
        let l = list(&[
            ("X-B", "1"),
            ("Set-Cookie", "a=1"),
            ("x-a", "2"),
            ("x-b", "3"),
            ("set-cookie", "b=2"),
            ("A", ""),
        ]);
        let expected: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (b"a".to_vec(), b"".to_vec()),
            (b"set-cookie".to_vec(), b"a=1".to_vec()),
            (b"set-cookie".to_vec(), b"b=2".to_vec()),
            (b"x-a".to_vec(), b"2".to_vec()),
            (b"x-b".to_vec(), b"1, 3".to_vec()),
        ];
        assert_eq!(l.sort_and_combine(), expected);
        assert!(HeaderList::new().sort_and_combine().is_empty());
    }

    #[test]
    fn header_map_round_trip_and_lossy_skips() {
        let mut l = HeaderList::new();
        l.append_raw("X-Foo", "a");
        l.append_raw("bad name", "b");
        l.append_raw("x-ctl", b"\x01".to_vec());
        l.append_raw("x-high", b"\xff".to_vec());
        l.append_raw("x-foo", "c");
        let map = l.to_header_map_lossy();
        assert_eq!(map.len(), 3);
        let foo: Vec<_> = map.get_all("x-foo").iter().map(|v| v.as_bytes()).collect();
        assert_eq!(foo, vec![&b"a"[..], b"c"]);
        assert_eq!(map.get("x-high").map(|v| v.as_bytes()), Some(&b"\xff"[..]));
        let back = HeaderList::from_header_map(&map);
        let expected = list(&[("x-foo", "a"), ("x-foo", "c")]);
        let mut expected = expected;
        expected.append_raw("x-high", b"\xff".to_vec());
        assert_eq!(back, expected);
    }

    #[test]
    fn helpers() {
        assert!(has_outer_tab_or_space(b" a"));
        assert!(has_outer_tab_or_space(b"a\t"));
        assert!(!has_outer_tab_or_space(b"a b"));
        assert!(!has_outer_tab_or_space(b""));
    }
}
