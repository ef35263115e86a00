//! Rows grouped per item (a PR or an issue of one repo), for the charts that replay each
//! item's events.

/// The rows of each item together, each item's rows in time order. The sort is stable, so
/// rows of the same instant keep the order the query gave them.
pub(super) struct ByItem<'a, R> {
    sorted: Vec<&'a R>,
    item: fn(&R) -> (i64, i64),
}

pub(super) fn by_item<R>(rows: &[R], item: fn(&R) -> (i64, i64), time: fn(&R) -> i64) -> ByItem<'_, R> {
    let mut sorted: Vec<&R> = rows.iter().collect();
    sorted.sort_by_key(|r| (item(r), time(r)));
    ByItem { sorted, item }
}

impl<'a, R> ByItem<'a, R> {
    /// Each item's rows, items in (repo, item id) order.
    pub fn groups(&self) -> impl Iterator<Item = &[&'a R]> {
        let item = self.item;
        self.sorted.chunk_by(move |a, b| item(a) == item(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_an_item_come_together_in_time_order_and_ties_keep_their_order() {
        // (repo, item, time, label)
        let rows = [(1, 5, 30, 'a'), (2, 5, 10, 'b'), (1, 5, 10, 'c'), (1, 4, 99, 'd'), (1, 5, 10, 'e')];
        let grouped = by_item(&rows, |r| (r.0, r.1), |r| r.2);
        let labels: Vec<String> = grouped.groups().map(|g| g.iter().map(|r| r.3).collect()).collect();
        // Repo 1 item 4; repo 1 item 5 (c and e tie at 10 and keep their order); repo 2 item 5.
        assert_eq!(labels, vec!["d", "cea", "b"]);
    }
}
