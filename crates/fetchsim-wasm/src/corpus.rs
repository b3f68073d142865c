//! The spec-case corpus, embedded at build time by `build.rs`.

/// One bundled case of `spec-cases/`.
pub struct CorpusCase {
    /// The scenario's `id`.
    pub id: &'static str,
    /// The scenario's `title` (empty when it has none).
    pub title: &'static str,
    /// The folder under `spec-cases/` (the algorithm it checks).
    pub folder: &'static str,
    /// `spec-cases/<folder>/<file>.toml`, the name used in messages.
    pub path: &'static str,
    /// Whether `text` is JSON (converted from the TOML file) or the TOML
    /// file itself (when it did not parse as TOML).
    pub json: bool,
    /// The scenario.
    pub text: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
