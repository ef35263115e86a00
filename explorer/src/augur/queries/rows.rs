//! Typed query rows: read from PostgreSQL by sqlx, cached as one column per field, and read
//! back as the same structs by the transforms, so a renamed field is a compile error rather
//! than a missing column at run time.

use crate::store::codec::{Column, Frame};

/// The row of an [`AugurQuery`](super::AugurQuery); implemented by [`query_row!`].
pub trait QueryRow: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin + Sized + 'static {
    fn repo_id(&self) -> i64;
    /// The rows as cached: one column per field, named after it.
    fn to_frame(rows: Vec<Self>) -> Frame;
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
    fn into_column(values: Vec<Self>) -> Column;
    fn from_column(column: Column) -> Option<Vec<Self>>;
}

impl ColumnValue for i64 {
    fn into_column(values: Vec<Self>) -> Column {
        Column::I64(values)
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        match column {
            Column::I64(values) => Some(values),
            Column::Str(_) => None,
        }
    }
}

impl ColumnValue for i32 {
    fn into_column(values: Vec<Self>) -> Column {
        Column::I64(values.into_iter().map(i64::from).collect())
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        i64::from_column(column)?.into_iter().map(|v| i32::try_from(v).ok()).collect()
    }
}

/// Flags are cached as 0 and 1.
impl ColumnValue for bool {
    fn into_column(values: Vec<Self>) -> Column {
        Column::I64(values.into_iter().map(i64::from).collect())
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        Some(i64::from_column(column)?.into_iter().map(|v| v != 0).collect())
    }
}

impl ColumnValue for String {
    fn into_column(values: Vec<Self>) -> Column {
        Column::Str(values)
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        match column {
            Column::Str(values) => Some(values),
            Column::I64(_) => None,
        }
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
    fn into_column(values: Vec<Self>) -> Column {
        Column::I64(values.into_iter().map(|id| id.0).collect())
    }

    fn from_column(column: Column) -> Option<Vec<Self>> {
        Some(i64::from_column(column)?.into_iter().map(TextId).collect())
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Declares a query's row struct (with a `repo_id: i64` field) and its cached form. A field
/// written `name: Type as Wire` is read from the database as `Wire` and converted with
/// `From`. Rows are read by column position, in the order of the fields, which is the order of
/// the query's SELECT list: by-name lookups cost a hash per field per row, a large share of a
/// million-row query's time beyond its SQL.
macro_rules! query_row {
    (@wire $ty:ty) => { $ty };
    (@wire $ty:ty, $wire:ty) => { $wire };
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident: $ty:ty $(as $wire:ty)?,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)+
        }

        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                let mut column = 0usize;
                $(
                    let $field = <$ty>::from(row.try_get::<$crate::augur::queries::query_row!(@wire $ty $(, $wire)?), _>(column)?);
                    column += 1;
                )+
                debug_assert_eq!(column, row.len(), "the SELECT list has one column per field");
                Ok(Self { $($field,)+ })
            }
        }

        impl $crate::augur::queries::QueryRow for $name {
            fn repo_id(&self) -> i64 {
                self.repo_id
            }

            fn to_frame(rows: Vec<Self>) -> $crate::store::codec::Frame {
                $(let mut $field = Vec::with_capacity(rows.len());)+
                for row in rows {
                    $($field.push(row.$field);)+
                }
                $crate::store::codec::Frame::new()
                    $(.with_column(
                        stringify!($field),
                        <$ty as $crate::augur::queries::ColumnValue>::into_column($field),
                    ))+
            }

            fn from_frame(
                mut frame: $crate::store::codec::Frame,
            ) -> Result<Vec<Self>, $crate::augur::queries::MissingColumn> {
                let len = frame.len();
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
                Ok((0..len).filter_map(|_| Some(Self { $($field: $field.next()?,)+ })).collect())
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
