//! Writing the trace: the steps and warnings the algorithms record (each
//! with the anchor of its step in the [Fetch
//! Standard](https://fetch.spec.whatwg.org/)), and how names and URLs are
//! shown in it. Not an algorithm of the standard; used in every state.

use super::Fetch;
use crate::sentence::Sentence;
use crate::trace::{Detail, Step, StepResult, Warning};
use fetchsim_headers::isomorphic_decode;
use url::Url;

impl Fetch {
    /// Record a step of the algorithm in the trace.
    pub(super) fn step(
        &mut self,
        step: &'static str,
        anchor: &'static str,
        request: Option<usize>,
        result: StepResult,
        detail: impl Into<Sentence>,
    ) {
        self.steps.push(Step {
            step,
            spec: anchor,
            request,
            result,
            detail: Detail(detail.into()),
        });
    }

    /// Record a warning in the trace.
    pub(super) fn warn(
        &mut self,
        kind: &'static str,
        anchor: &'static str,
        message: impl Into<Sentence>,
    ) {
        self.warnings.push(Warning {
            kind,
            spec: anchor,
            message: Detail(message.into()),
        });
    }
}

/// A header name lowercased and isomorphic decoded, in one allocation
/// (bytes above 0x7F are not ASCII letters: lowercasing after decoding is
/// the same as before).
pub(super) fn lower(bytes: &[u8]) -> String {
    let mut s = isomorphic_decode(bytes);
    s.make_ascii_lowercase();
    s
}

/// The URL serialized without its fragment (what setting the fragment to
/// null and serializing gives, without cloning the `Url`).
pub(super) fn url_without_fragment(url: &Url) -> String {
    no_fragment(url).to_owned()
}

/// The URL's serialization up to its fragment, borrowed.
pub(super) fn no_fragment(url: &Url) -> &str {
    &url[..url::Position::AfterQuery]
}
