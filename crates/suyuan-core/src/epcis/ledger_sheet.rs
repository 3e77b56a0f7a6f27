//! Ledger sheets (台账): the spreadsheets in which members without IT systems keep SAMR's data
//! lists, and how their rows become EPCIS 2.0 events.
//!
//! Four sheets follow SAMR's general data requirements (附件2):
//!
//! | sheet | who keeps it | one row | event |
//! | --- | --- | --- | --- |
//! | `production` 生产台账 | producer | products made (产品信息) | ObjectEvent ADD, `commissioning`, `active`, product information in ILMD |
//! | `shipping` 销售流向台账 | producer | a sale to a buyer (流向信息) | ObjectEvent OBSERVE, `shipping`, `in_transit`, buyer fields |
//! | `purchase` 进货台账 | seller | goods bought in | ObjectEvent OBSERVE, `receiving`, `in_progress`, supplier |
//! | `sales` 销售台账 | seller | goods sold | ObjectEvent OBSERVE, `retail_selling`, `retail_sold`, customer |
//!
//! A sheet's first non-blank row is its header. Columns are headed in Chinese with their
//! English key, `*追溯码 (traceCode)`, a leading `*` marking the required ones; a header may also
//! be the Chinese label or the key alone, and the columns may come in any order. The flow
//! sheets have a column `是否公开 (flowPublic)`: 是/否 for the row's flow fields, empty for the
//! defaults of [`super::trace_fields`]; it becomes the event's `suyuan:flowPublic`.
//!
//! Every row is checked and every problem reported, each with the row number as the
//! spreadsheet shows it (the header is row 1 when it is the first row), the column, what was
//! expected and what was found. Times without an offset are in the center's time zone
//! (+08:00 unless the options say otherwise). This module knows nothing of file formats: the
//! caller reads the file into a [`LedgerTable`] of text cells.

use std::collections::HashMap;
use std::fmt;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};

use super::identifiers::{check_identifier, index_key};
use super::model::{Action, Event, EventType, Extension, ExtensionValue, QuantityElement};
use super::trace_fields::{self as tf, CBVMDA_PREFIX, Place, SUYUAN_NAMESPACE, SUYUAN_PREFIX};
use super::vocab::Vocabulary;

/// The ledger sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetKind {
    /// 生产台账: the producer's products made.
    Production,
    /// 销售流向台账: the producer's sales to buyers.
    Shipping,
    /// 进货台账: the seller's purchases.
    Purchase,
    /// 销售台账: the seller's sales.
    Sales,
}

/// Who keeps a sheet, in SAMR's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeper {
    /// 生产单位.
    Producer,
    /// 销售单位.
    Seller,
}

impl Keeper {
    pub fn as_str(self) -> &'static str {
        match self {
            Keeper::Producer => "producer",
            Keeper::Seller => "seller",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Keeper::Producer => "生产单位",
            Keeper::Seller => "销售单位",
        }
    }
}

impl SheetKind {
    pub const ALL: [SheetKind; 4] = [
        SheetKind::Production,
        SheetKind::Shipping,
        SheetKind::Purchase,
        SheetKind::Sales,
    ];

    /// The sheet's name in URLs and file names.
    pub fn key(self) -> &'static str {
        match self {
            SheetKind::Production => "production",
            SheetKind::Shipping => "shipping",
            SheetKind::Purchase => "purchase",
            SheetKind::Sales => "sales",
        }
    }

    pub fn parse(text: &str) -> Option<SheetKind> {
        SheetKind::ALL.into_iter().find(|kind| kind.key() == text)
    }

    /// The sheet's Chinese title.
    pub fn title(self) -> &'static str {
        match self {
            SheetKind::Production => "生产台账",
            SheetKind::Shipping => "销售流向台账",
            SheetKind::Purchase => "进货台账",
            SheetKind::Sales => "销售台账",
        }
    }

    /// The sheet's English title.
    pub fn title_en(self) -> &'static str {
        match self {
            SheetKind::Production => "Production ledger",
            SheetKind::Shipping => "Shipping (sales flow) ledger",
            SheetKind::Purchase => "Purchase ledger",
            SheetKind::Sales => "Sales ledger",
        }
    }

    pub fn keeper(self) -> Keeper {
        match self {
            SheetKind::Production | SheetKind::Shipping => Keeper::Producer,
            SheetKind::Purchase | SheetKind::Sales => Keeper::Seller,
        }
    }

    /// What one row records, in Chinese.
    pub fn description(self) -> &'static str {
        match self {
            SheetKind::Production => {
                "每行记录一个追溯码的产品信息（附件2 一(二) 产品信息），上传后成为 EPCIS 赋码事件（ObjectEvent ADD, commissioning）。"
            }
            SheetKind::Shipping => {
                "每行记录一次销售给购方（附件2 一(三) 流向信息），上传后成为 EPCIS 发货事件（ObjectEvent OBSERVE, shipping）。"
            }
            SheetKind::Purchase => {
                "每行记录一次进货（附件2 二(二) 流向信息：供应商、采购时间），上传后成为 EPCIS 收货事件（ObjectEvent OBSERVE, receiving）。"
            }
            SheetKind::Sales => {
                "每行记录一次售出（附件2 二(二) 流向信息：客户、售出时间），上传后成为 EPCIS 零售事件（ObjectEvent OBSERVE, retail_selling）。"
            }
        }
    }

    /// The columns of the sheet, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            SheetKind::Production => PRODUCTION_COLUMNS,
            SheetKind::Shipping => SHIPPING_COLUMNS,
            SheetKind::Purchase => PURCHASE_COLUMNS,
            SheetKind::Sales => SALES_COLUMNS,
        }
    }

    /// The event's action, business step and disposition (CBV terms).
    pub fn event_shape(self) -> (Action, &'static str, &'static str) {
        match self {
            SheetKind::Production => (Action::Add, "commissioning", "active"),
            SheetKind::Shipping => (Action::Observe, "shipping", "in_transit"),
            SheetKind::Purchase => (Action::Observe, "receiving", "in_progress"),
            SheetKind::Sales => (Action::Observe, "retail_selling", "retail_sold"),
        }
    }
}

impl fmt::Display for SheetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What a cell must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// An identifier [`check_identifier`] accepts: an EPC URN or a GS1 Digital Link URI.
    TraceCode,
    /// Text of at most this many characters.
    Text(usize),
    /// A calendar date.
    Date,
    /// A date, or a date and time.
    DateTime,
    /// A whole number of items, at least 1.
    Quantity,
    /// 是 or 否.
    YesNo,
}

impl CellKind {
    /// What a cell of this kind is expected to hold, for error messages.
    pub fn expected(self) -> String {
        match self {
            CellKind::TraceCode => {
                "a trace code: an EPC URN (urn:epc:id:sgtin:…, urn:epc:class:lgtin:…) or a GS1 Digital Link URI (https://…/01/…)".into()
            }
            CellKind::Text(max) => format!("text of at most {max} characters"),
            CellKind::Date => "a date as YYYY-MM-DD or YYYY/MM/DD".into(),
            CellKind::DateTime => {
                "a date or date and time as YYYY-MM-DD, YYYY/MM/DD or YYYY-MM-DD HH:MM[:SS]".into()
            }
            CellKind::Quantity => "a whole number of at least 1".into(),
            CellKind::YesNo => "是 or 否 (yes/no), or an empty cell for the default".into(),
        }
    }
}

/// A column of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The English key: the name of its [`tf::TraceField`].
    pub key: &'static str,
    /// The Chinese label.
    pub label: &'static str,
    pub required: bool,
    pub kind: CellKind,
    /// How to fill it, in Chinese.
    pub note: &'static str,
    pub example: &'static str,
}

impl Column {
    /// The header as the templates write it: `*追溯码 (traceCode)`.
    pub fn header(&self) -> String {
        format!(
            "{}{} ({})",
            if self.required { "*" } else { "" },
            self.label,
            self.key
        )
    }

    /// The SAMR field the column fills.
    pub fn field(&self) -> Option<&'static tf::TraceField> {
        tf::trace_field(self.key)
    }

    /// Whether a header cell names this column.
    fn matches(&self, normalized: &str) -> bool {
        let full = normalize_header(&format!("{} ({})", self.label, self.key));
        normalized.eq_ignore_ascii_case(&full)
            || normalized == normalize_header(self.label)
            || normalized.eq_ignore_ascii_case(self.key)
    }
}

const fn column(
    key: &'static str,
    label: &'static str,
    required: bool,
    kind: CellKind,
    note: &'static str,
    example: &'static str,
) -> Column {
    Column {
        key,
        label,
        required,
        kind,
        note,
        example,
    }
}

const REQUIRED: bool = true;
const OPTIONAL: bool = false;

const TRACE_CODE_NOTE: &str = "商品条码等追溯码，写作 EPC URN（如 urn:epc:id:sgtin:6901234.067890.A001）或 GS1 数字链接（如 https://id.gs1.org/01/06901234678901/21/A001）。带序列号为一物一码；只含商品条码或批号为一品一码/一批一码。";
const QUANTITY_NOTE: &str =
    "件数。一物一码的追溯码可不填（即 1）；一品一码/一批一码时填写本行件数。";
const FLOW_PUBLIC_NOTE: &str = "流向信息是否公开：填“是”则本行流向信息（时间、对方名称、地址、联系方式）公开；填“否”则不公开；不填时对方名称、地址、联系方式不公开，时间公开。";

/// The columns every sheet has: the code, how many, and (flow sheets) the publicity choice.
const TRACE_CODE_COLUMN: Column = column(
    tf::TRACE_CODE,
    "追溯码",
    REQUIRED,
    CellKind::TraceCode,
    TRACE_CODE_NOTE,
    "urn:epc:id:sgtin:6901234.067890.A0001",
);
const QUANTITY_COLUMN: Column = column(
    tf::QUANTITY,
    "数量",
    OPTIONAL,
    CellKind::Quantity,
    QUANTITY_NOTE,
    "",
);
const FLOW_PUBLIC_COLUMN: Column = column(
    tf::FLOW_PUBLIC,
    "是否公开",
    OPTIONAL,
    CellKind::YesNo,
    FLOW_PUBLIC_NOTE,
    "否",
);

const PRODUCTION_COLUMNS: &[Column] = &[
    TRACE_CODE_COLUMN,
    column(
        tf::PRODUCT_NAME,
        "产品名称",
        REQUIRED,
        CellKind::Text(200),
        "产品名称。",
        "挤包绝缘低压电力电缆",
    ),
    column(
        tf::PRODUCT_TYPE,
        "产品类型",
        REQUIRED,
        CellKind::Text(100),
        "产品类别或产品单元，如重点工业产品清单所列。",
        "电线电缆",
    ),
    column(
        tf::SPECIFICATION,
        "规格型号",
        REQUIRED,
        CellKind::Text(200),
        "规格型号。",
        "YJV 0.6/1kV 3×95",
    ),
    column(
        tf::PRODUCTION_DATE,
        "生产日期",
        REQUIRED,
        CellKind::DateTime,
        "生产日期，YYYY-MM-DD 或 YYYY/MM/DD，可带时间 HH:MM[:SS]（北京时间）。",
        "2026-11-20",
    ),
    column(
        tf::SHELF_LIFE,
        "质保期限",
        OPTIONAL,
        CellKind::Text(50),
        "质保期限（必要时必填），如“24个月”。",
        "24个月",
    ),
    column(
        tf::LOT_NUMBER,
        "出厂编号/批次号/序号",
        REQUIRED,
        CellKind::Text(100),
        "出厂编号、批次号或序号。",
        "B20261120-01",
    ),
    column(
        tf::EXECUTIVE_STANDARD,
        "执行标准",
        REQUIRED,
        CellKind::Text(200),
        "产品执行的标准编号。",
        "GB/T 12706.1-2020",
    ),
    column(
        tf::LICENCE_NUMBER,
        "生产许可证号/强制性认证证书编号",
        OPTIONAL,
        CellKind::Text(100),
        "生产许可证号或 CCC 证书编号（如涉及则必填）。",
        "XK06-001-00123",
    ),
    column(
        tf::INSPECTION_REPORT,
        "出厂检验报告/型式检验报告",
        REQUIRED,
        CellKind::Text(500),
        "出厂检验报告或型式检验报告的编号或网址。",
        "JY-2026-1120-01",
    ),
    column(
        tf::ITEM_EXPIRATION_DATE,
        "有效期至",
        OPTIONAL,
        CellKind::Date,
        "有效期截止日期（如有），YYYY-MM-DD，不得早于生产日期。",
        "",
    ),
    QUANTITY_COLUMN,
];

const SHIPPING_COLUMNS: &[Column] = &[
    TRACE_CODE_COLUMN,
    column(
        tf::SALE_TIME,
        "销售时间",
        REQUIRED,
        CellKind::DateTime,
        "销售时间，YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]（北京时间）。",
        "2026-11-21 10:30",
    ),
    column(
        tf::BUYER_NAME,
        "购方名称",
        REQUIRED,
        CellKind::Text(200),
        "购买单位名称。",
        "广东粤通商贸分销有限公司",
    ),
    column(
        tf::BUYER_ADDRESS,
        "购方地址",
        REQUIRED,
        CellKind::Text(300),
        "购买单位地址。",
        "广东省广州市白云区太和镇101号",
    ),
    column(
        tf::BUYER_CONTACT,
        "购方联系方式",
        REQUIRED,
        CellKind::Text(100),
        "购买单位联系人电话等。",
        "020-86000000",
    ),
    QUANTITY_COLUMN,
    FLOW_PUBLIC_COLUMN,
];

const PURCHASE_COLUMNS: &[Column] = &[
    TRACE_CODE_COLUMN,
    column(
        tf::SUPPLIER_NAME,
        "供应商名称",
        REQUIRED,
        CellKind::Text(200),
        "供货单位名称。",
        "江苏宜兴华东电缆股份有限公司",
    ),
    column(
        tf::PURCHASE_TIME,
        "采购时间",
        REQUIRED,
        CellKind::DateTime,
        "采购（到货）时间，YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]（北京时间）。",
        "2026-11-22",
    ),
    QUANTITY_COLUMN,
    FLOW_PUBLIC_COLUMN,
];

const SALES_COLUMNS: &[Column] = &[
    TRACE_CODE_COLUMN,
    column(
        tf::CUSTOMER_NAME,
        "客户名称",
        REQUIRED,
        CellKind::Text(200),
        "购买的单位或个人名称。",
        "广州某建筑工程有限公司",
    ),
    column(
        tf::SALE_TIME,
        "售出时间",
        REQUIRED,
        CellKind::DateTime,
        "售出时间，YYYY-MM-DD 或 YYYY-MM-DD HH:MM[:SS]（北京时间）。",
        "2026-11-25 15:00",
    ),
    QUANTITY_COLUMN,
    FLOW_PUBLIC_COLUMN,
];

/// One row of a sheet as the spreadsheet numbers it (from 1), with its cells as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<String>,
}

impl Row {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.trim().is_empty())
    }
}

/// A sheet read from a file: its rows in order, blank ones included or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerTable {
    pub rows: Vec<Row>,
}

impl LedgerTable {
    /// Rows numbered from 1 in the order given.
    pub fn from_rows(rows: Vec<Vec<String>>) -> LedgerTable {
        LedgerTable {
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(index, cells)| Row {
                    number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                    cells,
                })
                .collect(),
        }
    }

    /// How many data rows (non-blank rows after the header) the table holds.
    pub fn data_rows(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| !row.is_blank())
            .count()
            .saturating_sub(1)
    }
}

/// What to assume where a sheet does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerOptions {
    /// The time zone of times without an offset.
    pub offset: FixedOffset,
}

/// The center's time zone by default: China Standard Time, +08:00.
pub fn center_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Utc.fix())
}

impl Default for LedgerOptions {
    fn default() -> Self {
        LedgerOptions {
            offset: center_offset(),
        }
    }
}

/// One problem of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row as the spreadsheet shows it.
    pub row: u32,
    /// The column's header as the file has it, the template's header of a missing column, or
    /// its letter (`column L`) where it has no header.
    pub column: String,
    /// The column's English key, when the column is one of the template's.
    pub key: Option<&'static str>,
    pub expected: String,
    pub found: String,
}

impl RowError {
    /// A JSON pointer naming the cell: `/rows/{row}/{key}`, or `/rows/{row}` without a key.
    pub fn pointer(&self) -> String {
        match self.key {
            Some(key) => format!("/rows/{}/{key}", self.row),
            None => format!("/rows/{}", self.row),
        }
    }

    /// The problem in one sentence, without the row.
    pub fn message(&self) -> String {
        format!(
            "{}: expected {}, found {}",
            self.column, self.expected, self.found
        )
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, {}", self.row, self.message())
    }
}

/// The event of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowEvent {
    pub row: u32,
    pub event: Event,
}

/// A sheet mapped: the events of its good rows and the problems of the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedgerMapping {
    pub events: Vec<RowEvent>,
    pub errors: Vec<RowError>,
    /// Data rows read (non-blank rows after the header).
    pub rows: usize,
}

impl LedgerMapping {
    /// The rows with at least one problem, each once, in order.
    pub fn bad_rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.errors.iter().map(|e| e.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

/// The namespace prefixes of ledger events, for the document that carries them.
pub fn namespaces() -> Vec<(String, String)> {
    vec![(SUYUAN_PREFIX.to_owned(), SUYUAN_NAMESPACE.to_owned())]
}

/// Maps every row of a sheet to its event, collecting every problem.
pub fn map_sheet(kind: SheetKind, table: &LedgerTable, options: &LedgerOptions) -> LedgerMapping {
    let mut rows = table.rows.iter().filter(|row| !row.is_blank());
    let Some(header) = rows.next() else {
        return LedgerMapping {
            errors: vec![RowError {
                row: 1,
                column: "header".into(),
                key: None,
                expected: format!(
                    "the header row of the {} template ({})",
                    kind.key(),
                    headers(kind)
                ),
                found: "an empty sheet".into(),
            }],
            ..LedgerMapping::default()
        };
    };
    let data: Vec<&Row> = rows.collect();
    let layout = match read_header(kind, header) {
        Ok(layout) => layout,
        Err(errors) => {
            return LedgerMapping {
                errors,
                rows: data.len(),
                ..LedgerMapping::default()
            };
        }
    };
    let mut mapping = LedgerMapping {
        rows: data.len(),
        ..LedgerMapping::default()
    };
    if data.is_empty() {
        mapping.errors.push(RowError {
            row: header.number.saturating_add(1),
            column: "rows".into(),
            key: None,
            expected: "at least one row of data under the header".into(),
            found: "no data rows".into(),
        });
    }
    // Where each serialized item was made, to refuse making it twice.
    let mut made: HashMap<String, u32> = HashMap::new();
    for row in data {
        let mut cells = RowCells {
            row,
            layout: &layout,
            errors: &mut mapping.errors,
            offset: options.offset,
        };
        if let Some(event) = map_row(kind, &mut cells, &mut made) {
            mapping.events.push(RowEvent {
                row: row.number,
                event,
            });
        }
    }
    mapping
}

/// Every header of a sheet, comma-separated, for messages.
fn headers(kind: SheetKind) -> String {
    kind.columns()
        .iter()
        .map(Column::header)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A header cell without what people add or change in headers: the required mark, spaces,
/// full-width parentheses.
fn normalize_header(text: &str) -> String {
    let replaced: String = text
        .trim()
        .trim_start_matches(['*', '＊'])
        .trim_end_matches(['*', '＊'])
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    replaced
}

/// Which cell position holds which column, and the header each had in the file.
struct Layout {
    /// (position, column, header as written).
    columns: Vec<(usize, &'static Column, String)>,
    width: usize,
}

impl Layout {
    fn position(&self, key: &str) -> Option<(usize, &'static Column, &str)> {
        self.columns
            .iter()
            .find(|(_, column, _)| column.key == key)
            .map(|(position, column, header)| (*position, *column, header.as_str()))
    }
}

fn read_header(kind: SheetKind, header: &Row) -> Result<Layout, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut columns: Vec<(usize, &'static Column, String)> = Vec::new();
    for (position, cell) in header.cells.iter().enumerate() {
        let written = cell.trim();
        if written.is_empty() {
            continue;
        }
        let normalized = normalize_header(written);
        match kind.columns().iter().find(|c| c.matches(&normalized)) {
            Some(column) => {
                if let Some((first, ..)) = columns.iter().find(|(_, c, _)| c.key == column.key) {
                    errors.push(RowError {
                        row: header.number,
                        column: format!("{written} ({})", column_letter(position)),
                        key: Some(column.key),
                        expected: format!(
                            "each column once; it is already column {}",
                            column_letter(*first)
                        ),
                        found: format!("{written:?} again"),
                    });
                } else {
                    columns.push((position, column, written.to_owned()));
                }
            }
            None => errors.push(RowError {
                row: header.number,
                column: format!("column {}", column_letter(position)),
                key: None,
                expected: format!(
                    "a column of the {} template ({})",
                    kind.key(),
                    headers(kind)
                ),
                found: quoted(written),
            }),
        }
    }
    for column in kind.columns().iter().filter(|c| c.required) {
        if !columns.iter().any(|(_, c, _)| c.key == column.key) {
            errors.push(RowError {
                row: header.number,
                column: column.header(),
                key: Some(column.key),
                expected: "this required column in the header row".into(),
                found: "no such column".into(),
            });
        }
    }
    if errors.is_empty() {
        Ok(Layout {
            columns,
            width: header.cells.len(),
        })
    } else {
        Err(errors)
    }
}

/// A spreadsheet column letter: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(position: usize) -> String {
    let mut n = position + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let remainder = (n - 1) % 26;
        letters.push(char::from(b'A' + remainder as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A cell's text for messages: quoted, cut after 80 characters.
fn quoted(text: &str) -> String {
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(80).collect();
        format!("{cut:?}…")
    } else {
        format!("{text:?}")
    }
}

/// The cells of one row, read column by column; each failed read records its problem.
struct RowCells<'a> {
    row: &'a Row,
    layout: &'a Layout,
    errors: &'a mut Vec<RowError>,
    offset: FixedOffset,
}

/// A typed cell value.
enum Value {
    Code(String),
    Text(String),
    Time(chrono::DateTime<FixedOffset>, NaiveDate),
    Date(NaiveDate),
    Count(u64),
    Flag(bool),
}

impl RowCells<'_> {
    fn error(&mut self, key: &str, expected: String, found: String) {
        let (column, key) = match self.layout.position(key) {
            Some((_, column, header)) => (header.to_owned(), Some(column.key)),
            None => (key.to_owned(), None),
        };
        self.errors.push(RowError {
            row: self.row.number,
            column,
            key,
            expected,
            found,
        });
    }

    /// The typed value of a column: `None` when empty (an error if required) or invalid.
    fn value(&mut self, key: &str) -> Option<Value> {
        let (position, column, _) = self.layout.position(key)?;
        let text = self.row.cells.get(position).map(|c| c.trim()).unwrap_or("");
        if text.is_empty() {
            if column.required {
                self.error(
                    key,
                    format!("a value (required): {}", column.kind.expected()),
                    "an empty cell".into(),
                );
            }
            return None;
        }
        match parse_cell(column.kind, text, self.offset) {
            Ok(value) => Some(value),
            Err(expected) => {
                self.error(key, expected, quoted(text));
                None
            }
        }
    }

    /// Values in cells right of the header: nowhere to put them.
    fn check_overflow(&mut self) {
        for (position, cell) in self.row.cells.iter().enumerate() {
            let unheaded = position >= self.layout.width
                || !self.layout.columns.iter().any(|(p, ..)| *p == position);
            if unheaded && !cell.trim().is_empty() {
                self.errors.push(RowError {
                    row: self.row.number,
                    column: format!("column {}", column_letter(position)),
                    key: None,
                    expected: "an empty cell: the column has no header of the template".into(),
                    found: quoted(cell.trim()),
                });
            }
        }
    }
}

fn parse_cell(kind: CellKind, text: &str, offset: FixedOffset) -> Result<Value, String> {
    match kind {
        CellKind::TraceCode => check_identifier(text)
            .map(|()| Value::Code(text.to_owned()))
            .map_err(|reason| format!("{} ({reason})", kind.expected())),
        CellKind::Text(max) => {
            let count = text.chars().count();
            if count > max {
                Err(format!("{} (this one has {count})", kind.expected()))
            } else if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
            {
                Err(format!("{} without control characters", kind.expected()))
            } else {
                Ok(Value::Text(text.to_owned()))
            }
        }
        CellKind::Date => parse_date(text)
            .map(Value::Date)
            .ok_or_else(|| kind.expected()),
        CellKind::DateTime => parse_time(text, offset)
            .map(|(time, date)| Value::Time(time, date))
            .ok_or_else(|| format!("{} (time zone {offset} unless given)", kind.expected())),
        CellKind::Quantity => {
            let digits = text.strip_suffix(".0").unwrap_or(text);
            match digits.parse::<u64>() {
                Ok(n) if (1..=1_000_000_000).contains(&n) => Ok(Value::Count(n)),
                _ => Err(format!("{} and at most 1000000000", kind.expected())),
            }
        }
        CellKind::YesNo => match text.to_lowercase().as_str() {
            "是" | "公开" | "y" | "yes" | "true" | "1" => Ok(Value::Flag(true)),
            "否" | "不公开" | "n" | "no" | "false" | "0" => Ok(Value::Flag(false)),
            _ => Err(kind.expected()),
        },
    }
}

const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"];
const TIME_FORMATS: &[&str] = &["%H:%M:%S%.f", "%H:%M"];

/// A calendar date in one of [`DATE_FORMATS`].
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    DATE_FORMATS
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
        .filter(|date| (1900..=9999).contains(&chrono::Datelike::year(date)))
}

/// A date, or a date and time (space or `T` between), in `offset` unless the text carries its
/// own (RFC 3339); also the calendar date as written.
fn parse_time(
    text: &str,
    offset: FixedOffset,
) -> Option<(chrono::DateTime<FixedOffset>, NaiveDate)> {
    let text = text.trim();
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some((time, time.date_naive()));
    }
    let local = match text.split_once([' ', 'T']) {
        None => parse_date(text).map(|date| date.and_time(NaiveTime::MIN)),
        Some((date, time)) => {
            let date = parse_date(date)?;
            let time = TIME_FORMATS
                .iter()
                .find_map(|format| NaiveTime::parse_from_str(time.trim(), format).ok())?;
            Some(NaiveDateTime::new(date, time))
        }
    }?;
    let time = offset.from_local_datetime(&local).single()?;
    Some((time, local.date()))
}

/// Whether a trace code names a class of products (a GTIN, a batch) rather than one item.
pub fn is_class_code(code: &str) -> bool {
    if code.starts_with("urn:epc:class:") || code.starts_with("urn:epc:idpat:") {
        return true;
    }
    if code.starts_with("http://") || code.starts_with("https://") {
        let path = code
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map(|(_, path)| path)
            .unwrap_or("");
        let path = path.split(['?', '#']).next().unwrap_or("");
        let segments: Vec<&str> = path.split('/').collect();
        let Some(gtin) = segments.iter().position(|s| *s == "01") else {
            return false;
        };
        // Key qualifiers follow the GTIN as (AI, value) pairs: (22) variant, (10) lot, (21) serial.
        let mut qualifiers = segments.get(gtin + 2..).unwrap_or(&[]).iter().step_by(2);
        return !qualifiers.any(|ai| *ai == "21");
    }
    false
}

fn extension(namespace: &str, prefix: &str, name: &str, value: ExtensionValue) -> Extension {
    Extension {
        namespace: namespace.to_owned(),
        prefix: Some(prefix.to_owned()),
        name: name.to_owned(),
        value,
    }
}

/// The extension a column's value becomes, and whether it goes in the ILMD, per the
/// column's place in [`tf::TRACE_FIELDS`].
fn field_extension(key: &str, value: ExtensionValue) -> Option<(bool, Extension)> {
    let field = tf::trace_field(key)?;
    let (in_ilmd, namespace) = match field.place {
        Place::Ilmd(namespace) => (true, namespace),
        Place::Extension(namespace) => (false, namespace),
        Place::Identifier | Place::Quantity | Place::EventTime => return None,
    };
    let prefix = if namespace == SUYUAN_NAMESPACE {
        SUYUAN_PREFIX
    } else {
        CBVMDA_PREFIX
    };
    Some((in_ilmd, extension(namespace, prefix, field.name, value)))
}

fn map_row(
    kind: SheetKind,
    cells: &mut RowCells<'_>,
    made: &mut HashMap<String, u32>,
) -> Option<Event> {
    let errors_before = cells.errors.len();
    cells.check_overflow();
    let mut code = None;
    let mut quantity = None;
    let mut time = None;
    let mut production_date = None;
    let mut expiration_date = None;
    let mut ilmd = Vec::new();
    let mut extensions = Vec::new();
    for column in kind.columns() {
        let Some(value) = cells.value(column.key) else {
            continue;
        };
        let field_value = match value {
            Value::Code(text) => {
                code = Some(text);
                continue;
            }
            Value::Count(n) => {
                quantity = Some(n);
                continue;
            }
            Value::Time(at, date) => {
                time = Some(at);
                if column.key != tf::PRODUCTION_DATE {
                    continue;
                }
                production_date = Some(date);
                ExtensionValue::Text(date.format("%Y-%m-%d").to_string())
            }
            Value::Date(date) => {
                expiration_date = Some(date);
                ExtensionValue::Text(date.format("%Y-%m-%d").to_string())
            }
            Value::Text(text) => ExtensionValue::Text(text),
            Value::Flag(flag) => ExtensionValue::Bool(flag),
        };
        match field_extension(column.key, field_value) {
            Some((true, extension)) => ilmd.push(extension),
            Some((false, extension)) => extensions.push(extension),
            None => {}
        }
    }
    if let (Some(made_on), Some(expires)) = (production_date, expiration_date)
        && expires < made_on
    {
        cells.error(
            tf::ITEM_EXPIRATION_DATE,
            format!("a date not before the production date {made_on}"),
            format!("{expires}"),
        );
    }
    let class = code.as_deref().map(is_class_code);
    if class == Some(false)
        && let Some(n) = quantity.filter(|n| *n != 1)
    {
        cells.error(
            tf::QUANTITY,
            "1 or an empty cell: the trace code is serialized and names one item".into(),
            format!("{n}"),
        );
    }
    if kind == SheetKind::Production
        && class == Some(false)
        && let Some(code) = &code
    {
        let key = index_key(code);
        match made.get(&key) {
            Some(first) => cells.error(
                tf::TRACE_CODE,
                format!("a trace code not already made on row {first}: an item is made once"),
                quoted(code),
            ),
            None => {
                made.insert(key, cells.row.number);
            }
        }
    }
    if cells.errors.len() > errors_before {
        return None;
    }
    let (code, time) = (code?, time?);
    let (action, biz_step, disposition) = kind.event_shape();
    let mut event = Event::new(EventType::ObjectEvent, time);
    event.action = Some(action);
    event.biz_step = Vocabulary::BizStep.parse(biz_step).ok();
    event.disposition = Vocabulary::Disposition.parse(disposition).ok();
    if is_class_code(&code) {
        event.quantity_list.push(QuantityElement {
            epc_class: code,
            quantity: quantity.map(|n| n as f64),
            uom: None,
        });
    } else {
        event.epc_list.push(code);
    }
    if action == Action::Add {
        event.ilmd = Some(ilmd);
    }
    event.extensions = extensions;
    Some(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epcis::jsonld::{self, Namespaces};
    use crate::epcis::{Document, hash};

    fn table(rows: &[&[&str]]) -> LedgerTable {
        LedgerTable::from_rows(
            rows.iter()
                .map(|row| row.iter().map(|cell| (*cell).to_owned()).collect())
                .collect(),
        )
    }

    fn headers_of(kind: SheetKind) -> Vec<String> {
        kind.columns().iter().map(Column::header).collect()
    }

    fn map(kind: SheetKind, rows: &[&[&str]]) -> LedgerMapping {
        map_sheet(kind, &table(rows), &LedgerOptions::default())
    }

    fn with_header(kind: SheetKind, rows: &[&[&str]]) -> LedgerMapping {
        let header = headers_of(kind);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut all: Vec<&[&str]> = vec![&header];
        all.extend_from_slice(rows);
        map(kind, &all)
    }

    fn ilmd_value<'a>(event: &'a Event, namespace: &str, name: &str) -> Option<&'a ExtensionValue> {
        event
            .ilmd
            .iter()
            .flatten()
            .find(|e| e.namespace == namespace && e.name == name)
            .map(|e| &e.value)
    }

    fn extension_value<'a>(event: &'a Event, name: &str) -> Option<&'a ExtensionValue> {
        event
            .extensions
            .iter()
            .find(|e| e.namespace == SUYUAN_NAMESPACE && e.name == name)
            .map(|e| &e.value)
    }

    fn text(value: &str) -> ExtensionValue {
        ExtensionValue::Text(value.to_owned())
    }

    /// Writes the events as a document in the JSON-LD binding and reads them back.
    fn round_trip(events: &[RowEvent]) -> Vec<Event> {
        let document = Document {
            schema_version: "2.0".into(),
            creation_date: center_offset()
                .with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
                .unwrap(),
            namespaces: namespaces(),
            events: events.iter().map(|e| e.event.clone()).collect(),
        };
        let value = jsonld::encode_document(&document);
        let text = value.to_string();
        assert!(
            text.contains("\"suyuan\":\"https://ns.suyuan.dev/epcis/\""),
            "{text}"
        );
        jsonld::decode_document(&value)
            .unwrap_or_else(|v| panic!("{v}\n{value:#}"))
            .events
    }

    const PRODUCTION_ROW: &[&str] = &[
        "urn:epc:id:sgtin:6901234.067890.A0001",
        "挤包绝缘低压电力电缆",
        "电线电缆",
        "YJV 0.6/1kV 3×95",
        "2026-11-20",
        "24个月",
        "B20261120-01",
        "GB/T 12706.1-2020",
        "XK06-001-00123",
        "JY-2026-1120-01",
        "",
        "",
    ];

    #[test]
    fn a_production_row_becomes_a_commissioning_event_with_product_information() {
        let mapping = with_header(
            SheetKind::Production,
            &[
                PRODUCTION_ROW,
                &[
                    "https://id.gs1.org/01/06901234678901/10/B2",
                    "燃气用连接软管",
                    "燃气器具",
                    "RG-1.5m",
                    "2026/11/21 08:30",
                    "",
                    "B2",
                    "GB 41317-2024",
                    "",
                    "https://lab.example.cn/reports/JY-2",
                    "2028-11-20",
                    "500",
                ],
            ],
        );
        assert_eq!(mapping.errors, []);
        assert_eq!(mapping.rows, 2);
        let [first, second] = &mapping.events[..] else {
            panic!("two events: {mapping:?}");
        };
        assert_eq!((first.row, second.row), (2, 3));

        let event = &first.event;
        assert_eq!(event.event_type, EventType::ObjectEvent);
        assert_eq!(event.action, Some(Action::Add));
        assert_eq!(event.biz_step.as_ref().unwrap().compact(), "commissioning");
        assert_eq!(event.disposition.as_ref().unwrap().compact(), "active");
        assert_eq!(event.epc_list, ["urn:epc:id:sgtin:6901234.067890.A0001"]);
        assert_eq!(event.event_time.to_rfc3339(), "2026-11-20T00:00:00+08:00");
        assert_eq!(event.event_time_zone_offset, "+08:00");
        assert_eq!(
            ilmd_value(event, SUYUAN_NAMESPACE, tf::PRODUCT_NAME),
            Some(&text("挤包绝缘低压电力电缆"))
        );
        assert_eq!(
            ilmd_value(event, SUYUAN_NAMESPACE, tf::PRODUCTION_DATE),
            Some(&text("2026-11-20"))
        );
        assert_eq!(
            ilmd_value(event, tf::CBVMDA_NAMESPACE, tf::LOT_NUMBER),
            Some(&text("B20261120-01"))
        );
        assert_eq!(
            ilmd_value(event, SUYUAN_NAMESPACE, tf::LICENCE_NUMBER),
            Some(&text("XK06-001-00123"))
        );
        assert_eq!(
            ilmd_value(event, tf::CBVMDA_NAMESPACE, tf::ITEM_EXPIRATION_DATE),
            None
        );

        // A batch code goes in the quantity list with its count; the expiry date is CBV's.
        let event = &second.event;
        assert!(event.epc_list.is_empty());
        assert_eq!(
            event.quantity_list,
            [QuantityElement {
                epc_class: "https://id.gs1.org/01/06901234678901/10/B2".into(),
                quantity: Some(500.0),
                uom: None,
            }]
        );
        assert_eq!(event.event_time.to_rfc3339(), "2026-11-21T08:30:00+08:00");
        assert_eq!(
            ilmd_value(event, tf::CBVMDA_NAMESPACE, tf::ITEM_EXPIRATION_DATE),
            Some(&text("2028-11-20"))
        );
        assert_eq!(ilmd_value(event, SUYUAN_NAMESPACE, tf::SHELF_LIFE), None);

        // The events are valid EPCIS: written in JSON-LD and read back unchanged, hashable.
        let back = round_trip(&mapping.events);
        assert_eq!(back, [first.event.clone(), second.event.clone()]);
        let json =
            jsonld::encode_single_event(&first.event, &Namespaces::from_declared(namespaces()));
        assert_eq!(json["ilmd"]["cbvmda:lotNumber"], "B20261120-01");
        assert_eq!(json["ilmd"]["suyuan:productName"], "挤包绝缘低压电力电缆");
        let id = hash::event_id(&first.event, &Namespaces::from_declared(namespaces()));
        assert!(id.starts_with("ni:///sha-256;"), "{id}");
    }

    #[test]
    fn flow_rows_become_observe_events_with_the_parties_and_the_members_choice() {
        let shipping = with_header(
            SheetKind::Shipping,
            &[
                &[
                    "urn:epc:id:sgtin:6901234.067890.A0001",
                    "2026-11-21 10:30",
                    "广东粤通商贸分销有限公司",
                    "广东省广州市白云区太和镇101号",
                    "020-86000000",
                    "",
                    "是",
                ],
                &[
                    "urn:epc:class:lgtin:6901234.067890.B2",
                    "2026-11-21T10:30:05",
                    "佛山某五金店",
                    "佛山市顺德区",
                    "0757-1234567",
                    "20",
                    "",
                ],
            ],
        );
        assert_eq!(shipping.errors, []);
        let event = &shipping.events[0].event;
        assert_eq!(event.action, Some(Action::Observe));
        assert_eq!(event.biz_step.as_ref().unwrap().compact(), "shipping");
        assert_eq!(event.disposition.as_ref().unwrap().compact(), "in_transit");
        assert_eq!(event.ilmd, None);
        assert_eq!(
            extension_value(event, tf::BUYER_NAME),
            Some(&text("广东粤通商贸分销有限公司"))
        );
        assert_eq!(
            extension_value(event, tf::BUYER_CONTACT),
            Some(&text("020-86000000"))
        );
        assert_eq!(
            extension_value(event, tf::FLOW_PUBLIC),
            Some(&ExtensionValue::Bool(true))
        );
        let second = &shipping.events[1].event;
        assert_eq!(extension_value(second, tf::FLOW_PUBLIC), None);
        assert_eq!(second.quantity_list[0].quantity, Some(20.0));
        assert_eq!(second.event_time.to_rfc3339(), "2026-11-21T10:30:05+08:00");
        assert_eq!(round_trip(&shipping.events).len(), 2);

        let purchase = with_header(
            SheetKind::Purchase,
            &[&[
                "urn:epc:id:sgtin:6901234.067890.A0001",
                "江苏宜兴华东电缆股份有限公司",
                "2026年11月22日",
                "",
                "否",
            ]],
        );
        assert_eq!(purchase.errors, []);
        let event = &purchase.events[0].event;
        assert_eq!(event.biz_step.as_ref().unwrap().compact(), "receiving");
        assert_eq!(
            extension_value(event, tf::SUPPLIER_NAME),
            Some(&text("江苏宜兴华东电缆股份有限公司"))
        );
        assert_eq!(
            extension_value(event, tf::FLOW_PUBLIC),
            Some(&ExtensionValue::Bool(false))
        );

        let sales = with_header(
            SheetKind::Sales,
            &[&[
                "https://id.gs1.org/01/06901234678901/21/A0001",
                "王先生",
                "2026/11/25 15:00",
                "1",
                "",
            ]],
        );
        assert_eq!(sales.errors, []);
        let event = &sales.events[0].event;
        assert_eq!(event.biz_step.as_ref().unwrap().compact(), "retail_selling");
        assert_eq!(event.disposition.as_ref().unwrap().compact(), "retail_sold");
        assert_eq!(
            event.epc_list,
            ["https://id.gs1.org/01/06901234678901/21/A0001"]
        );
        assert_eq!(
            extension_value(event, tf::CUSTOMER_NAME),
            Some(&text("王先生"))
        );
        assert_eq!(round_trip(&sales.events).len(), 1);
    }

    #[test]
    fn headers_may_be_labels_or_keys_in_any_order() {
        let mapping = map(
            SheetKind::Sales,
            &[
                &["", "", ""],
                &["售出时间", "CustomerName", "＊追溯码（traceCode）"],
                &[
                    "2026-11-25",
                    "李女士",
                    "urn:epc:id:sgtin:6901234.067890.A0001",
                ],
            ],
        );
        assert_eq!(mapping.errors, []);
        assert_eq!(mapping.events[0].row, 3);
        assert_eq!(
            extension_value(&mapping.events[0].event, tf::CUSTOMER_NAME),
            Some(&text("李女士"))
        );
    }

    #[test]
    fn a_wrong_header_is_reported_column_by_column() {
        let mapping = map(
            SheetKind::Purchase,
            &[
                &["*追溯码 (traceCode)", "供货商", "追溯码", "数量"],
                &["urn:epc:id:sgtin:6901234.067890.A0001", "某公司", "x", "1"],
            ],
        );
        assert!(mapping.events.is_empty());
        assert_eq!(mapping.rows, 1);
        let found: Vec<(u32, &str, Option<&str>, &str)> = mapping
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.key, e.found.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (1, "column B", None, "\"供货商\""),
                (1, "追溯码 (C)", Some("traceCode"), "\"追溯码\" again"),
                (
                    1,
                    "*供应商名称 (supplierName)",
                    Some("supplierName"),
                    "no such column"
                ),
                (
                    1,
                    "*采购时间 (purchaseTime)",
                    Some("purchaseTime"),
                    "no such column"
                ),
            ]
        );
        assert!(mapping.errors[2].expected.contains("required column"));

        let empty = map(SheetKind::Sales, &[&["", " "]]);
        assert_eq!(empty.errors.len(), 1);
        assert_eq!(empty.errors[0].found, "an empty sheet");
        let header_only = map(
            SheetKind::Sales,
            &[&["追溯码", "客户名称", "售出时间"], &[""]],
        );
        assert_eq!(header_only.errors.len(), 1);
        assert_eq!(header_only.errors[0].row, 2);
        assert_eq!(header_only.errors[0].found, "no data rows");
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row_column_expectation_and_value() {
        let long_name = "长".repeat(201);
        let mapping = with_header(
            SheetKind::Production,
            &[
                // row 2: good
                PRODUCTION_ROW,
                // row 3: blank, skipped but counted by the spreadsheet
                &["", "", ""],
                // row 4: a wrong check digit, an impossible date, a missing required cell
                &[
                    "https://id.gs1.org/01/06901234678908/21/X",
                    "电缆",
                    "电线电缆",
                    "",
                    "2026-02-30",
                    "",
                    "B1",
                    "GB/T 12706.1-2020",
                    "",
                    "JY-1",
                    "",
                    "",
                ],
                // row 5: too long, quantity on a serialized code, expiry before production,
                // a value in a column without header
                &[
                    "urn:epc:id:sgtin:6901234.067890.A0002",
                    &long_name,
                    "电线电缆",
                    "YJV",
                    "2026-11-20 08:00",
                    "",
                    "B1",
                    "GB/T 12706.1-2020",
                    "",
                    "JY-1",
                    "2026-11-19",
                    "3",
                    "备注",
                ],
                // row 6: the same item as row 2 (other form), a bad quantity, a time for a date
                &[
                    "https://example.cn/01/06901234678901/21/A0001",
                    "电缆",
                    "电线电缆",
                    "YJV",
                    "2026-11-20",
                    "",
                    "B1",
                    "GB/T 12706.1-2020",
                    "",
                    "JY-1",
                    "2028-01-01 00:00",
                    "0",
                ],
                // row 7: not an identifier, a time that does not exist
                &[
                    "6901234678909",
                    "电缆",
                    "电线电缆",
                    "YJV",
                    "2026-11-20 25:00",
                    "",
                    "B1",
                    "GB/T 12706.1-2020",
                    "",
                    "JY-1",
                    "",
                    "",
                ],
            ],
        );
        assert_eq!(mapping.rows, 5);
        assert_eq!(mapping.events.len(), 1, "{:#?}", mapping.errors);
        assert_eq!(mapping.events[0].row, 2);
        assert_eq!(mapping.bad_rows(), [4, 5, 6, 7]);
        let found: Vec<(u32, Option<&str>)> =
            mapping.errors.iter().map(|e| (e.row, e.key)).collect();
        assert_eq!(
            found,
            [
                (4, Some("traceCode")),
                (4, Some("specification")),
                (4, Some("productionDate")),
                (5, None),
                (5, Some("productName")),
                (5, Some("itemExpirationDate")),
                (5, Some("quantity")),
                (6, Some("itemExpirationDate")),
                (6, Some("quantity")),
                (6, Some("traceCode")),
                (7, Some("traceCode")),
                (7, Some("productionDate")),
            ]
        );
        let error = |row: u32, key: Option<&str>| {
            mapping
                .errors
                .iter()
                .find(|e| e.row == row && e.key == key)
                .unwrap()
        };
        let bad_check = error(4, Some("traceCode"));
        assert_eq!(bad_check.column, "*追溯码 (traceCode)");
        assert!(
            bad_check.expected.contains("check digit"),
            "{}",
            bad_check.expected
        );
        assert_eq!(
            bad_check.found,
            "\"https://id.gs1.org/01/06901234678908/21/X\""
        );
        assert_eq!(bad_check.pointer(), "/rows/4/traceCode");
        assert_eq!(error(4, Some("specification")).found, "an empty cell");
        assert!(
            error(4, Some("specification"))
                .expected
                .contains("required")
        );
        assert_eq!(error(4, Some("productionDate")).found, "\"2026-02-30\"");
        assert!(error(4, Some("productionDate")).expected.contains("+08:00"));
        assert_eq!(error(5, None).column, "column M");
        assert_eq!(error(5, None).found, "\"备注\"");
        assert!(
            error(5, Some("productName"))
                .expected
                .contains("at most 200")
        );
        assert!(error(5, Some("productName")).found.ends_with('…'));
        assert_eq!(error(5, Some("itemExpirationDate")).found, "2026-11-19");
        assert!(error(5, Some("quantity")).expected.contains("serialized"));
        assert!(error(6, Some("traceCode")).expected.contains("row 2"));
        assert!(
            error(6, Some("itemExpirationDate"))
                .expected
                .contains("YYYY-MM-DD")
        );
        assert_eq!(error(6, Some("quantity")).found, "\"0\"");
        assert!(error(7, Some("traceCode")).expected.contains("EPC URN"));
        assert_eq!(
            error(7, Some("productionDate")).to_string(),
            format!(
                "row 7, *生产日期 (productionDate): expected {} (time zone +08:00 unless given), found \"2026-11-20 25:00\"",
                CellKind::DateTime.expected()
            )
        );
    }

    #[test]
    fn the_public_choice_must_be_yes_or_no() {
        let mapping = with_header(
            SheetKind::Sales,
            &[&[
                "urn:epc:id:sgtin:6901234.067890.A0001",
                "王先生",
                "2026-11-25",
                "",
                "也许",
            ]],
        );
        assert_eq!(mapping.errors.len(), 1);
        assert_eq!(mapping.errors[0].key, Some("flowPublic"));
        assert_eq!(mapping.errors[0].column, "是否公开 (flowPublic)");
    }

    #[test]
    fn dates_and_times_in_the_accepted_forms() {
        let offset = center_offset();
        let at = |text: &str| parse_time(text, offset).map(|(time, _)| time.to_rfc3339());
        assert_eq!(
            at("2026-11-20").as_deref(),
            Some("2026-11-20T00:00:00+08:00")
        );
        assert_eq!(at("2026/1/5").as_deref(), Some("2026-01-05T00:00:00+08:00"));
        assert_eq!(
            at("2026-11-20 08:30").as_deref(),
            Some("2026-11-20T08:30:00+08:00")
        );
        assert_eq!(
            at("2026/11/20 08:30:15").as_deref(),
            Some("2026-11-20T08:30:15+08:00")
        );
        assert_eq!(
            at("2026年11月20日").as_deref(),
            Some("2026-11-20T00:00:00+08:00")
        );
        assert_eq!(
            at("2026-11-20T08:30:00Z").as_deref(),
            Some("2026-11-20T08:30:00+00:00")
        );
        for bad in [
            "20261120",
            "2026-13-01",
            "2026-11-20 8h",
            "11/20/2026",
            "0000-01-01",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        let utc = LedgerOptions {
            offset: FixedOffset::east_opt(0).unwrap(),
        };
        let mapping = map_sheet(
            SheetKind::Sales,
            &table(&[
                &["追溯码", "客户名称", "售出时间"],
                &[
                    "urn:epc:id:sgtin:6901234.067890.A0001",
                    "王先生",
                    "2026-11-25 15:00",
                ],
            ]),
            &utc,
        );
        assert_eq!(mapping.events[0].event.event_time_zone_offset, "+00:00");
    }

    #[test]
    fn class_and_item_codes() {
        assert!(is_class_code("urn:epc:class:lgtin:4012345.012345.998877"));
        assert!(is_class_code("urn:epc:idpat:sgtin:4012345.012345.*"));
        assert!(is_class_code("https://id.gs1.org/01/09506000134352"));
        assert!(is_class_code("https://id.gs1.org/01/09506000134352/10/21"));
        assert!(!is_class_code(
            "https://id.gs1.org/01/09506000134352/10/A/21/1"
        ));
        assert!(!is_class_code("https://id.gs1.org/00/106141412345678908"));
        assert!(!is_class_code("urn:epc:id:sgtin:0614141.107346.2017"));
    }

    #[test]
    fn templates_name_every_column_once_with_its_field() {
        for kind in SheetKind::ALL {
            assert_eq!(SheetKind::parse(kind.key()), Some(kind));
            let columns = kind.columns();
            assert_eq!(columns[0].key, tf::TRACE_CODE);
            for (index, column) in columns.iter().enumerate() {
                assert!(column.field().is_some(), "{kind} {}", column.key);
                assert!(columns[index + 1..].iter().all(|c| c.key != column.key));
            }
        }
        assert_eq!(
            SheetKind::Production.columns()[0].header(),
            "*追溯码 (traceCode)"
        );
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(27), "AB");
    }
}
