//! The leaves of a bundle, verified in two stages. The calling thread reads chunks of
//! leaves; decoding and leaf hashing (which need nothing but the leaf) run on a worker
//! thread (see `worker.rs`, feature `threads`), and on the calling thread too whenever it
//! has read far enough ahead; the calling thread then applies the decoded entries strictly
//! in order. A chunk is decoded only up to its first bad leaf, and chunks are applied in
//! order, so the first error reported is the one [`Verifier::push_leaf`] would report leaf
//! by leaf, and a problem with the input itself only counts once every leaf before it
//! verified.

use super::{Verifier, VerifyError};
use crate::canonical::{decode, LeafError};
use crate::entry::Entry;
use crate::hash::{leaf_hash, Hash};
use std::collections::VecDeque;
use std::io::BufRead;

#[cfg(feature = "threads")]
use super::worker::Link;

/// Without the `threads` feature there is no worker thread to hand chunks to: no value of
/// this type exists.
#[cfg(not(feature = "threads"))]
pub(super) struct Link<'a>(std::convert::Infallible, std::marker::PhantomData<&'a ()>);

#[cfg(not(feature = "threads"))]
impl Link<'_> {
    fn send(&self, _: u64, _: Chunk) {
        match self.0 {}
    }

    fn next_decoded(&self) -> Result<(u64, Chunk, Decoded), VerifyError> {
        match self.0 {}
    }
}

/// Appends the next line of `input` to `buf` without its `\n`: `false` at the end of the
/// input, an error when the input ends inside a line.
pub(super) fn read_line_into<R: BufRead>(
    input: &mut R,
    buf: &mut Vec<u8>,
) -> Result<bool, VerifyError> {
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
pub(super) struct Chunk {
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
pub(super) struct Decoded {
    entries: Vec<(Entry, Hash)>,
    error: Option<LeafError>,
}

pub(super) fn decode_chunk(chunk: &Chunk) -> Decoded {
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

/// The shape of a pipeline (see the module documentation).
pub(super) struct Pipeline {
    /// Whether to start the worker thread (otherwise the calling thread does everything);
    /// without the `threads` feature there is none to start.
    #[cfg_attr(not(feature = "threads"), allow(dead_code))]
    pub(super) worker: bool,
    /// Leaves per chunk (a chunk also ends after `CHUNK_BYTES`).
    pub(super) chunk_leaves: usize,
    /// Chunks read but not yet applied, at most.
    pub(super) in_flight: u64,
}

const CHUNK_BYTES: usize = 256 * 1024;

impl Pipeline {
    pub(super) fn new(worker: bool) -> Self {
        Pipeline {
            worker,
            chunk_leaves: 256,
            in_flight: 8,
        }
    }

    /// Whether a worker thread can help: the `threads` feature is on and the machine has
    /// more than one CPU.
    pub(super) fn worker_helps() -> bool {
        #[cfg(feature = "threads")]
        {
            std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
        }
        #[cfg(not(feature = "threads"))]
        {
            false
        }
    }

    /// Verifies leaves up to and including the blank line that ends them.
    pub(super) fn run<R: BufRead>(
        &self,
        input: &mut R,
        verifier: &mut Verifier,
        progress: &mut impl FnMut(u64),
    ) -> Result<(), VerifyError> {
        #[cfg(feature = "threads")]
        if self.worker {
            return super::worker::run(self, input, verifier, progress);
        }
        self.main(input, verifier, progress, None)
    }

    /// The calling thread's loop: read ahead, hand chunks to `worker` (or decode them here
    /// when there is none), apply decoded chunks in order.
    pub(super) fn main<R: BufRead>(
        &self,
        input: &mut R,
        verifier: &mut Verifier,
        progress: &mut impl FnMut(u64),
        worker: Option<&Link<'_>>,
    ) -> Result<(), VerifyError> {
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
                    match worker {
                        Some(w) => w.send(read, chunk),
                        None => {
                            let decoded = decode_chunk(&chunk);
                            ready[(read - applied) as usize] = Some((chunk, decoded));
                        }
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
            // Only chunks handed to a worker can still be waiting to be decoded.
            let Some(w) = worker else {
                return Err(VerifyError::Bundle("the decoding thread stopped".into()));
            };
            let (i, chunk, decoded) = w.next_decoded()?;
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
