//! Typed query rows: encoded into a cached part straight from PostgreSQL's rows as they
//! stream in, cached as one column per field, and read back from the cache as the same
//! structs by the transforms, so a renamed field is a compile error rather than a missing
//! column at run time.

use sqlx::{postgres::PgRow, Row as _};

use crate::store::{
    codec::{Column, Frame},
    encoder::{ColumnKind, PartEncoder},
};

/// The row of an [`AugurQuery`](super::AugurQuery); implemented by [`query_row!`].
pub trait QueryRow: Send + Sized + 'static {
    /// The cached columns, one per field, named after it; `repo_id` first.
    fn columns() -> Vec<(&'static str, ColumnKind)>;
    /// Encodes a database row's fields into `part`, read by position in the order of the
    /// fields, without building the struct. Column types are the same on every row of a
    /// result, so only the first (`checked`) needs its types compared with the fields'.
    /// `repo_id` is the row's first column, already read.
    fn encode_row(row: &PgRow, repo_id: i64, part: &mut PartEncoder, checked: bool) -> Result<(), sqlx::Error>;
    fn from_frame(frame: Frame) -> Result<Vec<Self>, MissingColumn>;
}

/// A cached frame that lacks a column a row needs (or holds it with another kind of value).
#[derive(Debug, thiserror::Error)]
#[error("a cached {row} has no readable {column} column")]
pub struct MissingColumn {
    pub row: &'static str,
    pub column: &'static str,
}

/// A field type and the frame column it is cached as.
pub trait ColumnValue: Sized {
    const KIND: ColumnKind;
    fn push(self, column: usize, part: &mut PartEncoder);
    fn from_column(column: Column) -> Option<Vec<Self>>;
}

/// A field type read from the database as itself (a field without `as Wire`).
pub trait WireValue: ColumnValue {
    fn push_from_row(row: &PgRow, column: usize, part: &mut PartEncoder, checked: bool) -> Result<(), sqlx::Error>;
}

/// A row's value at `column`, its type compared with `T`'s when `checked`. Skipping the
/// comparison is safe once a result's first row passed it, since every row of a result has
/// the same column types; a NULL is still an error.
pub fn value_at<'r, T>(row: &'r PgRow, column: usize, checked: bool) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    if checked {
        row.try_get(column)
    } else {
        row.try_get_unchecked(column)
    }
}

impl ColumnValue for i64 {
    const KIND: ColumnKind = ColumnKind::I64;

    fn push(self, column: usize, part: &mut PartEncoder) {
        part.push_i64(column, self);
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        match column {
            Column::I64(values) => Some(values),
            Column::Str(_) => None,
        }
    }
}

impl ColumnValue for i32 {
    const KIND: ColumnKind = ColumnKind::I64;

    fn push(self, column: usize, part: &mut PartEncoder) {
        part.push_i64(column, i64::from(self));
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        i64::from_column(column)?.into_iter().map(|v| i32::try_from(v).ok()).collect()
    }
}

/// Flags are cached as 0 and 1.
impl ColumnValue for bool {
    const KIND: ColumnKind = ColumnKind::I64;

    fn push(self, column: usize, part: &mut PartEncoder) {
        part.push_i64(column, i64::from(self));
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        Some(i64::from_column(column)?.into_iter().map(|v| v != 0).collect())
    }
}

impl ColumnValue for String {
    const KIND: ColumnKind = ColumnKind::Str;

    fn push(self, column: usize, part: &mut PartEncoder) {
        part.push_str(column, &self);
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        match column {
            Column::Str(values) => Some(values),
            Column::I64(_) => None,
        }
    }
}

macro_rules! wire_value {
    ($($ty:ty),*) => {$(
        impl WireValue for $ty {
            fn push_from_row(row: &PgRow, column: usize, part: &mut PartEncoder, checked: bool) -> Result<(), sqlx::Error> {
                value_at::<$ty>(row, column, checked)?.push(column, part);
                Ok(())
            }
        }
    )*};
}

wire_value!(i64, i32, bool);

/// Text is read borrowed from the row: a word the part has seen costs no allocation,
/// which is most of them (logins repeat over a contributor's actions).
impl WireValue for String {
    fn push_from_row(row: &PgRow, column: usize, part: &mut PartEncoder, checked: bool) -> Result<(), sqlx::Error> {
        part.push_str(column, value_at::<&str>(row, column, checked)?);
        Ok(())
    }
}

/// A stable 64-bit id of a text key such as a commit hash or a contributor's uuid, so that
/// the cache holds an integer instead of the text; 0 for an empty key (an unresolved
/// contributor). FNV-1a is the same on every machine and build, unlike std's hasher, since
/// ids cached by different workers are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextId(pub i64);

impl TextId {
    pub const NONE: TextId = TextId(0);
}

impl From<String> for TextId {
    fn from(text: String) -> Self {
        match fnv1a(text.as_bytes()) as i64 {
            _ if text.is_empty() => TextId::NONE,
            // A real key never takes 0, which stands for none.
            0 => TextId(1),
            id => TextId(id),
        }
    }
}

/// An id the database computed: 0 stays none.
impl From<i64> for TextId {
    fn from(id: i64) -> Self {
        TextId(id)
    }
}

impl ColumnValue for TextId {
    const KIND: ColumnKind = ColumnKind::Id;

    fn push(self, column: usize, part: &mut PartEncoder) {
        part.push_i64(column, self.0);
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        Some(i64::from_column(column)?.into_iter().map(TextId).collect())
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Declares a query's row struct (its first field `repo_id: i64`) and its cached form. A
/// field written `name: Type as Wire` is read from the database as `Wire` and converted with
/// `From`. Rows are read by column position, in the order of the fields, which is the order
/// of the query's SELECT list: by-name lookups cost a hash per field per row, a large share
/// of a million-row query's time beyond its SQL.
macro_rules! query_row {
    (@push $row:ident, $column:ident, $part:ident, $checked:ident, $ty:ty) => {
        <$ty as $crate::augur::queries::WireValue>::push_from_row($row, $column, $part, $checked)?
    };
    (@push $row:ident, $column:ident, $part:ident, $checked:ident, $ty:ty, $wire:ty) => {
        <$ty as $crate::augur::queries::ColumnValue>::push(
            <$ty>::from($crate::augur::queries::value_at::<$wire>($row, $column, $checked)?),
            $column,
            $part,
        )
    };
    ($(#[$meta:meta])* pub struct $name:ident {
        $(#[$repo_meta:meta])* pub repo_id: i64,
        $($(#[$field_meta:meta])* pub $field:ident: $ty:ty $(as $wire:ty)?,)+
    }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $(#[$repo_meta])* pub repo_id: i64,
            $($(#[$field_meta])* pub $field: $ty,)+
        }

        impl $crate::augur::queries::QueryRow for $name {
            fn columns() -> Vec<(&'static str, $crate::store::encoder::ColumnKind)> {
                vec![
                    ("repo_id", $crate::store::encoder::ColumnKind::I64),
                    $((stringify!($field), <$ty as $crate::augur::queries::ColumnValue>::KIND),)+
                ]
            }

            fn encode_row(
                row: &sqlx::postgres::PgRow,
                repo_id: i64,
                part: &mut $crate::store::encoder::PartEncoder,
                checked: bool,
            ) -> Result<(), sqlx::Error> {
                let mut column = 0usize;
                if checked {
                    $crate::augur::queries::value_at::<i64>(row, column, true)?;
                }
                part.push_i64(column, repo_id);
                $(
                    column += 1;
                    $crate::augur::queries::query_row!(@push row, column, part, checked, $ty $(, $wire)?);
                )+
                if checked && column + 1 != sqlx::Row::len(row) {
                    return Err(sqlx::Error::ColumnIndexOutOfBounds { index: column + 1, len: sqlx::Row::len(row) });
                }
                part.end_row();
                Ok(())
            }

            fn from_frame(
                mut frame: $crate::store::codec::Frame,
            ) -> Result<Vec<Self>, $crate::augur::queries::MissingColumn> {
                let len = frame.len();
                let mut repo_id = frame
                    .take_column("repo_id")
                    .and_then(<i64 as $crate::augur::queries::ColumnValue>::from_column)
                    .filter(|values| values.len() == len)
                    .ok_or($crate::augur::queries::MissingColumn { row: stringify!($name), column: "repo_id" })?
                    .into_iter();
                $(
                    let mut $field = frame
                        .take_column(stringify!($field))
                        .and_then(<$ty as $crate::augur::queries::ColumnValue>::from_column)
                        .filter(|values| values.len() == len)
                        .ok_or($crate::augur::queries::MissingColumn {
                            row: stringify!($name),
                            column: stringify!($field),
                        })?
                        .into_iter();
                )+
                // Every column holds `len` values, so no `next` below comes up empty.
                Ok((0..len).filter_map(|_| Some(Self { repo_id: repo_id.next()?, $($field: $field.next()?,)+ })).collect())
            }
        }
    };
}

pub(crate) use query_row;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn an_empty_key_is_none_and_others_are_their_hash() {
        assert_eq!(TextId::from(String::new()), TextId::NONE);
        assert_eq!(TextId::from("foobar".to_owned()), TextId(0x85944171f73967e8u64 as i64));
    }
}
