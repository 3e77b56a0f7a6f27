//! The demo center: a dozen participants of every role with their sites, users and products
//! from SAMR's first batch of key industrial products and imported food, so a newcomer sees
//! a living center at once. Loading is idempotent.

use suyuan_core::access::Principal;
use suyuan_core::audit::Origin;
use suyuan_core::ids::{Uscc, gs1_check_digit};
use suyuan_core::registry::{ParticipantDraft, ProductDraft, SiteDraft};

use crate::accounts::NewUserDraft;
use crate::registry::RegistrationRequest;
use crate::{ServiceError, ServiceResult, Services};

/// The password of every demo user. The demo is for trying the center, never for production.
pub const DEMO_PASSWORD: &str = "suyuan-demo-2026";
/// The demo operator's user name.
pub const DEMO_OPERATOR: &str = "operator";
/// The demo importer's admin user name.
pub const DEMO_IMPORTER: &str = "importer.admin";

/// What the demo prints for a newcomer.
#[derive(Debug, Clone)]
pub struct DemoCredentials {
    pub operator_username: String,
    pub password: String,
    pub importer_participant_id: String,
    /// The importer's API key; `None` when the demo was loaded before and no key was fixed
    /// (tokens are not kept in the clear).
    pub importer_api_key: Option<String>,
}

struct DemoParticipant {
    slug: &'static str,
    name: &'static str,
    /// The first 17 characters of the USCC; the check character is computed.
    uscc_body: &'static str,
    kind: &'static str,
    roles: &'static [&'static str],
    region: &'static str,
    address: &'static str,
    contact: (&'static str, &'static str),
    site: (&'static str, f64, f64),
    products: &'static [DemoProduct],
}

struct DemoProduct {
    /// GTIN without its check digit.
    gtin_body: &'static str,
    name: &'static str,
    category: &'static str,
    unit: Option<&'static str>,
    model: &'static str,
    standard: Option<&'static str>,
    license_no: Option<&'static str>,
    shelf_life_days: Option<i64>,
    origin_country: &'static str,
}

#[allow(clippy::too_many_arguments)] // a table row, read column by column
const fn product(
    gtin_body: &'static str,
    name: &'static str,
    category: &'static str,
    unit: Option<&'static str>,
    model: &'static str,
    standard: Option<&'static str>,
    license_no: Option<&'static str>,
    shelf_life_days: Option<i64>,
    origin_country: &'static str,
) -> DemoProduct {
    DemoProduct {
        gtin_body,
        name,
        category,
        unit,
        model,
        standard,
        license_no,
        shelf_life_days,
        origin_country,
    }
}

const PARTICIPANTS: &[DemoParticipant] = &[
    DemoParticipant {
        slug: "operator",
        name: "南沙全球溯源中心运营有限公司",
        uscc_body: "91440115MA59B2C3D",
        kind: "operator",
        roles: &["platform"],
        region: "440115",
        address: "广东省广州市南沙区港前大道南162号",
        contact: ("陈思远", "020-39000001"),
        site: ("溯源中心运营大厅", 22.7945, 113.5532),
        products: &[],
    },
    DemoParticipant {
        slug: "regulator",
        name: "广州市南沙区市场监督管理局",
        uscc_body: "11440115MB2C00000",
        kind: "regulator",
        roles: &[],
        region: "440115",
        address: "广东省广州市南沙区凤凰大道1号",
        contact: ("黄立新", "020-39000002"),
        site: ("南沙区市场监管局", 22.8016, 113.5257),
        products: &[],
    },
    DemoParticipant {
        slug: "importer",
        name: "广州南沙环球优品进口贸易有限公司",
        uscc_body: "91440115MA5AK7Q1X",
        kind: "enterprise",
        roles: &["importer", "distributor"],
        region: "440115",
        address: "广东省广州市南沙区龙穴街港荣一街8号",
        contact: ("李明", "020-39000003"),
        site: ("南沙港保税仓", 22.6589, 113.6743),
        products: &[
            product(
                "941234500101",
                "新西兰全脂奶粉 1kg",
                "food-dairy",
                None,
                "1kg 罐装",
                Some("GB 19644"),
                None,
                Some(720),
                "NZ",
            ),
            product(
                "301234500102",
                "法国波尔多干红葡萄酒 750ml",
                "food-wine",
                None,
                "750ml 瓶装",
                Some("GB/T 15037"),
                None,
                Some(3650),
                "FR",
            ),
            product(
                "780123450103",
                "智利冷冻三文鱼柳 500g",
                "food-seafood",
                None,
                "500g 真空包装",
                Some("GB 2733"),
                None,
                Some(540),
                "CL",
            ),
        ],
    },
    DemoParticipant {
        slug: "cable",
        name: "江苏宜兴华东电缆股份有限公司",
        uscc_body: "91320282MA1N3P4R5",
        kind: "enterprise",
        roles: &["producer"],
        region: "320282",
        address: "江苏省宜兴市官林镇电缆工业园1号",
        contact: ("周建国", "0510-87000001"),
        site: ("官林电缆生产基地", 31.4802, 119.8237),
        products: &[
            product(
                "690312300101",
                "铜芯聚氯乙烯绝缘控制电缆 KVV 4×1.5",
                "wire-cable",
                Some("塑料绝缘控制电缆"),
                "KVV 450/750V 4×1.5",
                Some("GB/T 9330-2020"),
                Some("XK06-001-00123"),
                None,
                "CN",
            ),
            product(
                "690312300102",
                "交联聚乙烯绝缘电力电缆 YJV 3×95",
                "wire-cable",
                Some("挤包绝缘低压电力电缆"),
                "YJV 0.6/1kV 3×95+1×50",
                Some("GB/T 12706.1-2020"),
                Some("XK06-001-00123"),
                None,
                "CN",
            ),
        ],
    },
    DemoParticipant {
        slug: "gas",
        name: "佛山顺德美厨燃气具有限公司",
        uscc_body: "91440606MA4W5X6Y7",
        kind: "enterprise",
        roles: &["producer"],
        region: "440606",
        address: "广东省佛山市顺德区容桂街道燃气具产业园6号",
        contact: ("梁志强", "0757-28000001"),
        site: ("容桂燃气具工厂", 22.7762, 113.2810),
        products: &[
            product(
                "690456700101",
                "家用嵌入式双眼燃气灶",
                "gas-appliance",
                Some("家用燃气灶具"),
                "JZT-2B01",
                Some("GB 16410-2020"),
                Some("2023010111000001"),
                Some(2920),
                "CN",
            ),
            product(
                "690456700102",
                "燃气用不锈钢波纹连接软管 1.5m",
                "gas-appliance",
                Some("燃气用连接软管"),
                "RZ-15",
                Some("GB 41317-2024"),
                Some("XK21-005-00321"),
                Some(2920),
                "CN",
            ),
        ],
    },
    DemoParticipant {
        slug: "ebike",
        name: "天津绿源骑行电动车有限公司",
        uscc_body: "91120116MA05T6U7W",
        kind: "enterprise",
        roles: &["producer"],
        region: "120116",
        address: "天津市滨海新区经济技术开发区第十一大街9号",
        contact: ("王海涛", "022-66000001"),
        site: ("滨海新区整车工厂", 39.0437, 117.7113),
        products: &[
            product(
                "690789000101",
                "电动自行车 48V 轻便款",
                "e-bike",
                Some("电动自行车"),
                "TDT1200Z",
                Some("GB 17761-2024"),
                Some("2024011119000001"),
                None,
                "CN",
            ),
            product(
                "690789000102",
                "电动自行车用充电器 48V 2A",
                "e-bike",
                Some("电动自行车用充电器"),
                "CH-4820",
                Some("GB 42296-2022"),
                Some("2024011119000002"),
                None,
                "CN",
            ),
        ],
    },
    DemoParticipant {
        slug: "helmet",
        name: "浙江义乌安盾防护用品有限公司",
        uscc_body: "91330782MA2E8F9G0",
        kind: "enterprise",
        roles: &["producer"],
        region: "330782",
        address: "浙江省义乌市苏溪镇工业区安盾路2号",
        contact: ("吴晓峰", "0579-85000001"),
        site: ("苏溪安全帽工厂", 29.4170, 120.1302),
        products: &[product(
            "690246800101",
            "ABS 普通型安全帽",
            "safety-helmet",
            Some("普通型安全帽"),
            "AD-Y01",
            Some("GB 2811-2019"),
            Some("XK17-003-00456"),
            Some(1095),
            "CN",
        )],
    },
    DemoParticipant {
        slug: "distributor",
        name: "广东粤通商贸分销有限公司",
        uscc_body: "91440106MA5C1D2E3",
        kind: "enterprise",
        roles: &["distributor"],
        region: "440106",
        address: "广东省广州市天河区黄埔大道西100号",
        contact: ("张伟", "020-38000001"),
        site: ("黄埔大道配送中心", 23.1286, 113.3270),
        products: &[],
    },
    DemoParticipant {
        slug: "retailer",
        name: "广州天河万家生活超市有限公司",
        uscc_body: "91440106MA5F4G5H6",
        kind: "enterprise",
        roles: &["retailer"],
        region: "440106",
        address: "广东省广州市天河区天河路208号",
        contact: ("刘芳", "020-38000002"),
        site: ("天河路门店", 23.1327, 113.3233),
        products: &[],
    },
    DemoParticipant {
        slug: "retailer2",
        name: "深圳福田优选五金建材商行有限公司",
        uscc_body: "91440304MA5G7H8J9",
        kind: "enterprise",
        roles: &["retailer"],
        region: "440304",
        address: "广东省深圳市福田区华强北路1018号",
        contact: ("赵磊", "0755-83000001"),
        site: ("华强北门店", 22.5455, 114.0855),
        products: &[],
    },
    DemoParticipant {
        slug: "logistics",
        name: "广州南沙顺达冷链物流有限公司",
        uscc_body: "91440115MA5H1J2K3",
        kind: "service_provider",
        roles: &["logistics"],
        region: "440115",
        address: "广东省广州市南沙区万顷沙镇冷链物流园3号",
        contact: ("孙浩", "020-39000004"),
        site: ("万顷沙冷链仓", 22.6923, 113.5981),
        products: &[],
    },
    DemoParticipant {
        slug: "lab",
        name: "广州华测质检技术服务有限公司",
        uscc_body: "91440112MA5K4L5M6",
        kind: "service_provider",
        roles: &["test_lab", "certifier"],
        region: "440112",
        address: "广东省广州市黄埔区科学大道18号",
        contact: ("郑洁", "020-32000001"),
        site: ("科学城检测实验室", 23.1660, 113.4490),
        products: &[],
    },
];

/// A registration left waiting for the operator's review.
const PENDING: DemoParticipant = DemoParticipant {
    slug: "pending",
    name: "东莞新锐电动车配件有限公司",
    uscc_body: "91441900MA5N7P8Q9",
    kind: "enterprise",
    roles: &["producer"],
    region: "441900",
    address: "广东省东莞市长安镇锦厦路16号",
    contact: ("何俊", "0769-85000001"),
    site: ("长安镇工厂", 22.8164, 113.8036),
    products: &[],
};

fn uscc(body: &str) -> ServiceResult<String> {
    let check = Uscc::check_character(body)
        .map_err(|e| ServiceError::Internal(format!("demo USCC {body}: {e}")))?;
    Ok(format!("{body}{check}"))
}

fn gtin(body: &str) -> String {
    format!("{body}{}", gs1_check_digit(body).unwrap_or('0'))
}

fn participant_draft(demo: &DemoParticipant) -> ServiceResult<ParticipantDraft> {
    Ok(ParticipantDraft {
        name: demo.name.into(),
        uscc: uscc(demo.uscc_body)?,
        kind: demo.kind.into(),
        business_roles: demo.roles.iter().map(|r| (*r).to_owned()).collect(),
        region_code: demo.region.into(),
        address: demo.address.into(),
        contact_name: demo.contact.0.into(),
        contact_phone: demo.contact.1.into(),
        contact_email: Some(format!("{}@demo.suyuan.local", demo.slug)),
    })
}

fn admin_user(demo: &DemoParticipant) -> NewUserDraft {
    let username = if demo.slug == "operator" {
        DEMO_OPERATOR.to_owned()
    } else {
        format!("{}.admin", demo.slug)
    };
    NewUserDraft {
        username,
        display_name: demo.contact.0.into(),
        password: DEMO_PASSWORD.into(),
        role: match demo.kind {
            "operator" | "regulator" => None,
            _ => Some("member_admin".into()),
        },
    }
}

impl Services {
    /// Loads the demo center unless it is there already, and returns what to print.
    /// `fixed_api_key` installs that token as the importer's key (for scripts).
    pub async fn load_demo(&self, fixed_api_key: Option<&str>) -> ServiceResult<DemoCredentials> {
        let system = Principal::system();
        let origin = Origin {
            ip: None,
            user_agent: Some("suyuan demo loader".into()),
        };
        let mut importer_api_key = None;
        let importer_id = match self.store.user_by_username(DEMO_IMPORTER).await? {
            Some(user) => user.participant_id.unwrap_or_default(),
            None => {
                let mut importer_id = String::new();
                for demo in PARTICIPANTS {
                    let participant = self
                        .create_participant(&system, &origin, participant_draft(demo)?)
                        .await?;
                    self.create_user(&system, &origin, &participant.id, admin_user(demo))
                        .await?;
                    let (site_name, latitude, longitude) = demo.site;
                    self.add_site(
                        &system,
                        &origin,
                        &participant.id,
                        SiteDraft {
                            name: site_name.into(),
                            gln: None,
                            address: demo.address.into(),
                            region_code: demo.region.into(),
                            latitude: Some(latitude),
                            longitude: Some(longitude),
                        },
                    )
                    .await?;
                    for item in demo.products {
                        self.add_product(
                            &system,
                            &origin,
                            &participant.id,
                            ProductDraft {
                                gtin: gtin(item.gtin_body),
                                name: item.name.into(),
                                category: item.category.into(),
                                unit: item.unit.map(Into::into),
                                model: item.model.into(),
                                standard: item.standard.map(Into::into),
                                license_no: item.license_no.map(Into::into),
                                shelf_life_days: item.shelf_life_days,
                                origin_country: Some(item.origin_country.into()),
                                description: None,
                            },
                        )
                        .await?;
                    }
                    if demo.slug == "importer" {
                        importer_id = participant.id.clone();
                        if fixed_api_key.is_none() {
                            let issued = self
                                .create_api_key(
                                    &system,
                                    &origin,
                                    &participant.id,
                                    "demo importer ERP",
                                    None,
                                )
                                .await?;
                            importer_api_key = Some(issued.token);
                        }
                    }
                }
                self.submit_registration(
                    &Principal::anonymous(),
                    &origin,
                    RegistrationRequest {
                        participant: participant_draft(&PENDING)?,
                        admin: admin_user(&PENDING),
                    },
                )
                .await?;
                importer_id
            }
        };
        if let Some(token) = fixed_api_key {
            let known = self
                .store
                .api_key_by_token_hash(&crate::ids::token_hash(token))
                .await?;
            if known.is_none() {
                self.install_api_key(
                    &system,
                    &origin,
                    &importer_id,
                    "demo importer (fixed key)",
                    token,
                )
                .await?;
            }
            importer_api_key = Some(token.to_owned());
        }
        Ok(DemoCredentials {
            operator_username: DEMO_OPERATOR.into(),
            password: DEMO_PASSWORD.into(),
            importer_participant_id: importer_id,
            importer_api_key,
        })
    }
}
