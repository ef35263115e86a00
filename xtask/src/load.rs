use std::fmt::Write;

use sqlx::PgConnection;

/// Rows sent per COPY chunk: large enough to keep the server busy, small enough to stream.
const CHUNK_BYTES: usize = 4 << 20;

/// Streams rows into a table with COPY, in PostgreSQL's text format.
pub struct CopyWriter<'c> {
    copy: sqlx::postgres::PgCopyIn<&'c mut PgConnection>,
    buffer: String,
    rows: u64,
}

/// A value of one COPY row.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

impl<'c> CopyWriter<'c> {
    pub async fn start(conn: &'c mut PgConnection, table: &str, columns: &[&str]) -> sqlx::Result<Self> {
        let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let copy = conn.copy_in_raw(&statement).await?;
        Ok(CopyWriter { copy, buffer: String::with_capacity(CHUNK_BYTES + 4096), rows: 0 })
    }

    pub async fn row(&mut self, values: &[Value<'_>]) -> sqlx::Result<()> {
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.buffer.push('\t');
            }
            match value {
                Value::Text(text) => escape_into(&mut self.buffer, text),
                Value::Int(n) => write!(self.buffer, "{n}").expect("writing to a String cannot fail"),
                Value::Null => self.buffer.push_str("\\N"),
            }
        }
        self.buffer.push('\n');
        self.rows += 1;
        if self.buffer.len() >= CHUNK_BYTES {
            self.copy.send(self.buffer.as_bytes()).await?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Sends what is left and returns the number of rows loaded.
    pub async fn finish(mut self) -> sqlx::Result<u64> {
        if !self.buffer.is_empty() {
            self.copy.send(self.buffer.as_bytes()).await?;
        }
        self.copy.finish().await?;
        Ok(self.rows)
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}
