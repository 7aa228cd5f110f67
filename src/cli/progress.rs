//! The progress bars long commands draw on standard error while they read entries or
//! download a ledger. Each ticks on its own (a steady tick), so it moves even while the
//! count waits for the next thousands of entries, and shows nothing when standard error is
//! not a terminal.

use std::time::Duration;

/// How often a bar redraws by itself.
const TICK: Duration = Duration::from_millis(120);

/// A bar counting entries up to `total`, or a spinner with the count when the total is
/// unknown.
pub(super) fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    let (bar, template) = match total {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{spinner} {human_pos}/{human_len} entries {wide_bar} {per_sec} {eta}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {human_pos} entries checked {per_sec}",
        ),
    };
    styled(bar, template)
}

/// A bar counting the bytes of a download of `total` bytes (when the server says), or a
/// spinner with the bytes so far.
pub(super) fn download_bar(total: Option<u64>) -> indicatif::ProgressBar {
    let (bar, template) = match total {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{spinner} downloading {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} {eta}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} downloading {bytes} {bytes_per_sec}",
        ),
    };
    styled(bar, template)
}

/// `bar` drawn with `template` on standard error, ticking by itself.
fn styled(bar: indicatif::ProgressBar, template: &str) -> indicatif::ProgressBar {
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.enable_steady_tick(TICK);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bars_templates_are_valid_and_count_what_they_are_given() {
        let entries = progress_bar(Some(200_000));
        entries.set_position(4096);
        let download = download_bar(Some(1 << 20));
        download.inc(4096);
        let unknown = progress_bar(None);
        unknown.set_position(10);

        assert_eq!(entries.length(), Some(200_000));
        assert_eq!(entries.position(), 4096);
        assert_eq!(download.position(), 4096);
        assert_eq!(unknown.position(), 10);
        for bar in [entries, download, unknown] {
            bar.finish_and_clear();
        }
    }
}
