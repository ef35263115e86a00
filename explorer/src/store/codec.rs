//! The compact form of a cached query result. A part (one repo's rows) is a versioned
//! header (format, query version, computed time, readable without decompressing), then
//! columns (integers delta- and zigzag-varint-encoded, ids and strings dictionary-encoded)
//! compressed with zstd. A selection's result is its parts' bytes side by side, so a
//! worker builds it without decoding anything.

use chrono::{DateTime, Utc};

use super::encoder::{ColumnKind, PartEncoder};

/// Names the encoding in cache keys (with the query version), so that binaries of two
/// releases running side by side during a deploy never read each other's entries.
pub const FORMAT: &str = "f3";

/// First bytes of a part; the last one is the format version.
pub(super) const PART_MAGIC: &[u8; 4] = b"AXR\x03";
/// First bytes of a selection's result: a count, then each part with its length.
const GROUP_MAGIC: &[u8; 4] = b"AXG\x01";
pub(super) const ZSTD_LEVEL: i32 = 3;
/// What a large selection keeps as its entry instead of a copy of its parts: a marker
/// that its parts, each under its own key, answer it together. A copy would store every
/// distinct large selection's megabytes again; the reference costs a read of the parts.
const PARTS_REFERENCE: &[u8; 4] = b"AXP\x01";
/// A selection assembled to more than this keeps a reference to its parts, not a copy.
pub const COPY_MAX_BYTES: usize = 256 << 10;

/// A query result as columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    columns: Vec<(String, Column)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    I64(Vec<i64>),
    /// Text such as logins, emails and action names: few distinct values, many rows.
    Str(Vec<String>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::I64(values) => values.len(),
            Column::Str(values) => values.len(),
        }
    }
}

impl Frame {
    pub fn new() -> Self {
        Frame::default()
    }

    /// Adds a column; all columns of a frame must have the same length.
    pub fn with_column(mut self, name: &str, column: Column) -> Self {
        if let Some((_, first)) = self.columns.first() {
            assert_eq!(first.len(), column.len(), "column {name} differs in length from the others");
        }
        self.columns.push((name.to_owned(), column));
        self
    }

    pub fn i64(&self, name: &str) -> Option<&[i64]> {
        match self.columns.iter().find(|(n, _)| n == name) {
            Some((_, Column::I64(values))) => Some(values),
            _ => None,
        }
    }

    pub fn str(&self, name: &str) -> Option<&[String]> {
        match self.columns.iter().find(|(n, _)| n == name) {
            Some((_, Column::Str(values))) => Some(values),
            _ => None,
        }
    }

    /// Takes a column out of the frame, for reading it into typed rows without a copy.
    pub fn take_column(&mut self, name: &str) -> Option<Column> {
        let index = self.columns.iter().position(|(n, _)| n == name)?;
        Some(self.columns.swap_remove(index).1)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `other`'s rows after this frame's; `None` (and this frame unchanged) when
    /// their columns differ. An empty frame without columns takes `other` as it is.
    pub fn append(&mut self, other: Frame) -> Option<()> {
        if self.columns.is_empty() {
            *self = other;
            return Some(());
        }
        let same = self.columns.len() == other.columns.len()
            && self.columns.iter().zip(&other.columns).all(|((a, x), (b, y))| {
                a == b && matches!((x, y), (Column::I64(_), Column::I64(_)) | (Column::Str(_), Column::Str(_)))
            });
        if !same {
            return None;
        }
        for ((_, into), (_, from)) in self.columns.iter_mut().zip(other.columns) {
            match (into, from) {
                (Column::I64(into), Column::I64(from)) => into.extend(from),
                (Column::Str(into), Column::Str(from)) => into.extend(from),
                _ => unreachable!("column kinds were compared above"),
            }
        }
        Some(())
    }
}

/// A result as stored in the cache, with what the UI shows about it.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedResult {
    pub query_version: u32,
    pub computed_at: DateTime<Utc>,
    pub frame: Frame,
}

/// What a part says about itself before its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartHeader {
    pub query_version: u32,
    pub computed_at: DateTime<Utc>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("not a cached result of this format (unknown header)")]
    UnknownFormat,
    #[error("cached result is truncated or corrupt")]
    Corrupt,
    #[error("cached result does not decompress: {0}")]
    Decompress(String),
}

impl CachedResult {
    /// A selection's result from its parts' encoded bytes, without decoding them.
    pub fn encode_group<B: AsRef<[u8]>>(parts: &[B]) -> Vec<u8> {
        let mut out = GROUP_MAGIC.to_vec();
        put_uvarint(&mut out, parts.len() as u64);
        for part in parts {
            put_uvarint(&mut out, part.as_ref().len() as u64);
            out.extend_from_slice(part.as_ref());
        }
        out
    }

    /// What to store as a selection's entry: its bytes, or a reference to its parts when
    /// they are large.
    pub fn entry_to_store(bytes: &[u8]) -> &[u8] {
        if bytes.len() > COPY_MAX_BYTES && bytes.starts_with(GROUP_MAGIC) {
            PARTS_REFERENCE
        } else {
            bytes
        }
    }

    /// Whether a stored entry is a reference to the selection's parts.
    pub fn is_reference(bytes: &[u8]) -> bool {
        bytes == PARTS_REFERENCE
    }

    /// A part's query version and computed time, read without decompressing it.
    pub fn header(bytes: &[u8]) -> Result<PartHeader, CodecError> {
        let mut r = Reader { bytes: bytes.strip_prefix(PART_MAGIC.as_slice()).ok_or(CodecError::UnknownFormat)? };
        let query_version = u32::try_from(r.uvarint()?).map_err(|_| CodecError::Corrupt)?;
        let computed_at = DateTime::from_timestamp_millis(unzigzag(r.uvarint()?)).ok_or(CodecError::Corrupt)?;
        Ok(PartHeader { query_version, computed_at })
    }

    /// Encodes a part.
    pub fn encode(&self) -> Vec<u8> {
        let kinds = self.frame.columns.iter().map(|(name, column)| {
            let kind = match column {
                Column::I64(_) => ColumnKind::I64,
                Column::Str(_) => ColumnKind::Str,
            };
            (name.as_str(), kind)
        });
        let mut encoder = PartEncoder::new(kinds);
        for (index, (_, column)) in self.frame.columns.iter().enumerate() {
            match column {
                Column::I64(values) => values.iter().for_each(|v| encoder.push_i64(index, *v)),
                Column::Str(values) => values.iter().for_each(|v| encoder.push_str(index, v)),
            }
        }
        encoder.end_rows(self.frame.len());
        encoder.finish(self.query_version, self.computed_at)
    }

    /// Decodes a part or a selection's result; a selection's rows are its parts' rows in
    /// order, as of its oldest part.
    pub fn decode(bytes: &[u8]) -> Result<Self, CodecError> {
        let Some(group) = bytes.strip_prefix(GROUP_MAGIC.as_slice()) else {
            return Self::decode_part(bytes);
        };
        let mut r = Reader { bytes: group };
        let count = r.uvarint()?;
        let mut whole: Option<CachedResult> = None;
        for _ in 0..count {
            let len = r.uvarint()? as usize;
            let part = Self::decode_part(r.take(len)?)?;
            match whole.as_mut() {
                None => whole = Some(part),
                Some(whole) => {
                    whole.frame.append(part.frame).ok_or(CodecError::Corrupt)?;
                    whole.computed_at = whole.computed_at.min(part.computed_at);
                }
            }
        }
        if !r.bytes.is_empty() {
            return Err(CodecError::Corrupt);
        }
        whole.ok_or(CodecError::Corrupt)
    }

    fn decode_part(bytes: &[u8]) -> Result<Self, CodecError> {
        let PartHeader { query_version, computed_at } = Self::header(bytes)?;
        let mut header = Reader { bytes: &bytes[PART_MAGIC.len()..] };
        header.uvarint()?;
        header.uvarint()?;
        let body = zstd::stream::decode_all(header.bytes).map_err(|e| CodecError::Decompress(e.to_string()))?;
        let mut r = Reader { bytes: &body };
        let n_columns = r.uvarint()?;
        let mut frame = Frame::new();
        let mut rows = None;
        for _ in 0..n_columns {
            let name_len = r.uvarint()? as usize;
            let name = String::from_utf8(r.take(name_len)?.to_vec()).map_err(|_| CodecError::Corrupt)?;
            let column = match r.take(1)?[0] {
                0 => {
                    let len = r.uvarint()? as usize;
                    // Each value takes at least one byte: a larger length is corrupt, not a huge allocation.
                    if len > r.bytes.len() {
                        return Err(CodecError::Corrupt);
                    }
                    let mut values = Vec::with_capacity(len);
                    let mut previous = 0i64;
                    for _ in 0..len {
                        previous = previous.wrapping_add(unzigzag(r.uvarint()?));
                        values.push(previous);
                    }
                    Column::I64(values)
                }
                2 => {
                    let ids = r.uvarint()? as usize;
                    if ids > r.bytes.len() {
                        return Err(CodecError::Corrupt);
                    }
                    let dictionary: Vec<i64> = (0..ids).map(|_| r.uvarint().map(unzigzag)).collect::<Result<_, _>>()?;
                    let len = r.uvarint()? as usize;
                    if len > r.bytes.len() {
                        return Err(CodecError::Corrupt);
                    }
                    let mut values = Vec::with_capacity(len);
                    for _ in 0..len {
                        values.push(*dictionary.get(r.uvarint()? as usize).ok_or(CodecError::Corrupt)?);
                    }
                    Column::I64(values)
                }
                1 => {
                    let words = r.uvarint()? as usize;
                    if words > r.bytes.len() {
                        return Err(CodecError::Corrupt);
                    }
                    let mut dictionary = Vec::with_capacity(words);
                    for _ in 0..words {
                        let len = r.uvarint()? as usize;
                        dictionary.push(String::from_utf8(r.take(len)?.to_vec()).map_err(|_| CodecError::Corrupt)?);
                    }
                    let len = r.uvarint()? as usize;
                    if len > r.bytes.len() {
                        return Err(CodecError::Corrupt);
                    }
                    let mut values = Vec::with_capacity(len);
                    for _ in 0..len {
                        let word = dictionary.get(r.uvarint()? as usize).ok_or(CodecError::Corrupt)?;
                        values.push(word.clone());
                    }
                    Column::Str(values)
                }
                _ => return Err(CodecError::Corrupt),
            };
            if *rows.get_or_insert(column.len()) != column.len() {
                return Err(CodecError::Corrupt);
            }
            frame.columns.push((name, column));
        }
        if !r.bytes.is_empty() {
            return Err(CodecError::Corrupt);
        }
        Ok(CachedResult { query_version, computed_at, frame })
    }
}

pub(super) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

pub(super) fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if n > self.bytes.len() {
            return Err(CodecError::Corrupt);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn uvarint(&mut self) -> Result<u64, CodecError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(CodecError::Corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CachedResult {
        CachedResult {
            query_version: 7,
            computed_at: DateTime::from_timestamp_millis(1_764_000_000_123).unwrap(),
            frame: Frame::new()
                .with_column("repo_id", Column::I64(vec![25480, 25480, 25999]))
                .with_column("ts", Column::I64(vec![i64::MIN, -1, i64::MAX])),
        }
    }

    #[test]
    fn round_trips() {
        let entry = sample();
        assert_eq!(CachedResult::decode(&entry.encode()), Ok(entry));
    }

    #[test]
    fn strings_round_trip_through_a_dictionary() {
        let actions: Vec<String> =
            (0..10_000).map(|i| ["commit", "issue_opened", "pull_request_review_APPROVED"][i % 3].to_owned()).collect();
        let entry = CachedResult {
            frame: Frame::new()
                .with_column("action", Column::Str(actions.clone()))
                .with_column("n", Column::I64((0..10_000).collect())),
            ..sample()
        };
        let bytes = entry.encode();
        assert!(bytes.len() < 2_000, "{} bytes for 10,000 rows of three words", bytes.len());
        let back = CachedResult::decode(&bytes).unwrap();
        assert_eq!(back.frame.str("action").unwrap(), actions.as_slice());
        assert_eq!(back, entry);
        assert!(back.frame.i64("action").is_none(), "a text column is not an integer one");
    }

    #[test]
    fn an_empty_frame_round_trips() {
        let entry = CachedResult { frame: Frame::new().with_column("ts", Column::I64(vec![])), ..sample() };
        let back = CachedResult::decode(&entry.encode()).unwrap();
        assert!(back.frame.is_empty());
        assert_eq!(back, entry);
    }

    #[test]
    fn rejects_other_formats_and_damage() {
        assert_eq!(CachedResult::decode(b"{\"json\":1}"), Err(CodecError::UnknownFormat));
        let bytes = sample().encode();
        assert!(CachedResult::decode(&bytes[..bytes.len() - 3]).is_err());
    }

    #[test]
    fn a_group_is_its_parts_rows_as_of_the_oldest_part() {
        let part = |repo: i64, ms: i64, ts: Vec<i64>| CachedResult {
            query_version: 7,
            computed_at: DateTime::from_timestamp_millis(ms).unwrap(),
            frame: Frame::new()
                .with_column("repo_id", Column::I64(vec![repo; ts.len()]))
                .with_column("ts", Column::I64(ts)),
        };
        let parts = [part(1, 5_000, vec![10, 20]), part(2, 3_000, vec![]), part(3, 9_000, vec![30])];
        let bytes: Vec<Vec<u8>> = parts.iter().map(CachedResult::encode).collect();
        assert_eq!(CachedResult::header(&bytes[1]).unwrap().computed_at.timestamp_millis(), 3_000);
        let group = CachedResult::decode(&CachedResult::encode_group(&bytes)).unwrap();
        assert_eq!(group.frame.i64("repo_id").unwrap(), &[1, 1, 3]);
        assert_eq!(group.frame.i64("ts").unwrap(), &[10, 20, 30]);
        assert_eq!(group.computed_at.timestamp_millis(), 3_000);
        assert_eq!(group.query_version, 7);
    }

    #[test]
    fn parts_with_other_columns_do_not_make_a_group() {
        let other = CachedResult { frame: Frame::new().with_column("x", Column::Str(vec!["a".into()])), ..sample() };
        let group = CachedResult::encode_group(&[sample().encode(), other.encode()]);
        assert_eq!(CachedResult::decode(&group), Err(CodecError::Corrupt));
        assert_eq!(CachedResult::decode(&CachedResult::encode_group::<Vec<u8>>(&[])), Err(CodecError::Corrupt));
    }

    #[test]
    fn sorted_timestamps_compress_to_a_few_bytes_each() {
        let ts: Vec<i64> = (0..10_000).map(|i| 1_600_000_000 + i * 3_517).collect();
        let entry = CachedResult { frame: Frame::new().with_column("ts", Column::I64(ts)), ..sample() };
        let size = entry.encode().len();
        assert!(size < 10_000 * 3, "{size} bytes for 10,000 timestamps");
    }
}
