//! The one streaming verifier (SPEC.md §9): leaves in order, then optionally a signed
//! checkpoint, a verifier key and claimed totals. Memory grows with the number of
//! campaigns and money entries (16-byte records to check reversals), never with leaf bytes.

use super::canonical::{decode, LeafError};
use super::checkpoint::{verify_checkpoint, Checkpoint, CheckpointError};
use super::entry::Entry;
use super::hash::{leaf_hash, Hash};
use super::merkle::CompactTree;
use super::state::LedgerState;
use super::totals::{Totals, TotalsMismatch};
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::{mpsc, Condvar, Mutex};

/// The first thing found wrong, located precisely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Entry `seq` (its position in the ledger) is malformed or breaks a rule.
    #[error("entry {seq}: {problem}")]
    Entry { seq: u64, problem: String },
    /// The checkpoint does not verify.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The checkpoint is for a different number of entries.
    #[error("checkpoint: covers {checkpoint} entries, but the ledger has {entries}")]
    CheckpointSize { checkpoint: u64, entries: u64 },
    /// The checkpoint's root is not the root of the entries.
    #[error(
        "checkpoint: root {claimed} does not match the root of the {size} entries, {computed}"
    )]
    RootMismatch {
        size: u64,
        claimed: Hash,
        computed: Hash,
    },
    /// The claimed totals differ from the entries.
    #[error(transparent)]
    Totals(#[from] TotalsMismatch),
    /// The bundle file is not in the format of SPEC.md §10.
    #[error("bundle: {0}")]
    Bundle(String),
}

/// What a successful verification established.
#[derive(Debug, Clone)]
pub struct Report {
    /// Number of entries.
    pub size: u64,
    /// Merkle root of all entries.
    pub root: Hash,
    /// The verified checkpoint, when one was given.
    pub checkpoint: Option<Checkpoint>,
    /// Totals recomputed from the entries.
    pub totals: Totals,
}

/// Checks leaves one at a time, in order.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    state: LedgerState,
    tree: CompactTree,
}

impl Verifier {
    /// A verifier at the start of the ledger.
    pub fn new() -> Self {
        Verifier {
            state: LedgerState::new(),
            tree: CompactTree::new(),
        }
    }

    /// Checks the next leaf: canonical form, fields, `seq`, `prev` link, time order and
    /// every invariant; then adds it to the tree and the totals.
    ///
    /// # Errors
    /// [`VerifyError::Entry`] naming the entry's position.
    pub fn push_leaf(&mut self, leaf: &[u8]) -> Result<Hash, VerifyError> {
        let seq = self.state.size();
        let bad = |problem: String| VerifyError::Entry { seq, problem };
        let entry = decode(leaf).map_err(|e| bad(e.to_string()))?;
        let hash = leaf_hash(leaf);
        self.push_decoded(&entry, hash)?;
        Ok(hash)
    }

    /// The second half of [`Verifier::push_leaf`], for a leaf already decoded and hashed.
    fn push_decoded(&mut self, entry: &Entry, hash: Hash) -> Result<(), VerifyError> {
        let seq = self.state.size();
        self.state
            .apply(entry, hash)
            .map_err(|e| VerifyError::Entry {
                seq,
                problem: e.to_string(),
            })?;
        self.tree.push(hash);
        Ok(())
    }

    /// Entries checked so far.
    pub fn size(&self) -> u64 {
        self.state.size()
    }

    /// Merkle root of the entries checked so far.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The ledger state after the entries checked so far.
    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// Finishes: checks the signed checkpoint (when given, with `vkey`) covers exactly these
    /// entries, and the claimed totals (when given) equal the recomputed ones.
    ///
    /// # Errors
    /// The first [`VerifyError`].
    pub fn finish(
        self,
        checkpoint: Option<(&str, &str)>,
        claimed: Option<&Totals>,
    ) -> Result<Report, VerifyError> {
        let root = self.tree.root();
        let size = self.state.size();
        let checkpoint = match checkpoint {
            None => None,
            Some((note, vkey)) => {
                let cp = verify_checkpoint(note, vkey)?;
                if cp.size != size {
                    return Err(VerifyError::CheckpointSize {
                        checkpoint: cp.size,
                        entries: size,
                    });
                }
                if cp.root != root {
                    return Err(VerifyError::RootMismatch {
                        size,
                        claimed: cp.root,
                        computed: root,
                    });
                }
                Some(cp)
            }
        };
        let totals = Totals::of(&self.state);
        if let Some(claimed) = claimed {
            claimed.check_against(&totals)?;
        }
        Ok(Report {
            size,
            root,
            checkpoint,
            totals,
        })
    }
}

/// The first line of every bundle.
pub const BUNDLE_MAGIC: &str = "fundtrail-bundle v1";

/// The header of a bundle signed by `vkey` (SPEC.md §10); leaves follow, one per line.
pub fn bundle_header(vkey: &str) -> String {
    format!("{BUNDLE_MAGIC}\nkey {vkey}\n\n")
}

/// The trailer of a bundle: a blank line, then the signed checkpoint note.
pub fn bundle_trailer(note: &str) -> String {
    format!("\n{note}")
}

/// Verifies a whole bundle read from `input`. When `pinned_key` is given, the bundle's key
/// must be that key. `progress` is called with the number of entries checked, every 4096.
///
/// Leaves are decoded and hashed on a second thread while this one reads the input and
/// applies them in order (see [`Pipeline`]); the error reported is always the one a
/// one-leaf-at-a-time [`Verifier`] would report first.
///
/// # Errors
/// The first [`VerifyError`]; I/O errors are reported as [`VerifyError::Bundle`].
pub fn verify_bundle<R: BufRead>(
    input: R,
    pinned_key: Option<&str>,
    claimed: Option<&Totals>,
    progress: impl FnMut(u64),
) -> Result<Report, VerifyError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    verify_bundle_with(
        input,
        pinned_key,
        claimed,
        progress,
        Pipeline::new(workers > 1),
    )
}

fn verify_bundle_with<R: BufRead>(
    mut input: R,
    pinned_key: Option<&str>,
    claimed: Option<&Totals>,
    mut progress: impl FnMut(u64),
    pipeline: Pipeline,
) -> Result<Report, VerifyError> {
    let mut line = Vec::with_capacity(1024);
    let read_line = |input: &mut R, line: &mut Vec<u8>| -> Result<bool, VerifyError> {
        line.clear();
        read_line_into(input, line)
    };
    if !read_line(&mut input, &mut line)? || line != BUNDLE_MAGIC.as_bytes() {
        return Err(VerifyError::Bundle(format!(
            "first line is not {BUNDLE_MAGIC:?}"
        )));
    }
    if !read_line(&mut input, &mut line)? || !line.starts_with(b"key ") {
        return Err(VerifyError::Bundle(
            "second line is not `key <verifier key>`".into(),
        ));
    }
    let key = String::from_utf8(line[4..].to_vec())
        .map_err(|_| VerifyError::Bundle("key is not UTF-8".into()))?;
    if let Some(pinned) = pinned_key {
        if pinned.trim() != key {
            return Err(VerifyError::Checkpoint(CheckpointError::BadSignature(
                format!("{pinned} (the bundle names a different key, {key})"),
            )));
        }
    }
    if !read_line(&mut input, &mut line)? || !line.is_empty() {
        return Err(VerifyError::Bundle("third line must be empty".into()));
    }
    let mut verifier = Verifier::new();
    pipeline.run(&mut input, &mut verifier, &mut progress)?;
    let mut note = Vec::new();
    while read_line(&mut input, &mut line)? {
        note.extend_from_slice(&line);
        note.push(b'\n');
    }
    let note = String::from_utf8(note)
        .map_err(|_| VerifyError::Bundle("checkpoint is not UTF-8".into()))?;
    progress(verifier.size());
    verifier.finish(Some((&note, &key)), claimed)
}

/// Appends the next line of `input` to `buf` without its `\n`: `false` at the end of the
/// input, an error when the input ends inside a line.
fn read_line_into<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> Result<bool, VerifyError> {
    let n = input
        .read_until(b'\n', buf)
        .map_err(|e| VerifyError::Bundle(e.to_string()))?;
    if n > 0 && buf.last() == Some(&b'\n') {
        buf.pop();
        Ok(true)
    } else if n > 0 {
        Err(VerifyError::Bundle(
            "file ends in the middle of a line".into(),
        ))
    } else {
        Ok(false)
    }
}

/// Consecutive leaves read from a bundle, stored back to back.
#[derive(Default)]
struct Chunk {
    data: Vec<u8>,
    /// Where each leaf ends in `data`.
    ends: Vec<usize>,
}

impl Chunk {
    fn leaves(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, b)| &self.data[a..*b])
    }
}

/// A chunk's leaves decoded and hashed, up to the first one that does not decode.
struct Decoded {
    entries: Vec<(Entry, Hash)>,
    error: Option<LeafError>,
}

fn decode_chunk(chunk: &Chunk) -> Decoded {
    let mut entries = Vec::with_capacity(chunk.ends.len());
    for leaf in chunk.leaves() {
        match decode(leaf) {
            Ok(entry) => entries.push((entry, leaf_hash(leaf))),
            Err(e) => {
                return Decoded {
                    entries,
                    error: Some(e),
                }
            }
        }
    }
    Decoded {
        entries,
        error: None,
    }
}

/// How the leaves section of a bundle ended.
enum End {
    /// The blank line before the checkpoint.
    Blank,
    /// The end of the input, without a checkpoint.
    Eof,
    /// A read error, or a last line without `\n`.
    Failed(VerifyError),
}

/// Chunks waiting to be decoded, shared by the reading thread and the decoding worker.
#[derive(Default)]
struct Queue {
    todo: VecDeque<(u64, Chunk)>,
    closed: bool,
}

/// The leaves of a bundle, verified in two stages. The calling thread reads chunks of
/// leaves; decoding and leaf hashing (which need nothing but the leaf) run on a worker
/// thread, and on the calling thread too whenever it has read far enough ahead; the calling
/// thread then applies the decoded entries strictly in order. A chunk is decoded only up to
/// its first bad leaf, and chunks are applied in order, so the first error reported is the
/// one [`Verifier::push_leaf`] would report leaf by leaf, and a problem with the input
/// itself only counts once every leaf before it verified.
struct Pipeline {
    /// Whether to start the worker thread (otherwise the calling thread does everything).
    worker: bool,
    /// Leaves per chunk (a chunk also ends after `CHUNK_BYTES`).
    chunk_leaves: usize,
    /// Chunks read but not yet applied, at most.
    in_flight: u64,
}

const CHUNK_BYTES: usize = 256 * 1024;

impl Pipeline {
    fn new(worker: bool) -> Self {
        Pipeline {
            worker,
            chunk_leaves: 256,
            in_flight: 8,
        }
    }

    /// Verifies leaves up to and including the blank line that ends them.
    fn run<R: BufRead>(
        &self,
        input: &mut R,
        verifier: &mut Verifier,
        progress: &mut impl FnMut(u64),
    ) -> Result<(), VerifyError> {
        let queue = (Mutex::new(Queue::default()), Condvar::new());
        let (done_tx, done_rx) = mpsc::channel::<(u64, Chunk, Decoded)>();
        std::thread::scope(|scope| {
            if self.worker {
                let queue = &queue;
                scope.spawn(move || {
                    while let Some((i, chunk)) = next_chunk(queue) {
                        let decoded = decode_chunk(&chunk);
                        if done_tx.send((i, chunk, decoded)).is_err() {
                            break;
                        }
                    }
                });
            } else {
                drop(done_tx);
            }
            // Closing the queue when this returns, however it returns, stops the worker.
            let _close = CloseOnDrop(&queue);
            self.main(input, verifier, progress, &queue, &done_rx)
        })
    }

    fn main<R: BufRead>(
        &self,
        input: &mut R,
        verifier: &mut Verifier,
        progress: &mut impl FnMut(u64),
        queue: &(Mutex<Queue>, Condvar),
        done: &mpsc::Receiver<(u64, Chunk, Decoded)>,
    ) -> Result<(), VerifyError> {
        let lock = || queue.0.lock().unwrap_or_else(|e| e.into_inner());
        let (mut read, mut applied) = (0u64, 0u64);
        // Decoded chunks `applied..read`, when ready.
        let mut ready: VecDeque<Option<(Chunk, Decoded)>> = VecDeque::new();
        let mut spare: Vec<Chunk> = Vec::new();
        let mut end = None;
        loop {
            while let Some(Some(_)) = ready.front() {
                if let Some(Some((mut chunk, decoded))) = ready.pop_front() {
                    apply(verifier, decoded, progress)?;
                    applied += 1;
                    chunk.data.clear();
                    chunk.ends.clear();
                    spare.push(chunk);
                }
            }
            if end.is_none() && read - applied < self.in_flight {
                let mut chunk = spare.pop().unwrap_or_default();
                end = self.fill(input, &mut chunk);
                if !chunk.ends.is_empty() {
                    ready.push_back(None);
                    if self.worker {
                        lock().todo.push_back((read, chunk));
                        queue.1.notify_one();
                    } else {
                        let decoded = decode_chunk(&chunk);
                        ready[(read - applied) as usize] = Some((chunk, decoded));
                    }
                    read += 1;
                }
                continue;
            }
            if read == applied {
                return match end {
                    Some(End::Blank) => Ok(()),
                    Some(End::Eof) | None => Err(VerifyError::Bundle(format!(
                        "ends after {} entries without a checkpoint",
                        verifier.size()
                    ))),
                    Some(End::Failed(e)) => Err(e),
                };
            }
            // Decode a waiting chunk here rather than wait for the worker.
            let stolen = lock().todo.pop_front();
            let (i, chunk, decoded) = match stolen {
                Some((i, chunk)) => {
                    let decoded = decode_chunk(&chunk);
                    (i, chunk, decoded)
                }
                None => done
                    .recv()
                    .map_err(|_| VerifyError::Bundle("the decoding thread stopped".into()))?,
            };
            ready[(i - applied) as usize] = Some((chunk, decoded));
        }
    }

    /// Reads leaves into `chunk` until it is full or the leaves end; says how they ended.
    fn fill<R: BufRead>(&self, input: &mut R, chunk: &mut Chunk) -> Option<End> {
        while chunk.ends.len() < self.chunk_leaves && chunk.data.len() < CHUNK_BYTES {
            let start = chunk.data.len();
            match read_line_into(input, &mut chunk.data) {
                Err(e) => {
                    chunk.data.truncate(start);
                    return Some(End::Failed(e));
                }
                Ok(false) => return Some(End::Eof),
                Ok(true) if chunk.data.len() == start => return Some(End::Blank),
                Ok(true) => chunk.ends.push(chunk.data.len()),
            }
        }
        None
    }
}

/// Applies a decoded chunk in order; the first error names its entry.
fn apply(
    verifier: &mut Verifier,
    decoded: Decoded,
    progress: &mut impl FnMut(u64),
) -> Result<(), VerifyError> {
    for (entry, hash) in &decoded.entries {
        verifier.push_decoded(entry, *hash)?;
        if verifier.size() % 4096 == 0 {
            progress(verifier.size());
        }
    }
    match decoded.error {
        None => Ok(()),
        Some(e) => Err(VerifyError::Entry {
            seq: verifier.size(),
            problem: e.to_string(),
        }),
    }
}

fn next_chunk(queue: &(Mutex<Queue>, Condvar)) -> Option<(u64, Chunk)> {
    let mut q = queue.0.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.closed {
            return None;
        }
        if let Some(next) = q.todo.pop_front() {
            return Some(next);
        }
        q = queue.1.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

struct CloseOnDrop<'a>(&'a (Mutex<Queue>, Condvar));

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0 .0.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.0 .1.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::canonical::encode;
    use crate::ledger::checkpoint::CheckpointSigner;
    use crate::ledger::entry::{Account, Body, CampaignOpen, Channel, Donation};
    use crate::ledger::hash::ZERO_HASH;
    use crate::ledger::money::{Currency, Minor};

    /// `verify_bundle` before pipelining: one leaf at a time, reading as it goes.
    fn leaf_by_leaf<R: BufRead>(
        mut input: R,
        mut progress: impl FnMut(u64),
    ) -> Result<Report, VerifyError> {
        let mut line = Vec::new();
        let mut read_line = |line: &mut Vec<u8>| {
            line.clear();
            read_line_into(&mut input, line)
        };
        if !read_line(&mut line)? || line != BUNDLE_MAGIC.as_bytes() {
            return Err(VerifyError::Bundle("magic".into()));
        }
        if !read_line(&mut line)? || !line.starts_with(b"key ") {
            return Err(VerifyError::Bundle("key".into()));
        }
        let key = String::from_utf8(line[4..].to_vec()).unwrap_or_default();
        if !read_line(&mut line)? || !line.is_empty() {
            return Err(VerifyError::Bundle("third line".into()));
        }
        let mut verifier = Verifier::new();
        loop {
            if !read_line(&mut line)? {
                return Err(VerifyError::Bundle(format!(
                    "ends after {} entries without a checkpoint",
                    verifier.size()
                )));
            }
            if line.is_empty() {
                break;
            }
            verifier.push_leaf(&line)?;
            if verifier.size() % 4096 == 0 {
                progress(verifier.size());
            }
        }
        let mut note = Vec::new();
        while read_line(&mut line)? {
            note.extend_from_slice(&line);
            note.push(b'\n');
        }
        let note = String::from_utf8(note)
            .map_err(|_| VerifyError::Bundle("checkpoint is not UTF-8".into()))?;
        progress(verifier.size());
        verifier.finish(Some((&note, &key)), None)
    }

    fn entry(seq: u64, prev: Hash, body: Body) -> Entry {
        Entry {
            seq,
            prev,
            recorded_at: "2026-11-24T10:00:00.000000Z".into(),
            recorded_by: "lan".into(),
            body,
        }
    }

    fn open() -> Body {
        Body::CampaignOpen(CampaignOpen {
            accounts: vec![Account {
                bank: "Vietcombank".into(),
                holder: "Quỹ".into(),
                number: "0071".into(),
            }],
            currency: Currency::parse("VND").unwrap(),
            ends_on: None,
            goal: None,
            id: "flood".into(),
            purpose: "Food".into(),
            title: "Flood".into(),
        })
    }

    fn donation(campaign: &str, amount: u64) -> Body {
        Body::Donation(Donation {
            amount: Minor::new(amount).unwrap(),
            campaign: campaign.into(),
            channel: Channel::Cash,
            commitment: None,
            currency: Currency::parse("VND").unwrap(),
            donor: "An \"Bé\"".into(),
            in_kind: None,
            memo: None,
            received_at: "2026-11-23".into(),
            reference: None,
        })
    }

    /// A bundle of `n` leaves (a campaign, then donations), all valid except that leaf
    /// `bad_leaf` is not a valid leaf and leaf `bad_entry` is a donation to an unknown
    /// campaign, ending with `tail` (`None`: a blank line and a valid checkpoint).
    fn bundle(
        signer: &CheckpointSigner,
        n: u64,
        bad_leaf: Option<u64>,
        bad_entry: Option<u64>,
        tail: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut tree = CompactTree::new();
        let mut out = bundle_header(signer.verifier_key()).into_bytes();
        let mut prev = ZERO_HASH;
        for seq in 0..n {
            let body = match seq {
                0 => open(),
                _ if Some(seq) == bad_entry => donation("nowhere", 5),
                _ => donation("flood", 1000 + seq),
            };
            let mut leaf = encode(&entry(seq, prev, body));
            if Some(seq) == bad_leaf {
                leaf.insert(1, b' ');
            }
            prev = leaf_hash(&leaf);
            tree.push(prev);
            out.extend_from_slice(&leaf);
            out.push(b'\n');
        }
        match tail {
            None => out.extend_from_slice(bundle_trailer(&signer.sign(n, &tree.root())).as_bytes()),
            Some(tail) => out.extend_from_slice(tail),
        }
        out
    }

    fn outcome(result: Result<Report, VerifyError>) -> String {
        match result {
            Ok(r) => format!("ok: {} entries, root {}", r.size, r.root),
            Err(e) => e.to_string(),
        }
    }

    /// Every shape of pipeline gives the answer and the progress calls of the leaf-by-leaf
    /// loop. Returns the answer.
    fn agree(bundle: &[u8]) -> String {
        let mut expected_progress = Vec::new();
        let expected = leaf_by_leaf(bundle, |n| expected_progress.push(n));
        let expected = outcome(expected);
        for worker in [false, true] {
            for chunk_leaves in [1, 3, 256] {
                for in_flight in [1, 3] {
                    let pipeline = Pipeline {
                        worker,
                        chunk_leaves,
                        in_flight,
                    };
                    let mut progress = Vec::new();
                    let got =
                        verify_bundle_with(bundle, None, None, |n| progress.push(n), pipeline);
                    assert_eq!(
                        outcome(got),
                        expected,
                        "worker {worker}, {chunk_leaves} leaves a chunk, {in_flight} in flight"
                    );
                    assert_eq!(progress, expected_progress);
                }
            }
        }
        expected
    }

    #[test]
    fn the_pipeline_reports_the_first_error_leaf_by_leaf_verification_reports() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.example/ledger").unwrap();
        let n = 12;
        let tails: [Option<&[u8]>; 5] = [
            None,
            Some(b""),
            Some(b"\nnote without newline"),
            Some(b"{\"body"),
            Some(b"\nnot a checkpoint\n"),
        ];
        let spots = [None, Some(1), Some(2), Some(5), Some(6), Some(11)];
        let mut answers = std::collections::BTreeSet::new();
        for tail in tails {
            for bad_leaf in spots {
                for bad_entry in spots {
                    answers.insert(agree(&bundle(&signer, n, bad_leaf, bad_entry, tail)));
                }
            }
        }
        // The cases must reach every kind of outcome.
        let all = answers.iter().cloned().collect::<Vec<_>>().join("\n");
        for needle in [
            "ok: 12 entries",
            "entry 1: bytes are not the canonical encoding",
            "entry 11: bytes are not the canonical encoding",
            "entry 1: campaign \"nowhere\" does not exist",
            "entry 11: campaign \"nowhere\" does not exist",
            "bundle: ends after 12 entries without a checkpoint",
            "bundle: file ends in the middle of a line",
            "checkpoint: ",
        ] {
            assert!(all.contains(needle), "no {needle:?} in\n{all}");
        }
    }

    #[test]
    fn the_pipeline_reports_progress_like_leaf_by_leaf_verification() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.example/ledger").unwrap();
        let answer = agree(&bundle(&signer, 8193, None, None, None));
        assert!(answer.starts_with("ok: 8193 entries"), "{answer}");
        let answer = agree(&bundle(&signer, 8193, Some(8192), None, None));
        assert!(answer.contains("entry 8192"), "{answer}");
    }

    struct FailingReader;

    impl std::io::Read for FailingReader {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }

    #[test]
    fn a_read_error_counts_only_after_every_leaf_before_it_verified() {
        let (signer, _) = CheckpointSigner::generate("test.fundtrail.example/ledger").unwrap();
        for bad_entry in [None, Some(3)] {
            let good = bundle(&signer, 6, None, bad_entry, Some(b""));
            let input = || {
                let failing = std::io::Read::chain(&good[..], FailingReader);
                std::io::BufReader::with_capacity(16, failing)
            };
            let expected = outcome(leaf_by_leaf(input(), |_| {}));
            let cause = if bad_entry.is_none() {
                "bundle: disk on fire"
            } else {
                "entry 3: campaign"
            };
            assert!(expected.starts_with(cause), "{expected}");
            for worker in [false, true] {
                let pipeline = Pipeline {
                    worker,
                    chunk_leaves: 2,
                    in_flight: 2,
                };
                let got = verify_bundle_with(input(), None, None, |_| {}, pipeline);
                assert_eq!(outcome(got), expected);
            }
        }
    }
}
