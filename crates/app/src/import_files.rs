//! Reading an import's file: CSV (UTF-8 or Windows-1252), XLSX (streamed cell by cell,
//! with limits on columns, rows and the unpacked size) and vCards, into one table of
//! text cells without control characters.

use crate::error::{AppError, AppResult};
use tandem_domain::Invalid;

pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_ROWS: usize = 200_000;
pub const MAX_COLUMNS: usize = 100;
pub const MAX_CELL_CHARS: usize = 10_000;

/// A spreadsheet's header row and data rows (empty rows left out).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn invalid(code: &'static str) -> AppError {
    Invalid::one("file", code).into()
}

/// [`read_table`] on a blocking thread: parsing a large workbook must not hold up the
/// async workers that serve every other request.
pub async fn parse_table(bytes: Vec<u8>) -> AppResult<Table> {
    tokio::task::spawn_blocking(move || read_table(&bytes))
        .await
        .map_err(|e| AppError::Internal(format!("reading the file: {e}")))?
}

/// Reads CSV (UTF-8 with or without BOM, or Windows-1252; `;`, `,` or tab) or XLSX
/// (the first sheet). Anything else is refused by `file`.
pub fn read_table(bytes: &[u8]) -> AppResult<Table> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::TooLarge);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid("empty_file"));
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if tandem_domain::vcard::is_vcard(&String::from_utf8_lossy(
        &bytes[..bytes.len().min(64)],
    )) {
        let cards = tandem_domain::vcard::parse(&String::from_utf8_lossy(bytes));
        let (headers, rows) = tandem_domain::vcard::table(&cards);
        Table { headers, rows }
    } else {
        read_csv(bytes)?
    };
    if table.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(invalid("no_header"));
    }
    if table.headers.len() > MAX_COLUMNS {
        return Err(invalid("too_many_columns"));
    }
    if table.rows.is_empty() {
        return Err(invalid("no_rows"));
    }
    if table.rows.len() > MAX_ROWS {
        return Err(invalid("too_many_rows"));
    }
    Ok(without_control_chars(table))
}

/// Spreadsheet cells may carry control characters (XLSX escapes them as `_x0000_`; a
/// CSV past its first 64 KB is not checked for binary): they are dropped, so that no
/// NUL reaches the database.
fn without_control_chars(mut table: Table) -> Table {
    let clean = |cell: &mut String| {
        if let std::borrow::Cow::Owned(c) = tandem_domain::text::without_control_chars(cell) {
            *cell = c;
        }
    };
    table.headers.iter_mut().for_each(clean);
    table.rows.iter_mut().flatten().for_each(clean);
    table
}

fn read_csv(bytes: &[u8]) -> AppResult<Table> {
    // Text files have no NUL bytes and few control characters; anything else is a
    // binary that is not a spreadsheet we read.
    let controls = bytes
        .iter()
        .take(64 * 1024)
        .filter(|b| **b == 0 || (**b < 0x20 && !matches!(**b, b'\n' | b'\r' | b'\t')))
        .count();
    if controls > 0 {
        return Err(invalid("not_a_table"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
        _ => return Err(invalid("not_a_table")),
    };
    let mut out = vec![];
    for r in records {
        let r = r.map_err(|_| invalid("not_a_table"))?;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() > MAX_ROWS {
            return Err(invalid("too_many_rows"));
        }
        out.push(
            r.iter()
                .map(|c| c.chars().take(MAX_CELL_CHARS + 1).collect())
                .collect(),
        );
    }
    Ok(Table { headers, rows: out })
}

/// Everything a workbook may unpack to (all its parts together): a 20 MB upload of
/// real data unpacks to well under this; a zip bomb does not.
const MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;

/// Reads the first sheet cell by cell. The sheet's declared dimensions are never used
/// to allocate: a sheet with cells only at `A1` and `XFD1048576` would otherwise make a
/// dense range of 17 billion cells. Rows and columns past the limits are refused as soon
/// as a cell there appears.
fn read_xlsx(bytes: &[u8]) -> AppResult<Table> {
    use calamine::{DataRef, Reader, Xlsx};
    check_unzipped_size(bytes)?;
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| invalid("not_a_table"))?;
    let Some(sheet) = book.sheet_names().into_iter().next() else {
        return Err(invalid("not_a_table"));
    };
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|_| invalid("not_a_table"))?;
    let text = |d: &DataRef<'_>| -> String {
        match d {
            DataRef::Empty | DataRef::Error(_) => String::new(),
            DataRef::String(s) => s.chars().take(MAX_CELL_CHARS + 1).collect(),
            DataRef::SharedString(s) => s.chars().take(MAX_CELL_CHARS + 1).collect(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                format!("{}", *f as i64)
            }
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => if *b { "ja" } else { "nein" }.to_string(),
            // Excel counts days from 1899-12-30.
            DataRef::DateTime(dt) => jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(dt.as_f64().floor() as i64))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().take(10).collect(),
        }
    };
    // Rows by their number in the sheet; cells arrive row by row, but need not.
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = cells.next_cell().map_err(|_| invalid("not_a_table"))? {
        let (row, col) = cell.get_position();
        let value = text(cell.get_value());
        if value.trim().is_empty() {
            continue;
        }
        if col as usize >= MAX_COLUMNS {
            return Err(invalid("too_many_columns"));
        }
        if rows.len() > MAX_ROWS + 1 && !rows.contains_key(&row) {
            return Err(invalid("too_many_rows"));
        }
        let cells = rows.entry(row).or_default();
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, String::new());
        }
        cells[col as usize] = value;
    }
    let mut it = rows.into_values();
    let Some(headers) = it.next() else {
        return Err(invalid("no_header"));
    };
    let headers: Vec<String> = headers.into_iter().map(|h| h.trim().to_string()).collect();
    let width = headers.len();
    let rows = it
        .map(|mut r| {
            if r.len() < width {
                r.resize(width, String::new());
            }
            r
        })
        .collect();
    Ok(Table { headers, rows })
}

/// Refuses a workbook whose parts unpack to more than [`MAX_UNZIPPED_BYTES`], before
/// anything is unpacked. The sizes are the ones the archive declares; the zip reader
/// stops at the declared size, so a part cannot unpack to more.
fn check_unzipped_size(bytes: &[u8]) -> AppResult<()> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| invalid("not_a_table"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| invalid("not_a_table"))?;
        total = total.saturating_add(part.size());
        if total > MAX_UNZIPPED_BYTES {
            return Err(AppError::TooLarge);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A one-part workbook whose central directory claims `claimed` unpacked bytes.
    fn zip_claiming(claimed: u32) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("xl/sharedStrings.xml", stored)
            .expect("part");
        zip.write_all(b"<sst/>").expect("write");
        let mut bytes = zip.finish().expect("zip").into_inner();
        // The central directory entry (PK\x01\x02) holds the unpacked size at offset 24.
        let central = bytes
            .windows(4)
            .position(|w| w == b"PK\x01\x02")
            .expect("central directory");
        bytes[central + 24..central + 28].copy_from_slice(&claimed.to_le_bytes());
        bytes
    }

    #[test]
    fn a_workbook_that_unpacks_too_large_is_refused_before_unpacking() {
        assert!(check_unzipped_size(&zip_claiming(6)).is_ok());
        assert!(matches!(
            check_unzipped_size(&zip_claiming(300 * 1024 * 1024)),
            Err(AppError::TooLarge)
        ));
        assert!(matches!(
            read_table(&zip_claiming(300 * 1024 * 1024)),
            Err(AppError::TooLarge)
        ));
    }

    #[test]
    fn control_characters_are_dropped_from_cells() {
        let t = read_table(b"Name;Ort\nNull\x00 GmbH;K\x07iel\n").unwrap_err();
        // A NUL in the first 64 KB marks a binary file…
        assert!(matches!(t, AppError::Invalid(_)));
        // …further on, or as an escape in a workbook, it is dropped from the cell.
        let table = without_control_chars(Table {
            headers: vec!["Name\u{0}".into()],
            rows: vec![vec!["Null\u{0} GmbH".into()], vec!["Ta\tb".into()]],
        });
        assert_eq!(table.headers, ["Name"]);
        assert_eq!(
            table.rows,
            [vec!["Null GmbH".to_string()], vec!["Ta\tb".to_string()]]
        );
    }
}
