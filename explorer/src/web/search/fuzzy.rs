//! The fuzzy tier: nucleo's matcher over what the cheaper tiers left, an org's name or a
//! repository's `owner/name`, behind cheap tests that skip most texts before it scores.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

use super::index::SearchIndex;
use super::rank::{Scratch, Tier, NO_KEY};

/// The fuzzy tier scores, per kind, the first `FUZZY_POOL_PER_HIT` matches per hit still
/// wanted (at least `FUZZY_POOL_MIN`) in rank order, and keeps the best-scored of them.
const FUZZY_POOL_PER_HIT: usize = 25;
const FUZZY_POOL_MIN: usize = 500;

/// The matcher each thread keeps (see `Scratch`): a match at the start of a text scores higher.
pub(super) fn matcher() -> Matcher {
    let mut config = Config::DEFAULT;
    config.prefer_prefix = true;
    Matcher::new(config)
}

impl SearchIndex {
    /// Offers the fuzzy matches of `text` not already hit. Each kind is taken in rank order
    /// and stops at a pool of matches, so a short query that fuzzily matches half the
    /// catalog costs no more than one that matches a few.
    pub(super) fn offer_fuzzy(
        &self,
        s: &mut Scratch,
        text: &str,
        needs: u64,
        limit: usize,
        want_orgs: bool,
        want_repos: bool,
    ) {
        let needle = FuzzyNeedle::new(text, needs);
        let pool = (limit - s.hits()).saturating_mul(FUZZY_POOL_PER_HIT).max(FUZZY_POOL_MIN);
        let Scratch { matcher, org_keys, repo_keys, .. } = s;
        let mut fuzzy_orgs = Vec::new();
        if want_orgs {
            for (at, org) in self.orgs.iter().enumerate() {
                if fuzzy_orgs.len() == pool {
                    break;
                }
                if org_keys[at] == NO_KEY {
                    if let Some(score) = needle.score(&org.lower, org.mask, org.wide.as_ref(), matcher) {
                        fuzzy_orgs.push((at as u32, score));
                    }
                }
            }
        }
        let mut fuzzy_repos = Vec::new();
        if want_repos {
            for (at, &mask) in self.repo_masks.iter().enumerate() {
                if fuzzy_repos.len() == pool {
                    break;
                }
                if mask & needs == needs && repo_keys[at] == NO_KEY {
                    if let Some(score) = needle.score(self.slug_text(at), mask, self.repos[at].wide.as_ref(), matcher) {
                        fuzzy_repos.push((at as u32, score));
                    }
                }
            }
        }
        for (at, score) in fuzzy_orgs {
            self.offer_org(s, at, Tier::Fuzzy, score);
        }
        for (at, score) in fuzzy_repos {
            self.offer_repo(s, at, Tier::Fuzzy, false, score);
        }
    }
}

/// The fuzzy tier's needle: nucleo's pattern, behind two cheap tests that every fuzzy
/// match passes (the matcher's own scoring is what costs).
struct FuzzyNeedle<'q> {
    pattern: Pattern,
    needs: u64,
    /// The query's words, when all ASCII: each must be a subsequence of a matching text.
    words: Option<Vec<&'q [u8]>>,
}

impl<'q> FuzzyNeedle<'q> {
    fn new(text: &'q str, needs: u64) -> FuzzyNeedle<'q> {
        let plain = text.is_ascii() && !text.contains('\\');
        FuzzyNeedle {
            pattern: Pattern::new(text, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy),
            needs,
            words: plain.then(|| text.split(' ').map(str::as_bytes).collect()),
        }
    }

    /// `text` is lower case; `wide` its characters when it is not ASCII.
    fn score(&self, text: &str, mask: u64, wide: Option<&Utf32String>, matcher: &mut Matcher) -> Option<u32> {
        if mask & self.needs != self.needs {
            return None;
        }
        let haystack = match wide {
            Some(wide) => wide.slice(..),
            None => {
                let words = self.words.as_deref().unwrap_or_default();
                if !words.iter().all(|word| is_subsequence(word, text.as_bytes())) {
                    return None;
                }
                Utf32Str::Ascii(text.as_bytes())
            }
        };
        self.pattern.score(haystack, matcher)
    }
}

/// Whether `needle`'s bytes all occur in `haystack`, in order.
fn is_subsequence(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack.iter();
    needle.iter().all(|byte| rest.any(|b| b == byte))
}
