//! The demo ledger of the shared vectors (`tests/vectors/demo/`): 20 entries over three
//! campaigns, built entry by entry so every byte of its bundle is decided here.

use crate::helpers::ledger::{close, currency, minor, LedgerBuilder};
use fundtrail::ledger::entry::{
    Account, CampaignOpen, Channel, Disbursement, Donation, Evidence, InKind, Reversal,
    ReversalReason, Transfer,
};
use fundtrail::ledger::hash::{donor_commitment, sha256};
use fundtrail::ledger::Body;

fn account(bank: &str, number: &str, holder: &str) -> Account {
    Account {
        bank: bank.into(),
        holder: holder.into(),
        number: number.into(),
    }
}

pub fn evidence(media_type: &str, name: &str, contents: &str, size: u64) -> Evidence {
    Evidence {
        media_type: media_type.into(),
        name: Some(name.into()),
        sha256: sha256(contents.as_bytes()),
        size,
    }
}

struct Gift<'a> {
    campaign: &'a str,
    code: &'a str,
    amount: u64,
    channel: Channel,
    donor: &'a str,
    received_at: &'a str,
}

impl Gift<'_> {
    fn body(&self, reference: Option<&str>, memo: Option<&str>) -> Donation {
        Donation {
            amount: minor(self.amount),
            campaign: self.campaign.into(),
            channel: self.channel,
            commitment: None,
            currency: currency(self.code),
            donor: self.donor.into(),
            in_kind: None,
            memo: memo.map(Into::into),
            pledge: None,
            received_at: self.received_at.into(),
            reference: reference.map(Into::into),
        }
    }
}

pub fn gift(campaign: &str, code: &str, amount: u64, channel: Channel, donor: &str) -> Donation {
    Gift {
        campaign,
        code,
        amount,
        channel,
        donor,
        received_at: "2026-11-02",
    }
    .body(None, None)
}

pub fn paid(
    campaign: &str,
    code: &str,
    amount: u64,
    recipient: &str,
    purpose: &str,
    evidence: Vec<Evidence>,
) -> Body {
    Body::Disbursement(Disbursement {
        approval: None,
        amount: minor(amount),
        budget_line: None,
        campaign: campaign.into(),
        currency: currency(code),
        evidence,
        paid_at: "2026-11-05".into(),
        purpose: purpose.into(),
        recipient: recipient.into(),
        reference: None,
    })
}

/// The demo ledger: 20 entries over three campaigns, every kind of entry, every channel that
/// matters, hostile and non-ASCII text, a donor commitment, a reversal, a transfer, a close.
/// Longer than 80 lines because it writes out each of the 20 entries.
pub fn demo() -> LedgerBuilder {
    let mut b = LedgerBuilder::new();
    b.append(
        "lan",
        Body::CampaignOpen(CampaignOpen {
            approval: None,
            accounts: vec![
                account("Vietcombank", "0071001234567", "Quỹ Cứu trợ Miền Trung"),
                account("BIDV", "12010000998877", "Quỹ Cứu trợ Miền Trung"),
            ],
            currency: currency("VND"),
            ends_on: Some("2026-12-31".into()),
            goal: Some(minor(500_000_000)),
            id: "flood-2026".into(),
            purpose: "Nước uống, lương thực và chỗ ở tạm cho các gia đình vùng lũ Quảng Bình."
                .into(),
            title: "Lũ lụt miền Trung 2026".into(),
        }),
    );
    b.append(
        "lan",
        Body::CampaignOpen(CampaignOpen {
            approval: None,
            accounts: vec![account(
                "Vietcombank",
                "0071009876543",
                "Quỹ Cứu trợ Miền Trung",
            )],
            currency: currency("VND"),
            ends_on: None,
            goal: Some(minor(50_000_000)),
            id: "school-roofs-2026".into(),
            purpose: "Lợp lại mái cho ba điểm trường bị lũ cuốn.".into(),
            title: "Mái trường vùng lũ".into(),
        }),
    );
    b.append(
        "minh",
        Body::CampaignOpen(CampaignOpen {
            approval: None,
            accounts: vec![account(
                "Bank of America",
                "4830 1122 9034",
                "Fundtrail Demo Inc.",
            )],
            currency: currency("USD"),
            ends_on: Some("2027-03-31".into()),
            goal: Some(minor(2_000_000)),
            id: "medical-kits".into(),
            purpose: "First-aid and medicine kits for commune health stations.".into(),
            title: "Medical kits for flooded communes".into(),
        }),
    );
    // 3
    let mut hong = Gift {
        campaign: "flood-2026",
        code: "VND",
        amount: 5_000_000,
        channel: Channel::BankTransfer,
        donor: "Nguyễn Thị Hồng Nhung",
        received_at: "2026-11-01",
    }
    .body(Some("FT26305000123"), Some("Ủng hộ bà con miền Trung"));
    hong.memo = Some("Ủng hộ bà con miền Trung\nChúc mọi người bình an".into());
    b.append("token:bank-import", Body::Donation(hong));
    // 4
    b.append(
        "lan",
        Body::Donation(gift(
            "flood-2026",
            "VND",
            2_000_000,
            Channel::Cash,
            "<img src=x onerror=alert(1)>",
        )),
    );
    // 5
    let mut rice = gift(
        "flood-2026",
        "VND",
        15_000_000,
        Channel::InKind,
        "Công ty TNHH Gạo Ngon",
    );
    rice.in_kind = Some(InKind {
        description: "200 bao gạo, mỗi bao 10 kg".into(),
    });
    b.append("lan", Body::Donation(rice));
    // 6: a donor who can later prove this gift is theirs without publishing their name.
    let mut committed = gift(
        "flood-2026",
        "VND",
        10_000_000,
        Channel::BankTransfer,
        "Anonymous",
    );
    committed.commitment = Some(donor_commitment(&[0x5a; 32], "tran.van.binh@example.vn"));
    committed.reference = Some("FT26306000456".into());
    b.append("token:bank-import", Body::Donation(committed));
    // 7, 8, 9
    b.append(
        "minh",
        Body::Donation(gift(
            "medical-kits",
            "USD",
            25_000,
            Channel::Card,
            "Jane Doe",
        )),
    );
    let mut acme = gift(
        "medical-kits",
        "USD",
        100_000,
        Channel::BankTransfer,
        "Acme Foundation",
    );
    acme.reference = Some("WIRE-2026-11-02-0042".into());
    b.append("minh", Body::Donation(acme));
    b.append(
        "lan",
        Body::Donation(gift(
            "school-roofs-2026",
            "VND",
            3_000_000,
            Channel::MobileMoney,
            "Lê Minh Tuấn",
        )),
    );
    // 10, 11
    b.append(
        "lan",
        paid(
            "flood-2026",
            "VND",
            12_000_000,
            "HTX Nông nghiệp Hòa Bình",
            "200 thùng nước uống và 300 thùng mì gói",
            vec![
                evidence(
                    "application/pdf",
                    "hoa-don-0042.pdf",
                    "invoice 0042",
                    48_213,
                ),
                evidence("image/jpeg", "giao-hang.jpg", "delivery photo", 1_204_511),
            ],
        ),
    );
    b.append(
        "minh",
        paid(
            "medical-kits",
            "USD",
            80_000,
            "Pharmacity",
            "40 first-aid kits",
            vec![evidence(
                "application/pdf",
                "receipt.pdf",
                "pharmacity receipt",
                20_991,
            )],
        ),
    );
    // 12, then its reversal 13: the same bank transfer was imported twice.
    b.append(
        "token:bank-import",
        Body::Donation(gift(
            "flood-2026",
            "VND",
            1_000_000,
            Channel::BankTransfer,
            "Phạm Văn Đức",
        )),
    );
    b.append(
        "lan",
        Body::Reversal(Reversal {
            note: Some("Imported twice from the same bank statement".into()),
            reason: ReversalReason::Duplicate,
            reverses: 12,
        }),
    );
    // 14, 15, 16
    b.append(
        "lan",
        Body::Transfer(Transfer {
            approval: None,
            amount: minor(5_000_000),
            currency: currency("VND"),
            from: "flood-2026".into(),
            reason: "Relief phase over; the board moved the surplus to school roofs.".into(),
            reference: None,
            to: "school-roofs-2026".into(),
        }),
    );
    b.append(
        "lan",
        paid(
            "school-roofs-2026",
            "VND",
            7_500_000,
            "Công ty Xây dựng An Phát",
            "Tôn lợp mái cho điểm trường Tân Hóa",
            vec![evidence(
                "application/pdf",
                "hop-dong.pdf",
                "contract",
                310_442,
            )],
        ),
    );
    let mut other = gift("medical-kits", "USD", 5_000, Channel::Other, "Anonymous");
    other.memo = Some("Collected at the church fair".into());
    b.append("minh", Body::Donation(other));
    // 17, 18, 19
    b.append("lan", close("school-roofs-2026"));
    b.append(
        "token:bank-import",
        Body::Donation(
            Gift {
                campaign: "flood-2026",
                code: "VND",
                amount: 750_000,
                channel: Channel::BankTransfer,
                donor: "Đỗ Thị Mai",
                received_at: "2026-11-06",
            }
            .body(Some("FT26310000789"), None),
        ),
    );
    b.append(
        "minh",
        Body::Donation(gift(
            "medical-kits",
            "USD",
            1_999,
            Channel::Card,
            "Ahmed Al-Sayed",
        )),
    );
    b
}
