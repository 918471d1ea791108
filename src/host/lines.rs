//! One bounded line reader for every line-oriented host parser (vector
//! text files, vocabularies, evaluation sets, loss logs), so an endless
//! line costs at most its limit in memory instead of exhausting it.
#![forbid(unsafe_code)]

use crate::host::HostError;
use std::io::{BufRead, Read};
use std::path::Path;
use std::prelude::rust_2024::*;

/// Reads the lines of `reader` one at a time, each into a caller buffer and
/// at most a given number of bytes long, counting them for error messages.
pub(crate) struct BoundedLines<'p, R> {
    reader: R,
    /// Names the input in errors.
    path: &'p Path,
    /// 1-based number of the line last read (0 before the first).
    line: u64,
}

impl<'p, R: BufRead> BoundedLines<'p, R> {
    /// Lines of `reader`; `path` only names the input in errors.
    pub(crate) fn new(reader: R, path: &'p Path) -> Self {
        Self {
            reader,
            path,
            line: 0,
        }
    }

    /// A [`HostError::Format`] naming the line last read.
    pub(crate) fn error(&self, msg: impl Into<String>) -> HostError {
        HostError::Format {
            path: self.path.into(),
            line: self.line,
            msg: msg.into(),
        }
    }

    /// Reads the next line into `buf` (cleared first), without its `\n`; the
    /// last line needs no `\n`. Returns false at the end of the input.
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::Format`] naming the line, with the
    /// message `too_long()`, when the line has more than `limit` bytes (at
    /// most `limit + 1` of them are read).
    pub(crate) fn read_into(
        &mut self,
        buf: &mut Vec<u8>,
        limit: u64,
        too_long: impl FnOnce() -> String,
    ) -> Result<bool, HostError> {
        buf.clear();
        (&mut self.reader)
            .take(limit.saturating_add(1))
            .read_until(b'\n', buf)
            .map_err(|e| HostError::io(self.path, e))?;
        if buf.is_empty() {
            return Ok(false);
        }
        self.line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        } else if buf.len() as u64 > limit {
            return Err(self.error(too_long()));
        }
        Ok(true)
    }

    /// As [`BoundedLines::read_into`], then checks that the line is UTF-8;
    /// `None` at the end of the input. A longer line is the error
    /// `line longer than {limit} bytes{hint}`.
    ///
    /// # Errors
    /// As [`BoundedLines::read_into`]; [`HostError::Format`] `not valid
    /// UTF-8` naming the line.
    pub(crate) fn next_str<'b>(
        &mut self,
        buf: &'b mut Vec<u8>,
        limit: u64,
        hint: &str,
    ) -> Result<Option<&'b str>, HostError> {
        if !self.read_into(buf, limit, || {
            std::format!("line longer than {limit} bytes{hint}")
        })? {
            return Ok(None);
        }
        match std::str::from_utf8(buf) {
            Ok(s) => Ok(Some(s)),
            Err(e) => Err(self.error(std::format!(
                "not valid UTF-8 (bad byte at column {}); is this a text file?",
                e.valid_up_to() + 1
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_counted_and_checked() {
        let input: &[u8] = b"ab\n\ncdef\r\nlast";
        let mut lines = BoundedLines::new(input, Path::new("in"));
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(s) = lines.next_str(&mut buf, 6, "").unwrap() {
            got.push(s.to_owned());
        }
        assert_eq!(got, ["ab", "", "cdef\r", "last"]);
        assert_eq!(lines.error("x").to_string(), "in:4: x");
        // A line of exactly the limit is fine; one more byte is not, and
        // an endless line stops at limit + 1 bytes.
        let mut lines = BoundedLines::new(&b"abc\nabcd\n"[..], Path::new("in"));
        assert_eq!(lines.next_str(&mut buf, 3, "").unwrap(), Some("abc"));
        let e = lines.next_str(&mut buf, 3, "; hint").unwrap_err();
        assert_eq!(e.to_string(), "in:2: line longer than 3 bytes; hint");
        let endless = std::io::BufReader::new(std::io::repeat(b'x'));
        let mut lines = BoundedLines::new(endless, Path::new("in"));
        assert!(lines.next_str(&mut buf, 1000, "").is_err());
        assert_eq!(buf.len(), 1001);
        let mut lines = BoundedLines::new(&b"ok\n\xff\xfe\n"[..], Path::new("in"));
        lines.next_str(&mut buf, 10, "").unwrap();
        let e = lines.next_str(&mut buf, 10, "").unwrap_err().to_string();
        assert!(e.starts_with("in:2: not valid UTF-8"), "{e}");
    }
}
