//! The demo ledger's campaign update (SPEC.md §20.1): a report with a photo of the rice
//! delivered, appended after the demo entries, so `fundtrail demo` shows updates and their
//! thumbnails on the flood campaign's page.

use crate::ledger::entry::{Body, Evidence, Update};
use crate::ledger::hash::sha256;
use crate::sequencer::{AppendError, AppendRequest, SequencerHandle};

/// The photo of the update: a small drawing of rice sacks (PNG).
pub const PHOTO: &[u8] = include_bytes!("demo-photos/rice-delivered.png");

/// The photo's media type.
pub const PHOTO_TYPE: &str = "image/png";

/// The demo's update entries, in order.
pub fn demo_updates() -> Vec<Body> {
    vec![Body::Update(Update {
        campaign: "flood-2026".into(),
        date: "2026-11-10".into(),
        evidence: vec![Evidence {
            media_type: PHOTO_TYPE.into(),
            name: Some("giao-gao-nghia-hanh.png".into()),
            sha256: sha256(PHOTO),
            size: PHOTO.len() as u64,
        }],
        text: "Đã trao 600 kg gạo cho 120 hộ ở xã Nghĩa Hành, mỗi hộ 5 kg. Ảnh chụp lúc giao tại nhà văn hóa xã.\n600 kg of rice delivered to 120 families in Nghĩa Hành, 5 kg each.".into(),
        title: "Gạo đã đến tay 120 hộ · Rice delivered to 120 families".into(),
    })]
}

/// Appends the demo's updates through the sequencer, as `recorded_by`; returns the size
/// after them.
///
/// # Errors
/// The first refused append.
pub async fn populate_updates(
    sequencer: &SequencerHandle,
    recorded_by: &str,
) -> Result<u64, AppendError> {
    let mut size = 0;
    for body in demo_updates() {
        let a = sequencer
            .append(AppendRequest {
                body,
                recorded_by: recorded_by.into(),
                idempotency_key: None,
                separate_gift: false,
                private: None,
            })
            .await?;
        size = a.seq + 1;
    }
    Ok(size)
}
