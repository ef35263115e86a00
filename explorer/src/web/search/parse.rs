//! What was typed, as the index compares it: the `org:` / `repo:` prefix and the text,
//! lower case with its blanks collapsed.

/// Longer queries are cut to this many characters: nothing in Augur is longer, and it
/// bounds the matcher's work on a pasted paragraph.
const MAX_QUERY_CHARS: usize = 200;

/// Which kinds of hit a query asks for (`org:` and `repo:` narrow it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    All,
    Orgs,
    Repos,
}

/// A query, parsed.
pub(super) struct Query {
    pub(super) scope: Scope,
    /// Lower case, blanks collapsed to one space, at most [`MAX_QUERY_CHARS`].
    pub(super) text: String,
}

impl Query {
    /// `None` for a query with no text (blank, or only a prefix).
    pub(super) fn parse(raw: &str) -> Option<Query> {
        let raw = raw.trim_start();
        let (scope, rest) = [("org:", Scope::Orgs), ("repo:", Scope::Repos)]
            .into_iter()
            .find_map(|(prefix, scope)| {
                let head = raw.get(..prefix.len())?;
                head.eq_ignore_ascii_case(prefix).then(|| (scope, &raw[prefix.len()..]))
            })
            .unwrap_or((Scope::All, raw));
        let mut text = String::new();
        for word in rest.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&word.to_lowercase());
        }
        if let Some((cut, _)) = text.char_indices().nth(MAX_QUERY_CHARS) {
            text.truncate(cut);
        }
        (!text.is_empty()).then_some(Query { scope, text })
    }

    /// The query as compared with URLs: without a scheme, a trailing `/` or `.git`.
    pub(super) fn url_text(&self) -> &str {
        let Some(at) = self.text.find("://") else { return &self.text };
        let url = self.text[at + 3..].trim_end_matches('/');
        url.strip_suffix(".git").unwrap_or(url)
    }
}
