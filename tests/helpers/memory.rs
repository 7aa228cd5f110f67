//! The memory of a running process, from Linux's `/proc`: its resident size now and at its
//! peak, which can be reset to measure one stretch of work.

use std::io::Write as _;

/// Whether this system can measure and reset a process's peak memory.
pub fn can_measure() -> bool {
    std::path::Path::new("/proc/self/clear_refs").exists()
}

/// A `kB` field of `/proc/PID/status` (`VmRSS:`, `VmHWM:`), in KiB.
pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("process status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// Resets the peak resident size (`VmHWM`) to the current one.
pub fn reset_peak(pid: u32) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(format!("/proc/{pid}/clear_refs"))
        .and_then(|mut f| f.write_all(b"5"))
        .expect("reset VmHWM through /proc/PID/clear_refs");
}
