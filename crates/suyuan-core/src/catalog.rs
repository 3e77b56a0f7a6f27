//! The product category catalog: SAMR's first batch of key industrial products under quality
//! and safety traceability (市场监管总局 重点工业产品质量安全追溯清单, 第一批) and the imported
//! food categories a cross-border center handles.

use serde::Serialize;

/// Which regime a category falls under; it decides the data a member must report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryGroup {
    /// 重点工业产品 (SAMR key industrial products).
    KeyIndustrialProduct,
    /// 进口食品 (imported food).
    ImportedFood,
}

/// One product category with its product units (产品单元).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub group: CategoryGroup,
    /// Whether products need a production license or CCC certificate number (生产许可证/强制性认证).
    pub license_required: bool,
    pub units_zh: &'static [&'static str],
}

const fn industrial(
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    units_zh: &'static [&'static str],
) -> Category {
    Category {
        code,
        name_zh,
        name_en,
        group: CategoryGroup::KeyIndustrialProduct,
        license_required: true,
        units_zh,
    }
}

const fn food(code: &'static str, name_zh: &'static str, name_en: &'static str) -> Category {
    Category {
        code,
        name_zh,
        name_en,
        group: CategoryGroup::ImportedFood,
        license_required: false,
        units_zh: &[],
    }
}

pub const CATEGORIES: &[Category] = &[
    industrial(
        "wire-cable",
        "电线电缆",
        "Wire and cable",
        &[
            "架空绞线",
            "塑料绝缘控制电缆",
            "挤包绝缘低压电力电缆",
            "挤包绝缘中压电力电缆",
            "架空绝缘电缆",
        ],
    ),
    industrial(
        "gas-appliance",
        "燃气器具",
        "Gas appliances",
        &[
            "燃气用连接软管",
            "家用可燃气体探测器",
            "燃气紧急切断阀",
            "家用燃气灶具",
            "商用燃气灶具",
            "瓶装液化石油气调压器（家用、商用）",
        ],
    ),
    industrial(
        "e-bike",
        "电动自行车",
        "Electric bicycles",
        &["电动自行车", "电动自行车用充电器", "电动自行车用蓄电池"],
    ),
    industrial(
        "safety-helmet",
        "安全帽",
        "Safety helmets",
        &["普通型安全帽", "特殊型安全帽"],
    ),
    industrial(
        "plywood",
        "胶合板",
        "Plywood",
        &["普通胶合板", "难燃胶合板"],
    ),
    industrial(
        "blockboard",
        "细木工板",
        "Blockboard",
        &["细木工板", "难燃细木工板"],
    ),
    industrial(
        "cold-rolled-rebar",
        "冷轧带肋钢筋",
        "Cold-rolled ribbed steel bars",
        &["普通钢筋混凝土用", "预应力混凝土用"],
    ),
    industrial(
        "steel-wire-rope",
        "钢丝绳",
        "Steel wire rope",
        &[
            "单层股钢丝绳",
            "阻旋转钢丝绳",
            "平行捻密实钢丝绳",
            "压实（股）钢丝绳",
            "异形股钢丝绳",
            "单股钢丝绳",
            "密封钢丝绳",
            "扁钢丝绳",
            "编织钢丝绳",
        ],
    ),
    food("food-dairy", "乳制品", "Dairy products"),
    food("food-wine", "葡萄酒", "Wine"),
    food("food-seafood", "水产品", "Seafood"),
    food("food-infant-formula", "婴幼儿配方食品", "Infant formula"),
    food("food-meat", "肉类", "Meat"),
];

/// The category with this code.
pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|category| category.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = CATEGORIES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATEGORIES.len());
    }

    #[test]
    fn first_batch_has_the_eight_samr_categories() {
        let industrial = CATEGORIES
            .iter()
            .filter(|c| c.group == CategoryGroup::KeyIndustrialProduct)
            .count();
        assert_eq!(industrial, 8);
        assert_eq!(category("e-bike").map(|c| c.name_zh), Some("电动自行车"));
        assert!(category("unknown").is_none());
    }
}
