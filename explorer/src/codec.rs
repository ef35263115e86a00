//! The compact form of a cached query result: a versioned header, then columns
//! (integers delta- and zigzag-varint-encoded, strings dictionary-encoded) compressed
//! with zstd.

use chrono::{DateTime, Utc};

/// First bytes of every cached entry; the last one is the format version.
const MAGIC: &[u8; 4] = b"AXR\x01";
const ZSTD_LEVEL: i32 = 3;

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

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows of each value of an integer column (a repo id, say), in frames of the
    /// same columns. `keys` with no rows get an empty frame.
    pub fn split_by(&self, column: &str, keys: &[i64]) -> Option<Vec<(i64, Frame)>> {
        let values = self.i64(column)?;
        let mut parts: Vec<(i64, Vec<usize>)> = keys.iter().map(|k| (*k, Vec::new())).collect();
        let index: std::collections::HashMap<i64, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        for (row, value) in values.iter().enumerate() {
            if let Some(&part) = index.get(value) {
                parts[part].1.push(row);
            }
        }
        Some(parts.into_iter().map(|(key, rows)| (key, self.take_rows(&rows))).collect())
    }

    fn take_rows(&self, rows: &[usize]) -> Frame {
        let columns = self
            .columns
            .iter()
            .map(|(name, column)| {
                let taken = match column {
                    Column::I64(values) => Column::I64(rows.iter().map(|r| values[*r]).collect()),
                    Column::Str(values) => Column::Str(rows.iter().map(|r| values[*r].clone()).collect()),
                };
                (name.clone(), taken)
            })
            .collect();
        Frame { columns }
    }

    /// The rows of all `frames` in one frame; they must have the same columns in the same order.
    pub fn concat(frames: &[Frame]) -> Option<Frame> {
        let (first, rest) = frames.split_first()?;
        let mut out = first.clone();
        for frame in rest {
            if frame.columns.len() != out.columns.len() {
                return None;
            }
            for ((name, into), (other_name, from)) in out.columns.iter_mut().zip(&frame.columns) {
                if name != other_name {
                    return None;
                }
                match (into, from) {
                    (Column::I64(into), Column::I64(from)) => into.extend_from_slice(from),
                    (Column::Str(into), Column::Str(from)) => into.extend_from_slice(from),
                    _ => return None,
                }
            }
        }
        Some(out)
    }
}

/// A result as stored in the cache, with what the UI shows about it.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedResult {
    pub query_version: u32,
    pub computed_at: DateTime<Utc>,
    pub frame: Frame,
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
    /// One result from per-repo parts: their rows together, as of the oldest part.
    /// `None` without parts or when their columns differ.
    pub fn assemble(parts: &[CachedResult]) -> Option<CachedResult> {
        let frames: Vec<Frame> = parts.iter().map(|p| p.frame.clone()).collect();
        Some(CachedResult {
            query_version: parts.first()?.query_version,
            computed_at: parts.iter().map(|p| p.computed_at).min()?,
            frame: Frame::concat(&frames)?,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::new();
        put_uvarint(&mut body, u64::from(self.query_version));
        put_uvarint(&mut body, zigzag(self.computed_at.timestamp_millis()));
        put_uvarint(&mut body, self.frame.columns.len() as u64);
        for (name, column) in &self.frame.columns {
            put_uvarint(&mut body, name.len() as u64);
            body.extend_from_slice(name.as_bytes());
            match column {
                Column::I64(values) => {
                    body.push(0);
                    put_uvarint(&mut body, values.len() as u64);
                    let mut previous = 0i64;
                    for &v in values {
                        put_uvarint(&mut body, zigzag(v.wrapping_sub(previous)));
                        previous = v;
                    }
                }
                Column::Str(values) => {
                    body.push(1);
                    let mut dictionary: Vec<&str> = Vec::new();
                    let mut index: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
                    let codes: Vec<u64> = values
                        .iter()
                        .map(|v| {
                            *index.entry(v.as_str()).or_insert_with(|| {
                                dictionary.push(v);
                                dictionary.len() as u64 - 1
                            })
                        })
                        .collect();
                    put_uvarint(&mut body, dictionary.len() as u64);
                    for word in dictionary {
                        put_uvarint(&mut body, word.len() as u64);
                        body.extend_from_slice(word.as_bytes());
                    }
                    put_uvarint(&mut body, codes.len() as u64);
                    for code in codes {
                        put_uvarint(&mut body, code);
                    }
                }
            }
        }
        let mut out = MAGIC.to_vec();
        out.extend(zstd::bulk::compress(&body, ZSTD_LEVEL).expect("zstd compresses any input held in memory"));
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, CodecError> {
        let payload = bytes.strip_prefix(MAGIC.as_slice()).ok_or(CodecError::UnknownFormat)?;
        let body = zstd::stream::decode_all(payload).map_err(|e| CodecError::Decompress(e.to_string()))?;
        let mut r = Reader { bytes: &body };
        let query_version = u32::try_from(r.uvarint()?).map_err(|_| CodecError::Corrupt)?;
        let computed_at = DateTime::from_timestamp_millis(unzigzag(r.uvarint()?)).ok_or(CodecError::Corrupt)?;
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

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
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
    fn split_and_concat_give_back_the_rows() {
        let frame = Frame::new()
            .with_column("repo_id", Column::I64(vec![2, 1, 2, 1]))
            .with_column("ts", Column::I64(vec![10, 20, 30, 40]));
        let parts = frame.split_by("repo_id", &[1, 2, 3]).unwrap();
        assert_eq!(parts.iter().map(|(k, f)| (*k, f.len())).collect::<Vec<_>>(), vec![(1, 2), (2, 2), (3, 0)]);
        assert_eq!(parts[0].1.i64("ts").unwrap(), &[20, 40]);
        let frames: Vec<Frame> = parts.into_iter().map(|(_, f)| f).collect();
        let joined = Frame::concat(&frames).unwrap();
        assert_eq!(joined.i64("ts").unwrap(), &[20, 40, 10, 30]);
        assert!(frame.split_by("missing", &[1]).is_none());
    }

    #[test]
    fn sorted_timestamps_compress_to_a_few_bytes_each() {
        let ts: Vec<i64> = (0..10_000).map(|i| 1_600_000_000 + i * 3_517).collect();
        let entry = CachedResult { frame: Frame::new().with_column("ts", Column::I64(ts)), ..sample() };
        let size = entry.encode().len();
        assert!(size < 10_000 * 3, "{size} bytes for 10,000 timestamps");
    }
}
