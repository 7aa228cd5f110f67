//! The pipeline's decoding worker thread (feature `threads`): it decodes the chunks the
//! calling thread queues and sends them back; the calling thread also decodes queued chunks
//! itself rather than wait.

use super::pipeline::{decode_chunk, Chunk, Decoded, Pipeline};
use super::{Verifier, VerifyError};
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::{mpsc, Condvar, Mutex, MutexGuard};

/// Chunks waiting to be decoded, shared by the reading thread and the decoding worker.
#[derive(Default)]
struct Queue {
    todo: VecDeque<(u64, Chunk)>,
    closed: bool,
}

type Shared = (Mutex<Queue>, Condvar);

/// The calling thread's side of the worker: where it queues chunks and gets them back
/// decoded.
pub(super) struct Link<'a> {
    queue: &'a Shared,
    done: &'a mpsc::Receiver<(u64, Chunk, Decoded)>,
}

impl Link<'_> {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues chunk `i` for the worker.
    pub(super) fn send(&self, i: u64, chunk: Chunk) {
        self.lock().todo.push_back((i, chunk));
        self.queue.1.notify_one();
    }

    /// The next decoded chunk: a chunk still queued, decoded here rather than waiting for the
    /// worker, or else the worker's next answer.
    pub(super) fn next_decoded(&self) -> Result<(u64, Chunk, Decoded), VerifyError> {
        let stolen = self.lock().todo.pop_front();
        match stolen {
            Some((i, chunk)) => {
                let decoded = decode_chunk(&chunk);
                Ok((i, chunk, decoded))
            }
            None => self
                .done
                .recv()
                .map_err(|_| VerifyError::Bundle("the decoding thread stopped".into())),
        }
    }
}

/// Runs `pipeline` on the calling thread with one decoding worker beside it; the worker
/// stops when this returns, however it returns.
pub(super) fn run<R: BufRead>(
    pipeline: &Pipeline,
    input: &mut R,
    verifier: &mut Verifier,
    progress: &mut impl FnMut(u64),
) -> Result<(), VerifyError> {
    let queue: Shared = (Mutex::new(Queue::default()), Condvar::new());
    let (done_tx, done_rx) = mpsc::channel::<(u64, Chunk, Decoded)>();
    std::thread::scope(|scope| {
        let shared = &queue;
        scope.spawn(move || {
            while let Some((i, chunk)) = next_chunk(shared) {
                let decoded = decode_chunk(&chunk);
                if done_tx.send((i, chunk, decoded)).is_err() {
                    break;
                }
            }
        });
        // Closing the queue when this returns, however it returns, stops the worker.
        let _close = CloseOnDrop(&queue);
        let link = Link {
            queue: &queue,
            done: &done_rx,
        };
        pipeline.main(input, verifier, progress, Some(&link))
    })
}

fn next_chunk(queue: &Shared) -> Option<(u64, Chunk)> {
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

struct CloseOnDrop<'a>(&'a Shared);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0 .0.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.0 .1.notify_all();
    }
}
