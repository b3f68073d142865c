//! The fetch's request, and the values of it the steps share, held so that
//! no step copies them: the one place where the engine's speed work shows
//! in how the request is borrowed. Not an algorithm of the standard; used
//! in every state after the [`Request`
//! constructor](https://fetch.spec.whatwg.org/#dom-request) succeeded
//! (`State::MainFetch`, `State::Received`, and the sending of each
//! `State::Awaiting` exchange).
//!
//! Why it looks like this: a step reads the request (its URL list, origin,
//! headers) while it records steps, warnings and requests into the fetch,
//! which needs `&mut self`. Borrowing the request from `self` would forbid
//! that, and copying it costs allocations on every hop. So the fetch holds
//! an `Arc<Request>`: a step takes a handle ([`Fetch::req_shared`]: a
//! reference count, no copy) and reads through it while it records. The
//! request changes only in two places, main fetch (its response tainting)
//! and HTTP-redirect fetch (its URL list, method, body and headers), through
//! `Arc::make_mut`, which copies the request if another handle is alive.
//! [`Fetch::req_mut`] therefore takes the caller's handle and lets go of it
//! first: the fetch's own handle is then the only one, and nothing is
//! copied.
//!
//! The origin and the current URL, which many steps mention, are serialized
//! once (per fetch and per hop) and shared as `Arc<str>`s.

use super::Fetch;
use crate::request::Request;
use crate::sentence::{Str, UrlText};
use std::sync::Arc;

const CONSTRUCTED: &str = "main fetch runs only after the constructor succeeded";

impl Fetch {
    /// The request, borrowed (for steps that record nothing while they read it).
    pub(super) fn req(&self) -> &Request {
        self.request.as_deref().expect(CONSTRUCTED)
    }

    /// The request, shared (a reference count, not a copy): for steps that
    /// read it while they record into the fetch.
    pub(super) fn req_shared(&self) -> Arc<Request> {
        Arc::clone(self.request.as_ref().expect(CONSTRUCTED))
    }

    /// The request, to change. `handle` is the caller's handle on it, let
    /// go of here first, so that `Arc::make_mut` finds the fetch's handle
    /// alone and changes the request in place instead of copying it.
    pub(super) fn req_mut(&mut self, handle: Arc<Request>) -> &mut Request {
        drop(handle);
        Arc::make_mut(self.request.as_mut().expect(CONSTRUCTED))
    }

    /// [`Request::serialized_origin`], without serializing the origin again
    /// (shared, not copied).
    pub(super) fn serialized_origin(&self, req: &Request) -> Str {
        if req.is_redirect_tainted() {
            Str::Static("null")
        } else {
            Str::Shared(Arc::clone(&self.origin_serialized))
        }
    }

    /// The current URL's serialization, shared.
    pub(super) fn url_text(&self) -> UrlText {
        self.url_text.clone().expect(CONSTRUCTED)
    }
}
