//! Quote and order documents, typeset with typst.
//!
//! One function per document: [`quote`] and [`order_confirmation`]. The caller hands over
//! everything already formatted for the document's language (amounts, dates, quantities,
//! and the fixed labels); this crate owns the layout.
//! The data reaches the typst template as a JSON file of a virtual file system, so no
//! customer text is ever spliced into typst markup.

use std::sync::LazyLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("document.typ");

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the document could not be typeset: {0}")]
    Typeset(String),
}

/// The sender: what the workspace's letterhead settings say.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Letterhead {
    pub company: String,
    /// Street, postcode and town, one line each.
    pub address: Vec<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// e.g. "Amtsgericht Münster HRB 12345"
    pub register: String,
    pub managing_directors: String,
    pub vat_id: String,
    pub bank_name: String,
    pub iban: String,
    pub bic: String,
    /// A PNG, JPEG or SVG image, already checked with [`check_logo`].
    #[serde(skip)]
    pub logo: Option<Vec<u8>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Quote,
    OrderConfirmation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Language {
    #[serde(rename = "de")]
    German,
    #[serde(rename = "en")]
    English,
}

/// One row of the line table; every value already formatted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Line {
    pub position: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    /// Empty when the line has no discount.
    pub discount: String,
    pub total: String,
}

/// A line of the totals block: label and formatted amount.
#[derive(Clone, Debug, Serialize)]
pub struct Amount {
    pub label: String,
    pub amount: String,
}

/// The document's fixed words, in its language (the caller takes them from its
/// translations, so that this crate holds no language of its own).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Labels {
    pub quote: String,
    pub order_confirmation: String,
    pub number: String,
    pub date: String,
    pub until_quote: String,
    pub until_order: String,
    pub reference: String,
    pub customer: String,
    pub contact: String,
    pub pos: String,
    pub item: String,
    pub qty: String,
    pub unit_price: String,
    pub discount: String,
    pub total: String,
    pub payment: String,
    pub delivery: String,
    pub page: String,
    pub of: String,
    pub phone: String,
    pub vat_id: String,
    pub bank: String,
    pub directors: String,
}

/// Everything one quote or order confirmation shows.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub kind: Kind,
    pub language: Language,
    /// "AN-2026-0001", with the revision where there is more than one ("AN-2026-0001-2").
    pub number: String,
    pub date: String,
    /// Quotes: valid until. Order confirmations: the delivery date.
    pub until: String,
    /// The order confirmation's reference to the accepted quote, empty for quotes.
    pub reference: String,
    pub customer_number: String,
    /// The recipient's address block, line by line (company, contact, street, town, country).
    pub recipient: Vec<String>,
    /// Our contact person: name, phone, email.
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub salutation: String,
    pub intro: String,
    pub lines: Vec<Line>,
    /// Net before the overall discount, the overall discount (if any), net.
    pub subtotals: Vec<Amount>,
    /// One line per tax rate.
    pub taxes: Vec<Amount>,
    pub gross: Amount,
    pub payment_terms: String,
    pub delivery_terms: String,
    pub closing: String,
    pub letterhead: Letterhead,
    pub labels: Labels,
}

/// Typesets a quote.
pub fn quote(doc: &Document) -> Result<Vec<u8>, PdfError> {
    render(doc)
}

/// Typesets an order confirmation.
pub fn order_confirmation(doc: &Document) -> Result<Vec<u8>, PdfError> {
    render(doc)
}

/// Whether typst can place these bytes as an image (PNG, JPEG, GIF, WebP or SVG).
pub fn check_logo(bytes: &[u8]) -> bool {
    let source = "#image(\"/logo\", width: 2cm)".to_string();
    let world = DocWorld::new(source, Vec::new(), Some(bytes.to_vec()));
    typst::compile::<PagedDocument>(&world).output.is_ok()
}

fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let mut value = serde_json::to_value(doc).map_err(|e| PdfError::Typeset(e.to_string()))?;
    value["has_logo"] = doc.letterhead.logo.is_some().into();
    let data = serde_json::to_vec(&value).map_err(|e| PdfError::Typeset(e.to_string()))?;
    let world = DocWorld::new(TEMPLATE.to_string(), data, doc.letterhead.logo.clone());
    let compiled = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| PdfError::Typeset(messages(&errors)))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(doc.number.clone()),
        ..Default::default()
    };
    let pdf =
        typst_pdf::pdf(&compiled, &options).map_err(|errors| PdfError::Typeset(messages(&errors)));
    // typst memoizes layout across compilations; drop what the last renders no longer
    // use, so a long-running server does not keep every document it ever typeset.
    typst::comemo::evict(10);
    pdf
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The bundled fonts, parsed once per process.
static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// A world of three files: the template, the data and the logo.
struct DocWorld {
    main: Source,
    data: Bytes,
    logo: Option<Bytes>,
}

impl DocWorld {
    fn new(template: String, data: Vec<u8>, logo: Option<Vec<u8>>) -> Self {
        DocWorld {
            main: Source::new(file_id("/main.typ"), template),
            data: Bytes::new(data),
            logo: logo.map(Bytes::new),
        }
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.get().vpath().get_with_slash();
        match path {
            "/data.json" => Ok(self.data.clone()),
            "/logo" => self.logo.clone().ok_or(FileError::AccessDenied),
            "/main.typ" => Ok(Bytes::from_string(self.main.clone())),
            _ => Err(FileError::AccessDenied),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents carry their own date; the template never asks for today's.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample(lines: usize) -> Document {
        Document {
            kind: Kind::Quote,
            language: Language::German,
            number: "AN-2026-0001".into(),
            date: "23.11.2026".into(),
            until: "23.12.2026".into(),
            reference: String::new(),
            customer_number: String::new(),
            recipient: vec![
                "Brunnenbau Köhler GmbH".into(),
                "Herrn Jens Köhler".into(),
                "Industriestraße 4".into(),
                "48155 Münster".into(),
            ],
            contact_name: "Klaus Becker".into(),
            contact_phone: "+49 251 1234-56".into(),
            contact_email: "klaus@example.com".into(),
            salutation: "Sehr geehrter Herr Köhler,".into(),
            intro: "vielen Dank für Ihre Anfrage.".into(),
            lines: (1..=lines)
                .map(|i| Line {
                    position: i.to_string(),
                    sku: format!("P-{i:03}"),
                    name: format!("Pumpe Typ {i}"),
                    description: "Edelstahl, 400 V".into(),
                    quantity: "2".into(),
                    unit: "Stück".into(),
                    unit_price: "1.250,00 €".into(),
                    discount: "5 %".into(),
                    total: "2.375,00 €".into(),
                })
                .collect(),
            subtotals: vec![Amount {
                label: "Summe netto".into(),
                amount: "2.375,00 €".into(),
            }],
            taxes: vec![Amount {
                label: "USt. 19 %".into(),
                amount: "451,25 €".into(),
            }],
            gross: Amount {
                label: "Gesamtbetrag".into(),
                amount: "2.826,25 €".into(),
            },
            payment_terms: "30 Tage netto".into(),
            delivery_terms: "frei Haus".into(),
            closing: "Mit freundlichen Grüßen".into(),
            letterhead: Letterhead {
                company: "Muster Pumpen GmbH".into(),
                address: vec!["Hafenweg 1".into(), "48155 Münster".into()],
                ..Default::default()
            },
            labels: Labels {
                quote: "Angebot".into(),
                order_confirmation: "Auftragsbestätigung".into(),
                number: "Nummer".into(),
                date: "Datum".into(),
                until_quote: "Gültig bis".into(),
                until_order: "Liefertermin".into(),
                reference: "Zu Angebot".into(),
                customer: "Kundennummer".into(),
                contact: "Ansprechpartner".into(),
                pos: "Pos.".into(),
                item: "Artikel".into(),
                qty: "Menge".into(),
                unit_price: "Einzelpreis".into(),
                discount: "Rabatt".into(),
                total: "Gesamt".into(),
                payment: "Zahlungsbedingungen".into(),
                delivery: "Lieferbedingungen".into(),
                page: "Seite".into(),
                of: "von".into(),
                phone: "Tel.".into(),
                vat_id: "USt-IdNr.".into(),
                bank: "Bank".into(),
                directors: "Geschäftsführung".into(),
            },
        }
    }

    #[test]
    fn a_quote_renders_to_a_pdf() {
        let bytes = quote(&sample(3)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        // To look at a long document: TANDEM_PDF_OUT=/tmp/q.pdf cargo test -p tandem-pdf
        if let Ok(path) = std::env::var("TANDEM_PDF_OUT") {
            std::fs::write(path, quote(&sample(40)).unwrap()).unwrap();
        }
    }

    #[test]
    fn only_images_are_logos() {
        assert!(!check_logo(b"not an image"));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;
        assert!(check_logo(svg));
    }
}
