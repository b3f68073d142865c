//! [MIME types](https://mimesniff.spec.whatwg.org/#mime-type) as the MIME Sniffing Standard
//! defines them, with its strict
//! [parse a MIME type](https://mimesniff.spec.whatwg.org/#parse-a-mime-type) (not the lenient
//! Fetch "extract a MIME type").
//!
//! The parser is written here from the standard's steps rather than taken from
//! `data_url::mime::Mime`: that parser lowercases a parameter name only after checking
//! whether it is already present, so `charset=a;CHARSET=b` yields two `charset` entries where
//! the standard keeps the first only.

use std::fmt;

use crate::list::collect_http_quoted_string;

/// A [MIME type](https://mimesniff.spec.whatwg.org/#mime-type) record: a
/// [type](https://mimesniff.spec.whatwg.org/#type), a
/// [subtype](https://mimesniff.spec.whatwg.org/#subtype) (both lowercase after parsing) and
/// ordered [parameters](https://mimesniff.spec.whatwg.org/#parameters) (unique lowercase names,
/// first occurrence wins).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MimeType {
    /// The MIME type's [type](https://mimesniff.spec.whatwg.org/#type), e.g. `text`.
    pub type_: String,
    /// The MIME type's [subtype](https://mimesniff.spec.whatwg.org/#subtype), e.g. `plain`.
    pub subtype: String,
    /// The MIME type's [parameters](https://mimesniff.spec.whatwg.org/#parameters), an ordered
    /// map as (name, value) pairs.
    pub parameters: Vec<(String, String)>,
}

impl MimeType {
    /// The MIME type's [essence](https://mimesniff.spec.whatwg.org/#mime-type-essence):
    /// type, `/`, subtype.
    pub fn essence(&self) -> String {
        format!("{}/{}", self.type_, self.subtype)
    }

    /// The value of parameter `name` (compared exactly; parsed names are lowercase), if any
    /// (a [map get](https://infra.spec.whatwg.org/#map-get) on the
    /// [parameters](https://mimesniff.spec.whatwg.org/#parameters)).
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for MimeType {
    /// [Serialize a MIME type](https://mimesniff.spec.whatwg.org/#serialize-a-mime-type):
    /// values that are empty or not solely HTTP token code points are quoted, with `"` and `\`
    /// escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.type_, self.subtype)?;
        for (name, value) in &self.parameters {
            write!(f, ";{name}=")?;
            if value.is_empty() || !solely_token_code_points(value) {
                f.write_str("\"")?;
                for c in value.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")?;
            } else {
                f.write_str(value)?;
            }
        }
        Ok(())
    }
}

/// [HTTP whitespace](https://fetch.spec.whatwg.org/#http-whitespace): U+000A LF, U+000D CR,
/// U+0009 TAB or U+0020 SPACE.
pub fn is_http_whitespace(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t' | ' ')
}

/// An [HTTP token code point](https://mimesniff.spec.whatwg.org/#http-token-code-point):
/// the code points of RFC 9110 `tchar`.
pub fn is_http_token_code_point(c: char) -> bool {
    u8::try_from(c).is_ok_and(crate::is_tchar)
}

/// An [HTTP quoted-string token code point](https://mimesniff.spec.whatwg.org/#http-quoted-string-token-code-point):
/// U+0009 TAB, U+0020 SPACE to U+007E (~), or U+0080 to U+00FF.
pub fn is_http_quoted_string_token_code_point(c: char) -> bool {
    matches!(c, '\t' | ' '..='~' | '\u{80}'..='\u{ff}')
}

fn solely_token_code_points(s: &str) -> bool {
    s.chars().all(is_http_token_code_point)
}

/// [Parse a MIME type](https://mimesniff.spec.whatwg.org/#parse-a-mime-type) from `input`,
/// exactly as the MIME Sniffing Standard's steps say. `None` is failure.
///
/// In short: strip leading and trailing HTTP whitespace; the type is everything up to `/`
/// and must be a non-empty run of HTTP token code points; the subtype is everything up to `;`,
/// trailing HTTP whitespace removed, and must likewise be a non-empty token; both are
/// ASCII-lowercased. Each `;`-separated parameter has leading HTTP whitespace skipped and its
/// name lowercased; a value is either an HTTP quoted string (unescaped; anything after the
/// closing quote up to `;` is ignored) or the text up to `;` with trailing HTTP whitespace
/// removed (skipped when empty). A parameter is kept only if its name is a non-empty token,
/// its value solely HTTP quoted-string token code points, and the name is not already present
/// (first wins). Invalid parameters never make the whole parse fail.
pub fn parse_a_mime_type(input: &str) -> Option<MimeType> {
    // 1. Remove leading and trailing HTTP whitespace.
    let input: Vec<char> = input.trim_matches(is_http_whitespace).chars().collect();
    // 2. position
    let mut position = 0;
    // 3. type: code points that are not U+002F (/).
    let type_ = collect(&input, &mut position, |c| c != '/');
    // 4.
    if type_.is_empty() || !solely_token_code_points(&type_) {
        return None;
    }
    // 5.
    if position >= input.len() {
        return None;
    }
    // 6. Skip past U+002F (/).
    position += 1;
    // 7. subtype: code points that are not U+003B (;).
    let subtype = collect(&input, &mut position, |c| c != ';');
    // 8. Remove trailing HTTP whitespace.
    let subtype = subtype.trim_end_matches(is_http_whitespace);
    // 9.
    if subtype.is_empty() || !solely_token_code_points(subtype) {
        return None;
    }
    // 10.
    let mut mime_type = MimeType {
        type_: type_.to_ascii_lowercase(),
        subtype: subtype.to_ascii_lowercase(),
        parameters: Vec::new(),
    };
    // 11.
    while position < input.len() {
        // 11.1 Skip past U+003B (;).
        position += 1;
        // 11.2 Skip HTTP whitespace.
        collect(&input, &mut position, is_http_whitespace);
        // 11.3 parameterName: not U+003B (;) or U+003D (=).
        let name = collect(&input, &mut position, |c| c != ';' && c != '=');
        // 11.4 ASCII lowercase.
        let name = name.to_ascii_lowercase();
        // 11.5
        if let Some(&c) = input.get(position) {
            if c == ';' {
                continue;
            }
            // Skip past U+003D (=).
            position += 1;
        }
        // 11.6
        if position >= input.len() {
            break;
        }
        // 11.7-11.9
        let value = if input.get(position) == Some(&'"') {
            let value = collect_http_quoted_string(&input, &mut position, true);
            collect(&input, &mut position, |c| c != ';');
            value
        } else {
            let value = collect(&input, &mut position, |c| c != ';');
            let value = value.trim_end_matches(is_http_whitespace);
            if value.is_empty() {
                continue;
            }
            value.to_owned()
        };
        // 11.10
        if !name.is_empty()
            && solely_token_code_points(&name)
            && value.chars().all(is_http_quoted_string_token_code_point)
            && mime_type.parameter(&name).is_none()
        {
            mime_type.parameters.push((name, value));
        }
    }
    // 12.
    Some(mime_type)
}

/// [Collect a sequence of code points](https://infra.spec.whatwg.org/#collect-a-sequence-of-code-points)
/// matching `pred` from `input` at `position`.
fn collect(input: &[char], position: &mut usize, pred: impl Fn(char) -> bool) -> String {
    let start = (*position).min(input.len());
    let len = input[start..].iter().take_while(|&&c| pred(c)).count();
    *position = start + len;
    input[start..start + len].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<MimeType> {
        parse_a_mime_type(s)
    }

    fn ser(s: &str) -> Option<String> {
        parse(s).map(|m| m.to_string())
    }

    #[test]
    fn basic_and_essence() {
        let m = parse("text/plain").unwrap();
        assert_eq!(m.type_, "text");
        assert_eq!(m.subtype, "plain");
        assert!(m.parameters.is_empty());
        assert_eq!(m.essence(), "text/plain");
    }

    #[test]
    fn lowercases_type_subtype_and_names_not_values() {
        let m = parse("Text/PLAIN;CharSet=UTF-8").unwrap();
        assert_eq!(m.essence(), "text/plain");
        assert_eq!(
            m.parameters,
            vec![("charset".to_string(), "UTF-8".to_string())]
        );
    }

    #[test]
    fn http_whitespace_trimming() {
        assert_eq!(ser(" \t\r\ntext/html\n\r\t "), Some("text/html".into()));
        // Form feed is not HTTP whitespace.
        assert_eq!(parse("\u{c}text/html"), None);
        assert_eq!(parse("text/html\u{c}"), None);
        // Whitespace before "/" or inside the type is not trimmed.
        assert_eq!(parse("text /html"), None);
        assert_eq!(parse("text/ html"), None);
        // Trailing whitespace of the subtype (before ";") is removed.
        assert_eq!(
            ser("text/html \t;charset=x"),
            Some("text/html;charset=x".into())
        );
    }

    #[test]
    fn failures() {
        for s in [
            "",
            " ",
            "text",
            "text/",
            "/html",
            "/",
            "text/;charset=x",
            "text/plain, application/json",
            "te(xt/plain",
            "text/pl@in",
            "text/plain/x",
            "\u{fe}/plain",
            "t\u{e9}xt/plain",
            "text/\u{100}",
            "\"text\"/plain",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn quoted_values() {
        let m = parse("text/plain;charset=\"x\"").unwrap();
        assert_eq!(m.parameter("charset"), Some("x"));
        assert_eq!(
            ser("text/plain;charset=\"x\""),
            Some("text/plain;charset=x".into())
        );
        // Escapes are unescaped; trailing garbage after the quote is ignored.
        assert_eq!(
            parse("text/html;charset=\"shift_jis\"iso-2022-jp")
                .unwrap()
                .parameter("charset"),
            Some("shift_jis")
        );
        assert_eq!(
            parse("text/html;a=\"b\\\"c\\\\d\";e=f").unwrap().parameters,
            vec![
                ("a".to_string(), "b\"c\\d".to_string()),
                ("e".to_string(), "f".to_string())
            ]
        );
        // Semicolon inside quotes is part of the value.
        assert_eq!(
            parse("text/html;a=\"x;y\";b=1").unwrap().parameters,
            vec![
                ("a".to_string(), "x;y".to_string()),
                ("b".to_string(), "1".to_string())
            ]
        );
        // Unterminated quoted string runs to the end; a trailing backslash stays.
        assert_eq!(
            parse("text/html;a=\"x\\").unwrap().parameter("a"),
            Some("x\\")
        );
        assert_eq!(parse("text/html;a=\"x").unwrap().parameter("a"), Some("x"));
        // Empty quoted string is a value (unlike an empty unquoted one).
        assert_eq!(parse("text/html;a=\"\"").unwrap().parameter("a"), Some(""));
        assert_eq!(ser("text/html;a=\"\""), Some("text/html;a=\"\"".into()));
        assert_eq!(parse("text/html;a=").unwrap().parameter("a"), None);
        assert_eq!(parse("text/html;a= ;b=1").unwrap().parameter("a"), None);
    }

    #[test]
    fn invalid_parameters_are_skipped() {
        let m = parse("text/html;=x;a b=1;(c)=2;d;e=3;;f").unwrap();
        assert_eq!(m.parameters, vec![("e".to_string(), "3".to_string())]);
        // Invalid value code point (U+0100, or a control) skips the parameter.
        let m = parse("text/html;a=\u{100};b=\u{1};c=ok").unwrap();
        assert_eq!(m.parameters, vec![("c".to_string(), "ok".to_string())]);
        // Latin-1 values are fine.
        assert_eq!(
            parse("text/html;a=\u{e9}").unwrap().parameter("a"),
            Some("\u{e9}")
        );
        // Trailing whitespace of an unquoted value is removed, inner kept.
        assert_eq!(
            parse("text/html;a=b c \t").unwrap().parameter("a"),
            Some("b c")
        );
        // Whitespace before a name is skipped, but not around "=".
        assert_eq!(
            parse("text/html; \ta=1;b =2;c= 3").unwrap().parameters,
            vec![
                ("a".to_string(), "1".to_string()),
                ("c".to_string(), " 3".to_string())
            ]
        );
        // Trailing ";" and "name=" at the end.
        assert_eq!(parse("text/html;").unwrap().parameters, vec![]);
        assert_eq!(parse("text/html;a=").unwrap().parameters, vec![]);
    }

    #[test]
    fn duplicate_parameters_first_wins_case_insensitively() {
        let m = parse("text/plain;charset=a;CHARSET=b;Charset=\"c\"").unwrap();
        assert_eq!(m.parameters, vec![("charset".to_string(), "a".to_string())]);
        // An invalid first occurrence does not block a later valid one.
        let m = parse("text/plain;charset=\u{100};charset=b").unwrap();
        assert_eq!(m.parameters, vec![("charset".to_string(), "b".to_string())]);
    }

    #[test]
    fn parse_and_serialize_edge_cases() {
        let cases: [(&str, Option<&str>); 22] = [
            ("TEXT/HTML;CHARSET=GBK", Some("text/html;charset=GBK")),
            ("text/html;charset=gbk(", Some("text/html;charset=\"gbk(\"")),
            (
                "text/html;x=(;charset=gbk",
                Some("text/html;x=\"(\";charset=gbk"),
            ),
            (
                "text/html;charset=gbk;charset=windows-1255",
                Some("text/html;charset=gbk"),
            ),
            ("text/html;charset =gbk", Some("text/html")),
            ("text/html ;charset=gbk", Some("text/html;charset=gbk")),
            ("text/html;charset= gbk", Some("text/html;charset=\" gbk\"")),
            ("text/html;charset='gbk'", Some("text/html;charset='gbk'")),
            ("text/html;test;charset=gbk", Some("text/html;charset=gbk")),
            ("text/html;\";charset=gbk", Some("text/html;charset=gbk")),
            ("text/html ; ; charset=gbk", Some("text/html;charset=gbk")),
            (
                "text/html;charset=gbk\"",
                Some("text/html;charset=\"gbk\\\"\""),
            ),
            (
                "text/html;charset=\"\\ gbk\"",
                Some("text/html;charset=\" gbk\""),
            ),
            (
                "text/html;charset=\"\\g\\b\\k\"",
                Some("text/html;charset=gbk"),
            ),
            ("x/x;test=\"\\", Some("x/x;test=\"\\\\\"")),
            ("x/x;test=\u{fffd};x=x", Some("x/x;x=x")),
            ("x/x;x=\"\u{0}\";bonus=x", Some("x/x;bonus=x")),
            ("bogus/ ", None),
            ("bogus/bogus/;", None),
            ("text/html(;doesnot=matter", None),
            ("\u{100}/\u{100}", None),
            ("\t", None),
        ];
        for (input, expected) in cases {
            assert_eq!(ser(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn serialization_quotes_when_needed() {
        let m = MimeType {
            type_: "a".into(),
            subtype: "b".into(),
            parameters: vec![
                ("x".into(), "tok".into()),
                ("y".into(), "has space".into()),
                ("z".into(), "q\"b\\".into()),
            ],
        };
        assert_eq!(m.to_string(), "a/b;x=tok;y=\"has space\";z=\"q\\\"b\\\\\"");
    }

    #[test]
    fn code_point_classes() {
        assert!(is_http_token_code_point('a'));
        assert!(!is_http_token_code_point('\u{e9}'));
        assert!(!is_http_token_code_point('\u{141}'));
        assert!(is_http_quoted_string_token_code_point('\t'));
        assert!(is_http_quoted_string_token_code_point('\u{ff}'));
        assert!(!is_http_quoted_string_token_code_point('\u{7f}'));
        assert!(!is_http_quoted_string_token_code_point('\u{100}'));
        assert!(is_http_whitespace('\r'));
        assert!(!is_http_whitespace('\u{c}'));
    }
}
