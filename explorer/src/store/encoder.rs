//! Builds a part's bytes row by row, as a query's rows stream in: each column is encoded as
//! its values arrive, so a million-row repo is never held as rows or as a frame, and the
//! encoding overlaps the wait for the database. The bytes are those of
//! [`CachedResult::encode`](super::codec::CachedResult::encode), which is built on this.

/// Dictionaries are looked up once per row: a fast hash, as no key comes from a client.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

use chrono::{DateTime, Utc};

use super::codec::{put_uvarint, zigzag, PART_MAGIC, ZSTD_LEVEL};

/// The kind of value a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    I64,
    /// Integers that are ids (hashes of a contributor or a commit): random 64-bit values
    /// that repeat, cached as a dictionary and codes into it, a byte or two a row where the
    /// deltas of random values would take nine or ten.
    Id,
    Str,
}

/// One column's encoding so far.
enum ColumnBody {
    /// Delta- and zigzag-varint-encoded values after the previous one.
    I64 { values: Vec<u8>, previous: i64 },
    /// Codes into a dictionary of the distinct ids, in order of first use.
    Id { codes: Vec<u8>, index: HashMap<i64, u64> },
    /// Codes into a dictionary of the distinct words, in order of first use.
    Str { codes: Vec<u8>, index: HashMap<String, u64> },
}

/// A part being encoded, a column per field in a fixed order.
pub struct PartEncoder {
    columns: Vec<(String, ColumnBody)>,
    rows: usize,
}

impl PartEncoder {
    pub fn new<'a>(columns: impl IntoIterator<Item = (&'a str, ColumnKind)>) -> Self {
        let columns = columns
            .into_iter()
            .map(|(name, kind)| {
                let body = match kind {
                    ColumnKind::I64 => ColumnBody::I64 { values: Vec::new(), previous: 0 },
                    ColumnKind::Id => ColumnBody::Id { codes: Vec::new(), index: HashMap::default() },
                    ColumnKind::Str => ColumnBody::Str { codes: Vec::new(), index: HashMap::default() },
                };
                (name.to_owned(), body)
            })
            .collect();
        PartEncoder { columns, rows: 0 }
    }

    /// Adds a value to column `column` (its place in [`PartEncoder::new`]'s list), which
    /// must hold integers. A row is one value pushed to every column, then [`end_row`].
    ///
    /// [`end_row`]: PartEncoder::end_row
    pub fn push_i64(&mut self, column: usize, value: i64) {
        match &mut self.columns[column].1 {
            ColumnBody::I64 { values, previous } => {
                put_uvarint(values, zigzag(value.wrapping_sub(*previous)));
                *previous = value;
            }
            ColumnBody::Id { codes, index } => {
                let next = index.len() as u64;
                put_uvarint(codes, *index.entry(value).or_insert(next));
            }
            ColumnBody::Str { .. } => panic!("column {} holds text, not integers", self.columns[column].0),
        }
    }

    /// Adds a word to column `column`, which must hold text; a word seen before costs no
    /// allocation.
    pub fn push_str(&mut self, column: usize, word: &str) {
        match &mut self.columns[column].1 {
            ColumnBody::Str { codes, index } => {
                let code = match index.get(word) {
                    Some(code) => *code,
                    None => {
                        let code = index.len() as u64;
                        index.insert(word.to_owned(), code);
                        code
                    }
                };
                put_uvarint(codes, code);
            }
            ColumnBody::I64 { .. } | ColumnBody::Id { .. } => {
                panic!("column {} holds integers, not text", self.columns[column].0)
            }
        }
    }

    pub fn end_row(&mut self) {
        self.rows += 1;
    }

    /// Ends `rows` rows at once, for a frame encoded column after column.
    pub(super) fn end_rows(&mut self, rows: usize) {
        self.rows += rows;
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The part's bytes: header, then the columns compressed.
    pub fn finish(self, query_version: u32, computed_at: DateTime<Utc>) -> Vec<u8> {
        let mut body = Vec::with_capacity(self.body_len());
        put_uvarint(&mut body, self.columns.len() as u64);
        for (name, column) in self.columns {
            put_uvarint(&mut body, name.len() as u64);
            body.extend_from_slice(name.as_bytes());
            match column {
                ColumnBody::I64 { values, .. } => {
                    body.push(0);
                    put_uvarint(&mut body, self.rows as u64);
                    body.extend_from_slice(&values);
                }
                ColumnBody::Id { codes, index } => {
                    body.push(2);
                    let dictionary = in_code_order(index);
                    put_uvarint(&mut body, dictionary.len() as u64);
                    for id in dictionary {
                        put_uvarint(&mut body, zigzag(id));
                    }
                    put_uvarint(&mut body, self.rows as u64);
                    body.extend_from_slice(&codes);
                }
                ColumnBody::Str { codes, index } => {
                    body.push(1);
                    let dictionary = in_code_order(index);
                    put_uvarint(&mut body, dictionary.len() as u64);
                    for word in dictionary {
                        put_uvarint(&mut body, word.len() as u64);
                        body.extend_from_slice(word.as_bytes());
                    }
                    put_uvarint(&mut body, self.rows as u64);
                    body.extend_from_slice(&codes);
                }
            }
        }
        let mut out = PART_MAGIC.to_vec();
        put_uvarint(&mut out, u64::from(query_version));
        put_uvarint(&mut out, zigzag(computed_at.timestamp_millis()));
        out.extend(zstd::bulk::compress(&body, ZSTD_LEVEL).expect("zstd compresses any input held in memory"));
        out
    }

    fn body_len(&self) -> usize {
        let words: usize = self
            .columns
            .iter()
            .map(|(name, column)| {
                name.len()
                    + match column {
                        ColumnBody::I64 { values, .. } => values.len(),
                        ColumnBody::Id { codes, index } => codes.len() + 10 * index.len(),
                        ColumnBody::Str { codes, index } => {
                            codes.len() + index.keys().map(|w| w.len() + 2).sum::<usize>()
                        }
                    }
            })
            .sum();
        words + 16 * (self.columns.len() + 1)
    }
}

/// A dictionary's entries in the order of their codes.
fn in_code_order<K>(index: HashMap<K, u64>) -> Vec<K> {
    let mut entries: Vec<(K, u64)> = index.into_iter().collect();
    entries.sort_unstable_by_key(|(_, code)| *code);
    entries.into_iter().map(|(key, _)| key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codec::{CachedResult, Column, Frame};

    #[test]
    fn rows_pushed_one_by_one_encode_as_their_frame_does() {
        let logins = ["ada", "", "bob", "ada"];
        let ats = [1_700_000_000, 1_600_000_000, i64::MAX, i64::MIN];
        let computed_at = DateTime::from_timestamp_millis(1_764_000_000_000).unwrap();
        let mut part = PartEncoder::new([("at", ColumnKind::I64), ("login", ColumnKind::Str)]);
        for (at, login) in ats.iter().zip(logins) {
            part.push_i64(0, *at);
            part.push_str(1, login);
            part.end_row();
        }
        assert_eq!(part.rows(), 4);
        let frame = Frame::new()
            .with_column("at", Column::I64(ats.to_vec()))
            .with_column("login", Column::Str(logins.map(str::to_owned).to_vec()));
        let whole = CachedResult { query_version: 3, computed_at, frame };
        let bytes = part.finish(3, computed_at);
        assert_eq!(bytes, whole.encode());
        assert_eq!(CachedResult::decode(&bytes), Ok(whole));
    }

    #[test]
    fn repeated_random_ids_take_a_code_each_not_their_delta() {
        let people: Vec<i64> = (1..=50u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) as i64).collect();
        // Who acts next in no pattern zstd could find in the deltas: a linear congruential walk.
        let mut state = 1u64;
        let ids: Vec<i64> = (0..20_000)
            .map(|_| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                people[(state >> 33) as usize % people.len()]
            })
            .collect();
        let (mut as_ids, mut as_integers) =
            (PartEncoder::new([("who", ColumnKind::Id)]), PartEncoder::new([("who", ColumnKind::I64)]));
        for id in &ids {
            as_ids.push_i64(0, *id);
            as_ids.end_row();
            as_integers.push_i64(0, *id);
            as_integers.end_row();
        }
        let at = Utc::now();
        let (dictionary, deltas) = (as_ids.finish(1, at), as_integers.finish(1, at));
        assert!(
            dictionary.len() * 3 / 2 < deltas.len(),
            "{} bytes as ids, {} as deltas",
            dictionary.len(),
            deltas.len()
        );
        let back = CachedResult::decode(&dictionary).unwrap();
        assert_eq!(back.frame.i64("who").unwrap(), ids.as_slice());
        assert_eq!(back, CachedResult::decode(&deltas).unwrap());
    }

    #[test]
    fn a_part_without_rows_keeps_its_columns() {
        let part = PartEncoder::new([("at", ColumnKind::I64), ("login", ColumnKind::Str)]);
        let back = CachedResult::decode(&part.finish(1, Utc::now())).unwrap();
        assert!(back.frame.is_empty());
        assert_eq!(back.frame.i64("at"), Some(&[][..]));
        assert_eq!(back.frame.str("login"), Some(&[][..]));
    }
}
