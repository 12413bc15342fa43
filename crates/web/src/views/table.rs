//! The tools every record list shares: the columns a user chooses (`?cols=`), the
//! table those columns render, the CSV export of exactly that, and saved views.

use super::Options;
use crate::{AppState, auth::Auth, error::AppResult, i18n::Tr};
use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use tandem_app::saved_views as views;

/// A column a list can show.
pub struct ColumnDef {
    pub key: &'static str,
    /// The Fluent key of its heading.
    pub label: &'static str,
    pub numeric: bool,
    /// Shown when the user has not chosen columns.
    pub default: bool,
}

impl ColumnDef {
    pub const fn new(key: &'static str, label: &'static str, numeric: bool, default: bool) -> Self {
        ColumnDef {
            key,
            label,
            numeric,
            default,
        }
    }
}

/// Rows a CSV export writes at most.
pub const EXPORT_LIMIT: usize = 100_000;

/// Every record of a list for an export: `fetch` reads one page after a cursor; pages
/// are read until the list ends or `EXPORT_LIMIT` records are there.
pub async fn all_pages<T, Fut>(
    mut fetch: impl FnMut(Option<String>) -> Fut,
) -> crate::error::AppResult<Vec<T>>
where
    Fut: std::future::Future<Output = tandem_app::AppResult<tandem_store::Page<T>>>,
{
    let mut items = vec![];
    let mut cursor = None;
    loop {
        let page = fetch(cursor).await?;
        items.extend(page.items);
        match page.next {
            Some(next) if items.len() < EXPORT_LIMIT => cursor = Some(next.encode()),
            _ => break,
        }
    }
    items.truncate(EXPORT_LIMIT);
    Ok(items)
}

/// One cell: a text, optionally linked, with an optional second line; `csv` is the
/// plain value the export writes.
#[derive(Default)]
pub struct Cell {
    pub text: String,
    pub href: String,
    pub sub: String,
    pub sub_href: String,
    /// A CSS class for the cell (`overdue`, a badge's class, …).
    pub class: String,
    /// Show `text` as a badge.
    pub badge: bool,
    pub csv: String,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        Cell {
            csv: text.clone(),
            text,
            ..Default::default()
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            href: href.into(),
            ..Cell::text(text)
        }
    }

    pub fn with_sub(mut self, sub: impl Into<String>, href: impl Into<String>) -> Cell {
        self.sub = sub.into();
        self.sub_href = href.into();
        self
    }

    pub fn with_class(mut self, class: impl Into<String>) -> Cell {
        self.class = class.into();
        self
    }

    pub fn with_csv(mut self, csv: impl Into<String>) -> Cell {
        self.csv = csv.into();
        self
    }

    pub fn badge(text: impl Into<String>, class: impl Into<String>) -> Cell {
        Cell {
            badge: true,
            class: class.into(),
            ..Cell::text(text)
        }
    }
}

pub struct Column {
    pub key: &'static str,
    pub label: String,
    pub numeric: bool,
}

pub struct TableRow {
    pub id: String,
    pub cells: Vec<Cell>,
}

/// A list's table: the chosen columns and the rows' cells in that order.
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<TableRow>,
    /// Every column as `(key, label, shown)`, for the column chooser.
    pub choices: Options,
    /// Whether rows have checkboxes for bulk actions.
    pub selectable: bool,
    /// The `data-live` topic of the table.
    pub live: &'static str,
}

/// The columns named by `cols=` in the raw query (in the list's order), or the
/// defaults when none is named.
pub fn chosen<'a>(defs: &'a [ColumnDef], raw: Option<&str>) -> Vec<&'a ColumnDef> {
    let named: Vec<String> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "cols")
        .flat_map(|(_, v)| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let picked: Vec<&ColumnDef> = defs
        .iter()
        .filter(|d| named.iter().any(|n| n == d.key))
        .collect();
    if picked.is_empty() {
        defs.iter().filter(|d| d.default).collect()
    } else {
        picked
    }
}

/// `cols=a,b` for links that keep the user's columns (empty for the defaults).
pub fn cols_value(defs: &[ColumnDef], chosen: &[&ColumnDef]) -> String {
    let defaults: Vec<&str> = defs.iter().filter(|d| d.default).map(|d| d.key).collect();
    let keys: Vec<&str> = chosen.iter().map(|d| d.key).collect();
    if keys == defaults {
        String::new()
    } else {
        keys.join(",")
    }
}

/// A CSV writer the way spreadsheet programs of `locale` open the file: UTF-8 with a
/// byte-order mark; `;` between fields in German, `,` in English.
pub fn csv_writer(locale: tandem_domain::Locale) -> csv::Writer<Vec<u8>> {
    let delimiter = match locale {
        tandem_domain::Locale::De => b';',
        tandem_domain::Locale::En => b',',
    };
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(vec![0xEF, 0xBB, 0xBF])
}

impl Table {
    /// Builds the table from every column's cells of each row (`cells(row, key)`).
    pub fn new<R>(
        tr: Tr,
        defs: &[ColumnDef],
        chosen: &[&ColumnDef],
        rows: &[R],
        id: impl Fn(&R) -> String,
        cells: impl Fn(&R, &str) -> Cell,
    ) -> Table {
        Table {
            columns: chosen
                .iter()
                .map(|d| Column {
                    key: d.key,
                    label: tr.t(d.label),
                    numeric: d.numeric,
                })
                .collect(),
            rows: rows
                .iter()
                .map(|r| TableRow {
                    id: id(r),
                    cells: chosen.iter().map(|d| cells(r, d.key)).collect(),
                })
                .collect(),
            choices: defs
                .iter()
                .map(|d| {
                    (
                        d.key.to_string(),
                        tr.t(d.label),
                        chosen.iter().any(|c| c.key == d.key),
                    )
                })
                .collect(),
            selectable: false,
            live: "",
        }
    }

    /// The table as CSV the way spreadsheet programs of the user's language open it:
    /// UTF-8 with a byte-order mark; `;` between fields in German, `,` in English.
    pub fn csv(&self, tr: Tr, filename: &str) -> AppResult<Response> {
        let mut out = csv_writer(tr.locale);
        let internal = |e: csv::Error| crate::error::AppError::Internal(format!("csv: {e}"));
        out.write_record(
            self.columns
                .iter()
                .map(|c| neutralised(&c.label).into_owned()),
        )
        .map_err(internal)?;
        for row in &self.rows {
            out.write_record(row.cells.iter().map(|c| neutralised(&c.csv).into_owned()))
                .map_err(internal)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| crate::error::AppError::Internal(format!("csv: {e}")))?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
            ],
            bytes,
        )
            .into_response())
    }
}

impl Table {
    /// The table as an Excel workbook: every cell is written as text (never as a
    /// formula), headings bold, columns wide enough to read.
    pub fn xlsx(&self, filename: &str) -> AppResult<Response> {
        use rust_xlsxwriter::{Format, Workbook};
        let internal =
            |e: rust_xlsxwriter::XlsxError| crate::error::AppError::Internal(format!("xlsx: {e}"));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let bold = Format::new().set_bold();
        for (c, col) in self.columns.iter().enumerate() {
            let c = c as u16;
            sheet
                .write_string_with_format(0, c, &col.label, &bold)
                .map_err(internal)?;
            let widest = self
                .rows
                .iter()
                .map(|r| r.cells.get(c as usize).map_or(0, |x| x.csv.chars().count()))
                .chain([col.label.chars().count()])
                .max()
                .unwrap_or(10);
            sheet
                .set_column_width(c, (widest.clamp(8, 60) + 2) as f64)
                .map_err(internal)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                if !cell.csv.is_empty() {
                    sheet
                        .write_string((r + 1) as u32, c as u16, &cell.csv)
                        .map_err(internal)?;
                }
            }
        }
        let bytes = book.save_to_buffer().map_err(internal)?;
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
            ],
            bytes,
        )
            .into_response())
    }

    /// The export the path asks for: `….xlsx` an Excel workbook, else CSV.
    pub fn download(&self, tr: Tr, name: &str, uri: &axum::http::Uri) -> AppResult<Response> {
        if uri.path().ends_with(".xlsx") {
            self.xlsx(&format!("{name}.xlsx"))
        } else {
            self.csv(tr, &format!("{name}.csv"))
        }
    }
}

pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    tandem_domain::import::neutralised(cell)
}

/// The links of a list page: its pager, its CSV export, and the filters the column
/// chooser keeps (`keep`, without the columns themselves).
pub struct ListLinks {
    pub keep: Vec<(String, String)>,
    pub first: String,
    pub next: String,
    pub export: String,
}

/// `base` is the list's path (`/deals` or `/deals/trash`), `export` its CSV path,
/// `filters` the query pairs in use, `cols` the chosen columns (see [`cols_value`]).
pub fn list_links(
    base: &str,
    export: &str,
    filters: &[(&str, &str)],
    cols: &str,
    next: Option<&tandem_domain::cursor::Cursor>,
    trash: bool,
) -> ListLinks {
    let keep = filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut pairs = filters.to_vec();
    pairs.push(("cols", cols));
    let (first, next) = super::pager_urls(base, &pairs, next);
    if trash {
        pairs.push(("trash", "1"));
    }
    ListLinks {
        keep,
        first,
        next,
        export: format!("{export}{}", super::query_string(&pairs)),
    }
}

/// The saved views of a list, and what the save form needs.
pub struct SavedViews {
    pub list: &'static str,
    /// `(id, name, url)`.
    pub views: Vec<(String, String, String)>,
    /// The current query string (filters, sort, columns) the save form stores.
    pub query: String,
}

pub async fn saved_views(
    state: &AppState,
    auth: &Auth,
    list: &'static str,
    base: &str,
    raw: Option<&str>,
) -> AppResult<SavedViews> {
    let query = views::clean_query(raw.unwrap_or(""));
    Ok(SavedViews {
        list,
        views: views::list(&state.store, auth, list)
            .await?
            .into_iter()
            .map(|v| {
                let url = if v.query.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", v.query)
                };
                (v.id.to_string(), v.name, url)
            })
            .collect(),
        query,
    })
}

/// Everything a record list page shows besides its own filters: the table, the search
/// box, the sort, saved views, the column chooser, the export and the pager. The
/// templates reach it as `list` (see `list_tools.html`, `list_table.html`, `pager.html`).
pub struct RecordList {
    pub table: Table,
    pub views: SavedViews,
    pub q: String,
    pub sorts: Options,
    pub keep: Vec<(String, String)>,
    pub export_url: String,
    /// The first page with the filters in use: where a bulk change leads back to.
    pub back: String,
    pub first_url: String,
    pub next_url: String,
    pub paged: bool,
    pub can_write: bool,
    pub trash: bool,
    pub custom_filters: Vec<super::custom::FilterInput>,
}

/// The query of a list's export: the list's own parameters, and `trash` for the trash.
#[derive(serde::Deserialize, Default)]
pub struct ExportParams<L> {
    #[serde(flatten)]
    pub list: L,
    pub trash: Option<String>,
}

/// What a list page asks of [`record_list`].
pub struct ListSpec<'a> {
    /// The list's name: its path (`/accounts`), its export and its saved views.
    pub list: &'static str,
    pub columns: &'a [ColumnDef],
    /// The raw query string: the chosen columns and custom filters are read from it.
    pub raw: Option<&'a str>,
    pub q: Option<&'a str>,
    pub sort: tandem_store::Sort,
    /// The list's own filters as query pairs (empty values for filters not in use).
    pub filters: Vec<(&'static str, String)>,
    pub custom: &'a super::custom::ListFilters,
    pub cursor: Option<&'a str>,
    pub next: Option<&'a tandem_domain::cursor::Cursor>,
    pub trash: bool,
    /// Rows get checkboxes for the list's bulk form.
    pub bulk: bool,
}

/// The shared parts of a list page; `table` renders the page's rows in the columns chosen.
pub async fn record_list(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    spec: ListSpec<'_>,
    table: impl FnOnce(&[&ColumnDef]) -> Table,
) -> AppResult<RecordList> {
    let base = format!("/{}", spec.list);
    let path = if spec.trash {
        format!("{base}/trash")
    } else {
        base.clone()
    };
    let chosen = chosen(spec.columns, spec.raw);
    let cols = cols_value(spec.columns, &chosen);
    let q = spec.q.unwrap_or_default().to_string();
    let mut filters = vec![("q", q.as_str())];
    filters.extend(spec.filters.iter().map(|(k, v)| (*k, v.as_str())));
    filters.push(("sort", spec.sort.as_str()));
    filters.extend(
        spec.custom
            .pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let links = list_links(
        &path,
        &format!("{base}/export.csv"),
        &filters,
        &cols,
        spec.next,
        spec.trash,
    );
    let can_write = auth.user.role.can_write_records();
    let mut table = table(&chosen);
    table.selectable = spec.bulk && can_write && !spec.trash;
    table.live = spec.list;
    Ok(RecordList {
        table,
        views: saved_views(state, auth, spec.list, &base, spec.raw).await?,
        sorts: super::sort_options(tr, spec.sort),
        keep: links.keep,
        export_url: links.export,
        back: links.first.clone(),
        first_url: links.first,
        next_url: links.next,
        paged: spec.cursor.is_some_and(|c| !c.is_empty()),
        can_write,
        trash: spec.trash,
        custom_filters: super::custom::filter_inputs(&spec.custom.fields, &spec.custom.pairs, tr),
        q,
    })
}
