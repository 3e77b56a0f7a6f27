//! Ledger upload (台账) for members without IT systems: templates of SAMR's producer and
//! seller data lists to download as CSV or XLSX, and uploads of the filled sheets, read into
//! rows, mapped to EPCIS events by the core (`suyuan_core::epcis::ledger_sheet`), and captured
//! like any EPCIS document: atomic by default, every bad row reported with its row and column.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, XlsxError};
use suyuan_core::access::{Principal, ScopedAction};
use suyuan_core::audit::Origin;
use suyuan_core::clock;
use suyuan_core::epcis::Document;
use suyuan_core::epcis::ledger_sheet::{
    self, CellKind, LedgerOptions, LedgerTable, Row, RowError, SheetKind,
};
use suyuan_core::validation::Violations;
use suyuan_store::CaptureJob;

use crate::capture::{CAPTURE_EVENT_LIMIT, ErrorBehaviour, own_participant};
use crate::{ServiceError, ServiceResult, Services};

/// Most data rows one upload may hold: one event a row, as many as one capture.
pub const LEDGER_ROW_LIMIT: usize = CAPTURE_EVENT_LIMIT;
/// Most columns an uploaded XLSX sheet may use (the templates have a dozen).
pub const LEDGER_COLUMN_LIMIT: usize = 64;

/// The file formats of ledger sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Csv,
    Xlsx,
}

impl LedgerFormat {
    pub const ALL: [LedgerFormat; 2] = [LedgerFormat::Csv, LedgerFormat::Xlsx];

    /// The format's name in URLs, and its file extension.
    pub fn key(self) -> &'static str {
        match self {
            LedgerFormat::Csv => "csv",
            LedgerFormat::Xlsx => "xlsx",
        }
    }

    pub fn parse(text: &str) -> Option<LedgerFormat> {
        LedgerFormat::ALL
            .into_iter()
            .find(|format| format.key().eq_ignore_ascii_case(text.trim()))
    }

    /// The media type files of this format are sent with.
    pub fn media_type(self) -> &'static str {
        match self {
            LedgerFormat::Csv => "text/csv",
            LedgerFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// The format of a media type (without parameters), if it is one of ours.
    pub fn from_media_type(essence: &str) -> Option<LedgerFormat> {
        let essence = essence.trim().to_ascii_lowercase();
        match essence.as_str() {
            "text/csv" | "application/csv" => Some(LedgerFormat::Csv),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                Some(LedgerFormat::Xlsx)
            }
            _ => None,
        }
    }
}

/// A template file.
#[derive(Debug, Clone)]
pub struct Template {
    pub format: LedgerFormat,
    /// An ASCII file name: `suyuan-ledger-production.xlsx`.
    pub file_name: String,
    /// The file name in Chinese: `生产台账.xlsx`.
    pub file_name_zh: String,
    pub bytes: Vec<u8>,
}

/// The template of a sheet: its header row, and in XLSX a notes sheet explaining every column
/// with an example. The CSV is UTF-8 with a byte order mark, so Excel shows the Chinese.
pub fn template(sheet: SheetKind, format: LedgerFormat) -> ServiceResult<Template> {
    let bytes = match format {
        LedgerFormat::Csv => csv_template(sheet)?,
        LedgerFormat::Xlsx => xlsx_template(sheet)
            .map_err(|e| ServiceError::Internal(format!("writing the {sheet} template: {e}")))?,
    };
    Ok(Template {
        format,
        file_name: format!("suyuan-ledger-{}.{}", sheet.key(), format.key()),
        file_name_zh: format!("{}.{}", sheet.title(), format.key()),
        bytes,
    })
}

fn csv_template(sheet: SheetKind) -> ServiceResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer
        .write_record(sheet.columns().iter().map(|c| c.header()))
        .map_err(|e| ServiceError::Internal(format!("writing the {sheet} template: {e}")))?;
    writer
        .into_inner()
        .map_err(|e| ServiceError::Internal(format!("writing the {sheet} template: {e}")))
}

/// How wide a text shows, in Excel's character units (CJK characters count twice).
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// What a column's cells hold, in Chinese, for the notes sheet.
fn format_note(kind: CellKind) -> String {
    match kind {
        CellKind::TraceCode => "追溯码（EPC URN 或 GS1 数字链接）".into(),
        CellKind::Text(max) => format!("文本，不超过 {max} 字"),
        CellKind::Date => "日期 YYYY-MM-DD 或 YYYY/MM/DD".into(),
        CellKind::DateTime => "日期或日期时间 YYYY-MM-DD [HH:MM[:SS]]，北京时间".into(),
        CellKind::Quantity => "正整数".into(),
        CellKind::YesNo => "是 / 否，可不填".into(),
    }
}

fn xlsx_template(sheet: SheetKind) -> Result<Vec<u8>, XlsxError> {
    let columns = sheet.columns();
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let required = header.clone().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format("@");
    let last_row = u32::try_from(LEDGER_ROW_LIMIT).unwrap_or(u32::MAX);

    let ledger = workbook.add_worksheet();
    ledger.set_name(sheet.title())?;
    for (index, column) in columns.iter().enumerate() {
        let col = u16::try_from(index).unwrap_or(u16::MAX);
        let title = column.header();
        let width = display_width(&title).max(display_width(column.example)) + 2;
        ledger.set_column_width(col, width.clamp(12, 48) as f64)?;
        if matches!(column.kind, CellKind::TraceCode | CellKind::Text(_)) {
            // Text cells stay text: Excel must not turn codes or numbers into numbers.
            ledger.set_column_format(col, &text)?;
        }
        let format = if column.required { &required } else { &header };
        ledger.write_string_with_format(0, col, &title, format)?;
        if column.kind == CellKind::YesNo {
            let choice = DataValidation::new()
                .allow_list_strings(&["是", "否"])?
                .ignore_blank(true);
            ledger.add_data_validation(1, col, last_row, col, &choice)?;
        }
    }
    ledger.set_freeze_panes(1, 0)?;

    let notes = workbook.add_worksheet();
    notes.set_name("填写说明")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    notes.write_string_with_format(
        0,
        0,
        format!("{}（{}）", sheet.title(), sheet.title_en()),
        &bold,
    )?;
    notes.write_string(1, 0, sheet.description())?;
    notes.write_string(
        2,
        0,
        format!(
            "在“{}”工作表中填写：第 1 行为表头，请勿修改；从第 2 行起每行一条记录，带 * 的列必填。每次上传最多 {LEDGER_ROW_LIMIT} 行；有错误的行会连同行号、列名一并列出，默认整表不入库。",
            sheet.title()
        ),
    )?;
    let titles = ["列（表头）", "必填", "格式", "说明", "示例", "默认公开"];
    for (index, title) in titles.iter().enumerate() {
        let col = u16::try_from(index).unwrap_or(u16::MAX);
        notes.write_string_with_format(4, col, *title, &header)?;
    }
    for (index, column) in columns.iter().enumerate() {
        let row = u32::try_from(index + 5).unwrap_or(u32::MAX);
        let field = column.field();
        let publicity = match field {
            Some(f) if f.member_chooses && f.public_by_default => "公开（可按行选择不公开）",
            Some(f) if f.member_chooses => "不公开（可按行选择公开）",
            Some(f) if f.public_by_default => "公开",
            _ => "不公开",
        };
        notes.write_string(row, 0, column.header())?;
        notes.write_string(row, 1, if column.required { "是" } else { "否" })?;
        notes.write_string(row, 2, format_note(column.kind))?;
        notes.write_string_with_format(row, 3, column.note, &wrap)?;
        notes.write_string(row, 4, column.example)?;
        notes.write_string(row, 5, publicity)?;
    }
    for (col, width) in [
        (0u16, 36.0),
        (1, 6.0),
        (2, 30.0),
        (3, 60.0),
        (4, 40.0),
        (5, 26.0),
    ] {
        notes.set_column_width(col, width)?;
    }
    workbook.save_to_buffer()
}

/// Reads a sheet from a file: every row, numbered as the spreadsheet shows it. More than
/// [`LEDGER_ROW_LIMIT`] data rows is refused before they are all read.
pub fn read_table(
    sheet: SheetKind,
    format: LedgerFormat,
    bytes: &[u8],
) -> ServiceResult<LedgerTable> {
    match format {
        LedgerFormat::Csv => read_csv(bytes),
        LedgerFormat::Xlsx => read_xlsx(sheet, bytes),
    }
}

fn too_many_rows() -> ServiceError {
    ServiceError::TooLarge(format!(
        "the sheet holds more than {LEDGER_ROW_LIMIT} rows; one upload may hold at most {LEDGER_ROW_LIMIT}: split it"
    ))
}

/// Counts non-blank rows and fails past the limit (the header and the data rows).
struct RowCounter(usize);

impl RowCounter {
    fn count(&mut self, cells: &[String]) -> ServiceResult<()> {
        if cells.iter().any(|cell| !cell.trim().is_empty()) {
            self.0 += 1;
            if self.0 > LEDGER_ROW_LIMIT + 1 {
                return Err(too_many_rows());
            }
        }
        Ok(())
    }
}

/// CSV in UTF-8 (with or without a byte order mark) or in GB18030, the encoding Excel uses on
/// Chinese Windows for "CSV (逗号分隔)".
fn read_csv(bytes: &[u8]) -> ServiceResult<LedgerTable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| {
                ServiceError::Unreadable(
                    "the CSV is neither UTF-8 nor GB18030 text; save it from Excel as \"CSV UTF-8\"".into(),
                )
            })?,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut counter = RowCounter(0);
    // A spreadsheet row is a CSV record, blank lines included (the reader skips them), and a
    // quoted line break stays in its cell: the row is the record's line less the line breaks
    // inside the cells before it.
    let mut breaks_in_cells = 0;
    for record in reader.records() {
        let record = record
            .map_err(|e| ServiceError::Unreadable(format!("the CSV could not be read: {e}")))?;
        // The reader's position is where it began: before the line breaks it skipped.
        let from = record.position().map_or(0, |p| p.byte() as usize);
        let rest = text.get(from..).unwrap_or("");
        let start = from + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        let line = text.get(..start).unwrap_or("").matches('\n').count() + 1;
        let number = line.saturating_sub(breaks_in_cells).max(1);
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        breaks_in_cells += cells
            .iter()
            .map(|cell| cell.matches('\n').count())
            .sum::<usize>();
        counter.count(&cells)?;
        rows.push(Row {
            number: u32::try_from(number).unwrap_or(u32::MAX),
            cells,
        });
    }
    Ok(LedgerTable { rows })
}

/// The worksheet named like the sheet's template, else the first one, read cell by cell: a
/// workbook with a value far out (say in XFD1048576) costs no more than its cells.
fn read_xlsx(sheet: SheetKind, bytes: &[u8]) -> ServiceResult<LedgerTable> {
    let unreadable = |e: calamine::XlsxError| {
        ServiceError::Unreadable(format!("the worksheet could not be read: {e}"))
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ServiceError::Unreadable(format!("the body is not an XLSX workbook: {e}")))?;
    let names = workbook.sheet_names();
    let name = names
        .iter()
        .find(|name| *name == sheet.title())
        .or_else(|| names.first())
        .ok_or_else(|| ServiceError::Unreadable("the workbook has no worksheet".into()))?;
    let mut reader = workbook.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.trim().is_empty() {
            continue;
        }
        let col = col as usize;
        if col >= LEDGER_COLUMN_LIMIT {
            return Err(ServiceError::Unreadable(format!(
                "the worksheet has a value in column {} of row {}; a ledger sheet has at most {LEDGER_COLUMN_LIMIT} columns",
                ledger_sheet::column_letter(col),
                u64::from(row) + 1
            )));
        }
        let number = row.saturating_add(1);
        if !rows.contains_key(&number) && rows.len() > LEDGER_ROW_LIMIT {
            return Err(too_many_rows());
        }
        let cells = rows.entry(number).or_default();
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }
    Ok(LedgerTable {
        rows: rows
            .into_iter()
            .map(|(number, cells)| Row { number, cells })
            .collect(),
    })
}

/// A cell as the text a person sees: whole numbers without a fraction, dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Data::Float(n) => n.to_string(),
        Data::Bool(flag) => flag.to_string(),
        Data::DateTime(value) => match value.as_datetime() {
            Some(at) if value.is_datetime() && at.time() == chrono::NaiveTime::MIN => {
                at.format("%Y-%m-%d").to_string()
            }
            Some(at) if value.is_datetime() => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            _ => value.as_f64().to_string(),
        },
        Data::Error(error) => error.to_string(),
    }
}

/// An uploaded sheet: what was read, the capture job of its events, and every row problem.
#[derive(Debug, Clone)]
pub struct LedgerUpload {
    pub sheet: SheetKind,
    /// Data rows read.
    pub rows: usize,
    pub job: CaptureJob,
    pub errors: Vec<RowError>,
    pub behaviour: ErrorBehaviour,
}

impl LedgerUpload {
    /// Whether the upload was refused as a whole: a bad row under the atomic default.
    pub fn rejected(&self) -> bool {
        !self.errors.is_empty() && self.behaviour == ErrorBehaviour::Rollback
    }
}

impl Services {
    /// Uploads a filled ledger sheet: reads it, maps every row to its EPCIS event, and
    /// captures them as the principal's participant. With `Rollback` (the default) one bad
    /// row stores nothing; with `Proceed` the good rows are stored. Either way the capture job
    /// is recorded and every bad row reported.
    pub async fn upload_ledger(
        &self,
        principal: &Principal,
        origin: &Origin,
        sheet: SheetKind,
        format: LedgerFormat,
        bytes: &[u8],
        behaviour: ErrorBehaviour,
    ) -> ServiceResult<LedgerUpload> {
        let owner = own_participant(principal)?;
        principal.require_on(ScopedAction::EventCapture, &owner)?;
        let table = read_table(sheet, format, bytes)?;
        let mapping = ledger_sheet::map_sheet(sheet, &table, &LedgerOptions::default());
        let mut violations = Violations::new();
        for error in &mapping.errors {
            violations.add(error.pointer(), error.to_string());
        }
        let document = Document {
            schema_version: "2.0".into(),
            creation_date: clock::now().fixed_offset(),
            namespaces: ledger_sheet::namespaces(),
            events: mapping.events.into_iter().map(|e| e.event).collect(),
        };
        let job = self
            .capture_document(principal, origin, Ok((document, violations)), behaviour)
            .await?;
        Ok(LedgerUpload {
            sheet,
            rows: mapping.rows,
            job,
            errors: mapping.errors,
            behaviour,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_templates_carry_a_bom_and_the_headers() {
        let template = template(SheetKind::Shipping, LedgerFormat::Csv).unwrap();
        assert!(template.bytes.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(template.file_name, "suyuan-ledger-shipping.csv");
        let text = String::from_utf8(template.bytes).unwrap();
        assert!(
            text.starts_with("\u{feff}*追溯码 (traceCode),*销售时间 (saleTime),"),
            "{text}"
        );
        let table = read_table(SheetKind::Shipping, LedgerFormat::Csv, text.as_bytes()).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(
            table.rows[0].cells.len(),
            SheetKind::Shipping.columns().len()
        );
    }

    #[test]
    fn xlsx_templates_read_back_with_their_headers_and_notes() {
        for sheet in SheetKind::ALL {
            let template = template(sheet, LedgerFormat::Xlsx).unwrap();
            let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(&template.bytes)).unwrap();
            assert_eq!(workbook.sheet_names(), [sheet.title(), "填写说明"]);
            let table = read_table(sheet, LedgerFormat::Xlsx, &template.bytes).unwrap();
            let headers: Vec<String> = sheet.columns().iter().map(|c| c.header()).collect();
            assert_eq!(table.rows[0].cells, headers);
            let notes = workbook.worksheet_range("填写说明").unwrap();
            assert!(notes.rows().count() >= 5 + sheet.columns().len());
        }
    }

    #[test]
    fn gb18030_csv_is_read_and_rows_keep_their_numbers() {
        let text = "追溯码,客户名称,售出时间\r\n\r\n\"urn:epc:id:sgtin:6901234.067890.A1\",\"王\n先生\",2026-11-25\r\nx,y,z\r\n";
        let (encoded, _, _) = encoding_rs::GB18030.encode(text);
        let table = read_table(SheetKind::Sales, LedgerFormat::Csv, &encoded).unwrap();
        let numbers: Vec<u32> = table.rows.iter().map(|r| r.number).collect();
        // A blank line is a row; a quoted line break stays in its cell.
        assert_eq!(numbers, [1, 3, 4]);
        assert_eq!(table.rows[0].cells[1], "客户名称");
        assert_eq!(table.rows[1].cells[1], "王\n先生");
    }

    #[test]
    fn unreadable_files_are_refused_with_a_reason() {
        let error = read_table(SheetKind::Sales, LedgerFormat::Xlsx, b"not a zip").unwrap_err();
        assert!(
            matches!(error, ServiceError::Unreadable(ref m) if m.contains("XLSX")),
            "{error}"
        );
        let error = read_table(
            SheetKind::Sales,
            LedgerFormat::Csv,
            &[0xff, 0xfe, 0xff, 0x00],
        )
        .unwrap_err();
        assert!(matches!(error, ServiceError::Unreadable(_)), "{error}");
    }

    #[test]
    fn xlsx_cells_keep_their_rows_and_columns_and_far_values_are_refused() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(2, 1, "追溯码").unwrap();
        sheet.write_string(4, 3, "x").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let table = read_table(SheetKind::Sales, LedgerFormat::Xlsx, &bytes).unwrap();
        assert_eq!(
            table.rows,
            [
                Row {
                    number: 3,
                    cells: vec![String::new(), "追溯码".into()],
                },
                Row {
                    number: 5,
                    cells: vec![String::new(), String::new(), String::new(), "x".into()],
                },
            ]
        );

        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "追溯码").unwrap();
        sheet.write_string(1_048_575, 16_383, "far").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let error = read_table(SheetKind::Sales, LedgerFormat::Xlsx, &bytes).unwrap_err();
        assert!(
            matches!(error, ServiceError::Unreadable(ref m) if m.contains("column XFD of row 1048576")),
            "{error}"
        );
    }

    #[test]
    fn more_rows_than_one_capture_holds_are_refused() {
        let mut text = String::from("追溯码,客户名称,售出时间\n");
        for n in 0..=LEDGER_ROW_LIMIT {
            text.push_str(&format!(
                "urn:epc:id:sgtin:6901234.067890.{n},王先生,2026-11-25\n"
            ));
        }
        let error = read_table(SheetKind::Sales, LedgerFormat::Csv, text.as_bytes()).unwrap_err();
        assert!(matches!(error, ServiceError::TooLarge(_)), "{error}");
    }
}
