//! Counting how many time spans hold each period end, shared by the charts of open items.

/// Time spans, each counted at the instants t with `start < t <= end`: the shape of "open
/// at t" (created < t, closed >= t), so a count at each period end is a sweep over sorted
/// starts and ends instead of a scan of every span per period.
#[derive(Default)]
pub(super) struct Spans {
    starts: Vec<i64>,
    ends: Vec<i64>,
}

impl Spans {
    /// Adds the span (start, end]; an empty one is dropped, as its end would otherwise
    /// be subtracted without its start being added.
    pub(super) fn push(&mut self, start: i64, end: i64) {
        if start < end {
            self.starts.push(start);
            self.ends.push(end);
        }
    }

    /// How many spans hold each instant; `instants` must be ascending.
    pub(super) fn counts_at(mut self, instants: &[i64]) -> Vec<i64> {
        self.starts.sort_unstable();
        self.ends.sort_unstable();
        let (mut started, mut ended) = (0, 0);
        instants
            .iter()
            .map(|&t| {
                while started < self.starts.len() && self.starts[started] < t {
                    started += 1;
                }
                while ended < self.ends.len() && self.ends[ended] < t {
                    ended += 1;
                }
                (started - ended) as i64
            })
            .collect()
    }
}
