//! Typesetting a sheet with embedded typst: one fixed template (`sheet.typ`), its data as
//! `/data.json`, the charts as SVG files, and aimak's own embedded fonts. Nothing is read
//! from the machine (no system fonts, no packages), so a sheet looks the same everywhere,
//! and the PDF's dates come from the run, so the same run folder gives the same bytes.

use std::collections::HashMap;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const TEMPLATE: &str = include_str!("sheet.typ");

/// The template, its files and the fonts: everything a sheet is made of.
struct Sheet {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    date: (i32, u8, u8),
}

impl World for Sheet {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().as_rootless_path().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        let (y, m, d) = self.date;
        Datetime::from_ymd(y, m, d)
    }
}

fn file_id(path: &str) -> FileId {
    FileId::new(None, VirtualPath::new(path))
}

/// The run's date ("2026-12-04") as (year, month, day); 1970-01-01 if unreadable.
pub fn parse_date(date: &str) -> (i32, u8, u8) {
    let mut it = date.split('-').map(|p| p.parse::<i64>().ok());
    match (
        it.next().flatten(),
        it.next().flatten(),
        it.next().flatten(),
    ) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            (y as i32, m as u8, d as u8)
        }
        _ => (1970, 1, 1),
    }
}

/// Typesets one sheet into PDF bytes. `data` is the JSON the template reads; `files` are the
/// charts it names (path, SVG text); `ident` names the document stably (run and place).
pub fn pdf(
    data: &str,
    files: Vec<(String, String)>,
    date: (i32, u8, u8),
    ident: &str,
) -> Result<Vec<u8>, String> {
    let fonts: Vec<Font> = [
        crate::report::charts::DEJAVU_SANS,
        crate::report::charts::DEJAVU_SANS_BOLD,
    ]
    .into_iter()
    .flat_map(|b| Font::iter(Bytes::new(b)))
    .collect();
    let mut map: HashMap<FileId, Bytes> = files
        .into_iter()
        .map(|(p, svg)| (file_id(&p), Bytes::new(svg.into_bytes())))
        .collect();
    map.insert(file_id("/data.json"), Bytes::new(data.as_bytes().to_vec()));
    let sheet = Sheet {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(file_id("/sheet.typ"), TEMPLATE.to_string()),
        files: map,
        date,
    };
    let doc: PagedDocument = typst::compile(&sheet)
        .output
        .map_err(|errors| describe(&errors))?;
    let (y, m, d) = date;
    let timestamp = Datetime::from_ymd(y, m, d).map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        timestamp,
        ..Default::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|errors| describe(&errors))
}

fn describe(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_date_becomes_the_documents_date() {
        assert_eq!(parse_date("2026-12-04"), (2026, 12, 4));
        assert_eq!(parse_date("2026-13-04"), (1970, 1, 1));
        assert_eq!(parse_date("yesterday"), (1970, 1, 1));
    }

    #[test]
    fn a_sheet_typesets_twice_to_the_same_bytes() {
        let data = r#"{"lang":"ky","date":[2026,12,4],"title":"Көк-Серек","subtitle":"","headline":[["ү ө ң",true]],"scale":[],"table":{"head":["a","b","c","d"],"unit":"","rows":[["2026","1","2","3"]]},"charts":{"fan":null,"budget":null,"composition":null,"versus":[],"drivers":null,"projects":[],"rules":null,"reserves":[],"laws":null},"risk_title":"","projects_title":"","shortfall":[],"reason":[],"drivers_title":"","rules_title":"","rules_text":"","laws_title":"","laws":[],"npv":[],"variants_title":"","gains":[],"sources_title":"","nominal":"","about":"","sources":[],"scenario_about":[],"judgements_title":"","judgements":[],"leaves_out_title":"","leaves_out":"","provenance":[["aimak","0"]],"footer":"f"}"#;
        let a = pdf(data, vec![], (2026, 12, 4), "x").unwrap();
        let b = pdf(data, vec![], (2026, 12, 4), "x").unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
    }
}
