//! `/log/` served as C2SP tlog-tiles, read by `tlog_tiles` (the port of Go's tlog): its
//! own list of tiles for a tree, its own path encoding, its own authentication of every
//! tile against the signed root.

use crate::helpers::app::{spawn_app, TestApp};
use fundtrail::ledger::checkpoint::verify_checkpoint;
use fundtrail::ledger::Hash;
use std::collections::HashMap;

/// The tiles of a tree of `size` leaves as `tlog_tiles` lists them (height 8), fetched from
/// `app` at the C2SP path: Go's `tile/8/L/N` without the height.
async fn fetch_tiles(app: &TestApp, size: u64) -> HashMap<tlog_tiles::Tile, Vec<u8>> {
    let mut tiles = HashMap::new();
    for tile in tlog_tiles::Tile::new_tiles(8, 0, size) {
        let path = tile.path().replacen("tile/8/", "tile/", 1);
        let response = app
            .client
            .get(format!("{}/log/{path}", app.address))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200, "{path} at size {size}");
        tiles.insert(tile, response.bytes().await.expect("body").to_vec());
    }
    tiles
}

/// Tiles at hand, as `tlog_tiles` reads them.
struct Fetched(HashMap<tlog_tiles::Tile, Vec<u8>>);

impl tlog_tiles::TileReader for Fetched {
    fn height(&self) -> u8 {
        8
    }
    fn read_tiles(&self, tiles: &[tlog_tiles::Tile]) -> Result<Vec<Vec<u8>>, tlog_tiles::Error> {
        tiles
            .iter()
            .map(|t| {
                self.0
                    .get(t)
                    .cloned()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
    fn save_tiles(&self, _tiles: &[tlog_tiles::Tile], _data: &[Vec<u8>]) {}
}

fn hashes(v: &serde_json::Value) -> Vec<Hash> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|h| Hash::from_hex(h.as_str().expect("hex")).expect("a hash"))
        .collect()
}

/// The leaves of an entry bundle: each a big-endian u16 length, then its bytes.
fn bundle_leaves(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut leaves = Vec::new();
    while !bytes.is_empty() {
        let len = usize::from(u16::from_be_bytes([bytes[0], bytes[1]]));
        leaves.push(bytes[2..2 + len].to_vec());
        bytes = &bytes[2 + len..];
    }
    leaves
}

#[tokio::test]
async fn the_tiles_and_the_api_give_the_same_leaves_roots_and_proofs_at_every_size() {
    let app = spawn_app().await;
    let key = app.key().await;
    app.open_campaign("flood-2026", "VND").await;
    let mut leaves: Vec<Vec<u8>> = Vec::new();
    let mut previous: Option<(u64, Hash)> = None;
    for i in 0..300u64 {
        if i > 0 {
            let r = app.donate("flood-2026", &format!("{}", 1000 + i)).await;
            assert_eq!(r.status(), 201, "{}", r.text());
        }
        let note = app.get_text("/checkpoint").await;
        let cp = verify_checkpoint(&note, &key).expect("checkpoint");
        let size = cp.size;
        let tiles = Fetched(fetch_tiles(&app, size).await);
        let reader = tlog_tiles::TileHashReader::new(size, tlog_tiles::Hash(cp.root.0), &tiles);

        // The root, computed by tlog_tiles from the tiles it authenticated.
        let root = tlog_tiles::tree_hash(size, &reader).expect("tiles authenticate");
        assert_eq!(Hash(root.0), cp.root, "root at size {size}");
        // The newest leaf, from the entry bundle, against the API and the level-0 tile.
        let new_leaf = app
            .get_text(&format!("/entries?start={}&limit=1", size - 1))
            .await;
        leaves.push(new_leaf.trim_end_matches('\n').as_bytes().to_vec());
        let last_bundle = size.div_ceil(256) - 1;
        let width = size - last_bundle * 256;
        let bundle_tile = tlog_tiles::Tile::new(8, 0, last_bundle, width as u32, true);
        let path = bundle_tile
            .path()
            .replacen("tile/8/data/", "tile/entries/", 1);
        let bundle = app
            .client
            .get(format!("{}/log/{path}", app.address))
            .send()
            .await
            .expect("bundle")
            .bytes()
            .await
            .expect("body");
        let from_bundle = bundle_leaves(&bundle);
        assert_eq!(
            from_bundle.as_slice(),
            &leaves[(last_bundle * 256) as usize..],
            "bundle at size {size}"
        );
        let authenticated = tlog_tiles::HashReader::read_hashes(
            &reader,
            &[tlog_tiles::stored_hash_index(0, size - 1)],
        )
        .expect("the level-0 tile holds the leaf's hash");
        assert_eq!(
            authenticated[0],
            tlog_tiles::record_hash(from_bundle.last().expect("a leaf")),
            "leaf {} at size {size}",
            size - 1
        );
        // Inclusion proofs of the first and newest entries.
        for index in [0, size - 1] {
            let ours = tlog_tiles::prove_record(size, index, &reader).expect("proof from tiles");
            let api = app
                .get_json(&format!("/proof/inclusion?index={index}&size={size}"))
                .await;
            let api: Vec<[u8; 32]> = hashes(&api["proof"]).iter().map(|h| h.0).collect();
            let ours: Vec<[u8; 32]> = ours.iter().map(|h| h.0).collect();
            assert_eq!(ours, api, "inclusion of {index} at size {size}");
        }
        // The consistency proof from the previous size.
        if let Some((old, old_root)) = previous {
            let ours = tlog_tiles::prove_tree(size, old, &reader).expect("proof from tiles");
            tlog_tiles::check_tree(&ours, size, root, old, tlog_tiles::Hash(old_root.0))
                .expect("consistent");
            let api = app
                .get_json(&format!("/proof/consistency?from={old}&to={size}"))
                .await;
            let api: Vec<[u8; 32]> = hashes(&api["proof"]).iter().map(|h| h.0).collect();
            let ours: Vec<[u8; 32]> = ours.iter().map(|h| h.0).collect();
            assert_eq!(ours, api, "consistency {old} -> {size}");
        }
        previous = Some((size, cp.root));
    }
    assert_eq!(previous.map(|p| p.0), Some(300));
}

#[tokio::test]
async fn full_tiles_are_immutable_partial_ones_short_lived_and_missing_ones_404() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    for i in 0..256 {
        let r = app.donate("flood-2026", &format!("{}", 1000 + i)).await;
        assert_eq!(r.status(), 201);
    }
    let get = |path: &'static str| {
        let (client, base) = (app.client.clone(), app.address.clone());
        async move {
            let r = client
                .get(format!("{base}/log/{path}"))
                .send()
                .await
                .expect("request sent");
            let header = |name: &str| {
                r.headers()
                    .get(name)
                    .map(|v| v.to_str().expect("text").to_string())
            };
            let (cache, kind) = (header("cache-control"), header("content-type"));
            (
                r.status().as_u16(),
                cache,
                kind,
                r.bytes().await.expect("body").len(),
            )
        }
    };

    let full = get("tile/0/000").await;
    let partial = get("tile/0/001.p/1").await;
    let upper = get("tile/1/000.p/1").await;
    let checkpoint = get("checkpoint").await;

    assert_eq!(full.0, 200);
    assert_eq!(
        full.1.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(full.2.as_deref(), Some("application/octet-stream"));
    assert_eq!(full.3, 8192);
    assert_eq!((partial.0, partial.3), (200, 32));
    assert_eq!(partial.1.as_deref(), Some("public, max-age=10"));
    assert_eq!((upper.0, upper.3), (200, 32));
    assert_eq!(checkpoint.0, 200);
    assert_eq!(checkpoint.1.as_deref(), Some("public, max-age=2"));
    assert_eq!(checkpoint.2.as_deref(), Some("text/plain; charset=utf-8"));
    assert_eq!(get("tile/entries/001.p/1").await.0, 200);
    assert_eq!(
        get("policy").await.0,
        204,
        "no policy published: no content, not an error"
    );
    for missing in [
        "tile/0/001.p/2",
        "tile/0/002",
        "tile/1/000",
        "tile/0/1",
        "tile/00/000",
    ] {
        assert_eq!(get(missing).await.0, 404, "{missing}");
    }
}
