//! The platform `fundtrail demo` serves next to its demo ledger (SPEC.md §24), on a second
//! loopback port, in `<demo folder>/platform`: a commune's relief committee, an NGO that
//! rotated its key and a person's fundraiser that was suspended, each with campaigns naming
//! its registered receiving account and a few donations. Everything is made through the
//! code paths of `platform init`, `org create` and the platform and campaign APIs
//! (registry entries, each organisation's own ledger and tokens), never written as rows.

use super::token::create_token;
use super::CliError;
use crate::auth::Role;
use crate::ledger::entry::{Account, Body, CampaignOpen, Channel, Donation};
use crate::ledger::money::{Currency, Minor};
use crate::ledger::registry::{OrgChecks, OrgKind};
use crate::platform::admin::NewOrg;
use crate::platform::{OrgSettings, Platform, PlatformConfig, PlatformDir};
use crate::sequencer::AppendRequest;
use crate::startup::bind;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Who the registry says recorded the demo platform's changes.
const DEMO_PLATFORM_RECORDER: &str = "platform-demo";

/// The demo platform's registry origin (the demo ledger signs as `demo.fundtrail.local/ledger`).
const REGISTRY_ORIGIN: &str = "demo.fundtrail.local/registry";

/// How many ports after the demo ledger's are tried for the platform before any free one.
const PORTS_TRIED: u16 = 50;

/// Whether and where `fundtrail demo` serves its platform.
#[derive(Debug, clap::Args)]
pub struct DemoPlatformArgs {
    /// Serve the demo ledger only, without the demo platform.
    #[arg(long)]
    pub no_platform: bool,
    /// The demo platform's port on the demo's address (default: the next free one after
    /// the demo ledger's).
    #[arg(long, conflicts_with = "no_platform")]
    pub platform_port: Option<u16>,
}

/// An account as the demo registers it.
struct DemoAccount {
    bank: &'static str,
    holder: &'static str,
    number: &'static str,
}

impl DemoAccount {
    fn account(&self) -> Account {
        Account {
            bank: self.bank.into(),
            holder: self.holder.into(),
            number: self.number.into(),
        }
    }
}

/// A campaign of a demo organisation: its id, title, purpose, goal in VND, and donations
/// (amount in VND, day, donor).
struct DemoCampaign {
    id: &'static str,
    title: &'static str,
    purpose: &'static str,
    goal: u64,
    donations: &'static [(u64, &'static str, &'static str)],
}

/// What happens to a demo organisation after its campaigns are recorded.
enum Afterwards {
    Nothing,
    RotateKey(&'static str),
    Suspend(&'static str),
}

/// A demo organisation.
struct DemoOrg {
    slug: &'static str,
    name: &'static str,
    kind: OrgKind,
    account: DemoAccount,
    registration_number: Option<&'static str>,
    check_note: &'static str,
    campaigns: &'static [DemoCampaign],
    afterwards: Afterwards,
}

/// The registered account the banner offers for the account check, and whose it is.
pub const REGISTERED_NUMBER: &str = "0041 0001 23456";
/// Its bank.
pub const REGISTERED_BANK: &str = "Vietcombank";
/// An account number no demo organisation registered.
pub const UNREGISTERED_NUMBER: &str = "9704 0000 1111 2222";

fn demo_orgs() -> [DemoOrg; 3] {
    [
        DemoOrg {
            slug: "hoa-phuoc",
            name: "Ban Cứu trợ xã Hòa Phước",
            kind: OrgKind::LocalAuthority,
            account: DemoAccount {
                bank: "Agribank",
                holder: "UBND XA HOA PHUOC - BAN CUU TRO",
                number: "2005 2050 12345",
            },
            registration_number: Some("QĐ 45/QĐ-UBND"),
            check_note: "Quyết định thành lập ban cứu trợ của UBND xã đã được đối chiếu",
            campaigns: &[DemoCampaign {
                id: "lu-lut-2026",
                title: "Lũ lụt Hòa Phước 2026",
                purpose:
                    "Gạo, nước sạch và sửa mái nhà cho các hộ bị ngập ở xã Hòa Phước, Đà Nẵng.",
                goal: 300_000_000,
                donations: &[
                    (2_000_000, "2026-11-05", "Trần Thị Bích"),
                    (500_000, "2026-11-05", "Ẩn danh"),
                    (15_000_000, "2026-11-06", "Hợp tác xã Hòa Phước"),
                ],
            }],
            afterwards: Afterwards::Nothing,
        },
        DemoOrg {
            slug: "quy-ban-mai",
            name: "Quỹ Ban Mai",
            kind: OrgKind::Ngo,
            account: DemoAccount {
                bank: REGISTERED_BANK,
                holder: "QUY BAN MAI",
                number: REGISTERED_NUMBER,
            },
            registration_number: Some("1234/QĐ-BNV"),
            check_note: "Giấy phép thành lập quỹ và điều lệ đã được xem",
            campaigns: &[
                DemoCampaign {
                    id: "hoc-bong-quang-nam",
                    title: "Học bổng cho học sinh vùng lũ Quảng Nam",
                    purpose:
                        "Sách vở, xe đạp và học phí cho 120 học sinh ở các xã bị lũ của Quảng Nam.",
                    goal: 200_000_000,
                    donations: &[
                        (1_000_000, "2026-11-03", "Nguyễn Văn An"),
                        (3_000_000, "2026-11-04", "Công ty TNHH Minh Long"),
                    ],
                },
                DemoCampaign {
                    id: "nuoc-sach-quang-tri",
                    title: "Bể lọc nước cho trường học ở Quảng Trị",
                    purpose: "Bể lọc nước sạch cho 6 điểm trường ở huyện Hải Lăng, Quảng Trị.",
                    goal: 90_000_000,
                    donations: &[(750_000, "2026-11-07", "Lê Hoàng")],
                },
            ],
            afterwards: Afterwards::RotateKey("Khóa ký mới sau khi thay máy chủ"),
        },
        DemoOrg {
            slug: "chi-lan-mo-mat",
            name: "Chị Nguyễn Thị Lan gây quỹ mổ mắt",
            kind: OrgKind::Individual,
            account: DemoAccount {
                bank: "MB",
                holder: "NGUYEN THI LAN",
                number: "0988 123 456",
            },
            registration_number: None,
            check_note: "Căn cước công dân đã được đối chiếu",
            campaigns: &[DemoCampaign {
                id: "mo-mat-hue",
                title: "Mổ mắt cho các cụ ở Huế",
                purpose: "Mổ đục thủy tinh thể cho 20 cụ già ở Huế.",
                goal: 60_000_000,
                donations: &[(200_000, "2026-11-02", "Phạm Minh")],
            }],
            afterwards: Afterwards::Suspend("Chưa nộp sao kê tài khoản theo yêu cầu của nền tảng"),
        },
    ]
}

/// The demo platform, made and bound, not yet serving.
pub struct DemoPlatform {
    platform: Arc<Platform>,
    listener: tokio::net::TcpListener,
    admin_token: String,
}

/// Binds the demo platform's port on `demo`'s address (`port` when given, else the first
/// free one after `demo`'s), then makes the platform in `root` (which must not hold one).
///
/// # Errors
/// [`CliError::Usage`] when the platform cannot be made or the port bound.
pub(super) async fn start(
    root: &Path,
    demo: SocketAddr,
    port: Option<u16>,
    settings: OrgSettings,
) -> Result<DemoPlatform, CliError> {
    let listener = match port {
        Some(port) => bind(SocketAddr::new(demo.ip(), port)).await?,
        None => next_free(demo).await?,
    };
    let dir = PlatformDir::new(root);
    let made = dir
        .init(&PlatformConfig {
            name: "Nền tảng demo".into(),
            origin: REGISTRY_ORIGIN.into(),
        })
        .await?;
    let platform = Platform::open(dir, settings).await?;
    if let Err(e) = populate(&platform).await {
        platform.close().await;
        return Err(e);
    }
    Ok(DemoPlatform {
        platform: Arc::new(platform),
        listener,
        admin_token: made.admin_token,
    })
}

/// Binds the first free port after `demo`'s, or any free one.
async fn next_free(demo: SocketAddr) -> Result<tokio::net::TcpListener, CliError> {
    for offset in 1..=PORTS_TRIED {
        let Some(port) = demo.port().checked_add(offset) else {
            break;
        };
        if let Ok(listener) = tokio::net::TcpListener::bind(SocketAddr::new(demo.ip(), port)).await
        {
            return Ok(listener);
        }
    }
    Ok(bind(SocketAddr::new(demo.ip(), 0)).await?)
}

/// Creates every demo organisation with its campaigns and donations, then rotates or
/// suspends those meant to be.
async fn populate(platform: &Platform) -> Result<(), CliError> {
    for org in demo_orgs() {
        create(platform, &org).await?;
    }
    Ok(())
}

/// Creates `org` as `org create` does, records its campaigns and donations as its own
/// recorder, then rotates its key or suspends it as the platform API does.
async fn create(platform: &Platform, org: &DemoOrg) -> Result<(), CliError> {
    let failed = |e: &dyn std::fmt::Display| {
        CliError::Usage(format!("demo platform organisation {}: {e}", org.slug))
    };
    platform
        .create_org(
            NewOrg {
                slug: org.slug.into(),
                name: org.name.into(),
                kind: org.kind,
                accounts: vec![org.account.account()],
                checks: OrgChecks {
                    document_sha256: None,
                    note: Some(org.check_note.into()),
                    registration_number: org.registration_number.map(Into::into),
                },
                origin: None,
            },
            DEMO_PLATFORM_RECORDER,
        )
        .await?;
    let running = platform
        .org(org.slug)
        .await?
        .ok_or_else(|| failed(&"not registered after its creation"))?;
    let (_, recorder_id) =
        create_token(&running.state.store, Role::Recorder, "demo-recorder").await?;
    let recorded_by = format!("demo-recorder #{recorder_id}");
    for body in entries_of(org)? {
        running
            .state
            .sequencer
            .append(AppendRequest {
                body,
                recorded_by: recorded_by.clone(),
                idempotency_key: None,
                separate_gift: false,
                private: None,
            })
            .await
            .map_err(|e| failed(&e))?;
    }
    match org.afterwards {
        Afterwards::Nothing => {}
        Afterwards::RotateKey(note) => {
            let rotated = crate::key_rotation::rotate_signing_key(
                &running.state,
                &platform.dir().org(org.slug),
                Some(note.into()),
                DEMO_PLATFORM_RECORDER,
            )
            .await
            .map_err(|e| failed(&e.message))?;
            platform
                .record_key(
                    org.slug,
                    rotated.verifier_key,
                    Some(note.into()),
                    DEMO_PLATFORM_RECORDER,
                )
                .await?;
        }
        Afterwards::Suspend(reason) => {
            platform
                .suspend(org.slug, reason.into(), DEMO_PLATFORM_RECORDER)
                .await?;
        }
    }
    Ok(())
}

/// `org`'s campaign openings and donations, in order.
fn entries_of(org: &DemoOrg) -> Result<Vec<Body>, CliError> {
    let vnd = Currency::parse("VND").map_err(|e| CliError::Usage(format!("VND: {e}")))?;
    let amount = |units: u64| {
        Minor::new(units).map_err(|e| CliError::Usage(format!("demo amount {units}: {e}")))
    };
    let mut entries = Vec::new();
    for c in org.campaigns {
        entries.push(Body::CampaignOpen(CampaignOpen {
            approval: None,
            accounts: vec![org.account.account()],
            currency: vnd,
            ends_on: None,
            goal: Some(amount(c.goal)?),
            id: c.id.into(),
            purpose: c.purpose.into(),
            title: c.title.into(),
        }));
        for (units, day, donor) in c.donations {
            entries.push(Body::Donation(Donation {
                amount: amount(*units)?,
                campaign: c.id.into(),
                channel: Channel::BankTransfer,
                commitment: None,
                currency: vnd,
                donor: (*donor).into(),
                in_kind: None,
                memo: None,
                pledge: None,
                received_at: (*day).into(),
                reference: None,
            }));
        }
    }
    Ok(entries)
}

impl DemoPlatform {
    /// Prints where the platform is and what to try on it: a registered account (its bank
    /// and organisation) and one no organisation registered.
    ///
    /// # Errors
    /// [`CliError::Usage`] when the listener's address cannot be read.
    pub fn print_banner(&self) -> Result<(), CliError> {
        let local = self.listener.local_addr()?;
        let orgs = demo_orgs();
        let slugs: Vec<&str> = orgs.iter().map(|o| o.slug).collect();
        println!(
            "Demo platform of {} organisations in {}: http://{local}/ (registry: http://{local}/registry/; organisations: {})",
            orgs.len(),
            self.platform.dir().root().display(),
            slugs.iter().map(|s| format!("http://{local}/o/{s}/")).collect::<Vec<_>>().join(", ")
        );
        println!("Platform administrator token: {}", self.admin_token);
        let holder = orgs
            .iter()
            .find(|o| o.account.number == REGISTERED_NUMBER)
            .map_or("?", |o| o.name);
        println!(
            "Try \"Check an account before you transfer\" on http://{local}/: {REGISTERED_NUMBER} at {REGISTERED_BANK} is registered ({holder}); {UNREGISTERED_NUMBER} is not registered"
        );
        Ok(())
    }

    /// Serves the platform until `shutdown`, then stops its ledgers.
    ///
    /// # Errors
    /// I/O errors from the listener.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = crate::http::platform::router(Arc::clone(&self.platform));
        let served =
            crate::http::server::serve(self.listener, router, self.platform.guard(), shutdown)
                .await;
        Platform::close_shared(self.platform).await;
        served
    }
}
