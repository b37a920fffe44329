//! Running another program (kustomize, kubectl, helm) under a time and an output bound, the
//! same way for every caller: its own process group, stdin closed, stdout read up to the limit,
//! stderr kept in part and drained, and the whole group killed past either bound.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Bounds on one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall time before the process group is killed.
    pub time: Duration,
    /// Bytes of standard output before it is killed.
    pub output: u64,
}

/// What a bounded run gave.
#[derive(Debug)]
pub struct RunOutput {
    /// How it exited.
    pub status: std::process::ExitStatus,
    /// Its standard output (at most the limit).
    pub stdout: Vec<u8>,
    /// The first 64 KiB of its standard error.
    pub stderr: Vec<u8>,
}

/// Why a bounded run gave no output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The program could not be started (or waited for).
    #[error("{0}")]
    Spawn(std::io::Error),
    /// It ran past the time limit and was killed.
    #[error("it ran past the time limit and was stopped")]
    Timeout,
    /// It wrote more than the output limit and was killed.
    #[error("it wrote more than the output limit and was stopped")]
    TooLarge,
}

/// Runs `cmd` in its own process group with stdin closed; past `limits` the whole group is
/// killed, so a program that starts helpers (kustomize's helm charts) cannot outlive us.
///
/// # Errors
/// See [`RunError`].
pub fn run_bounded(mut cmd: Command, limits: Limits) -> Result<RunOutput, RunError> {
    use std::os::unix::process::CommandExt as _;
    const STDERR_KEPT: u64 = 64 * 1024;
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    let mut child = cmd.spawn().map_err(RunError::Spawn)?;
    let too_large = Arc::new(AtomicBool::new(false));
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let out_reader = {
        let too_large = too_large.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.take(limits.output + 1).read_to_end(&mut buf);
            if buf.len() as u64 > limits.output {
                too_large.store(true, Ordering::SeqCst);
            }
            buf
        })
    };
    let err_reader = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut stderr = stderr;
        let _ = (&mut stderr).take(STDERR_KEPT).read_to_end(&mut kept);
        // The rest is drained so the renderer never blocks on a full pipe.
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        kept
    });
    let start = Instant::now();
    let pgid = i32::try_from(child.id()).ok();
    let kill_group = || {
        if let Some(pgid) = pgid {
            // SAFETY: a plain signal to the process group we created for our own child.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
    };
    let outcome = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => {
                kill_group();
                let _ = child.wait();
                break Err(RunError::Spawn(e));
            }
        }
        if too_large.load(Ordering::SeqCst) {
            kill_group();
            let _ = child.wait();
            break Err(RunError::TooLarge);
        }
        if start.elapsed() >= limits.time {
            kill_group();
            let _ = child.wait();
            break Err(RunError::Timeout);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // A helper the renderer left behind may still hold the pipes: then it is ended too. While
    // one holds them the group exists, so its id cannot have gone to another process; a
    // group whose members are all gone is never signalled.
    let reaped = Instant::now();
    while !(out_reader.is_finished() && err_reader.is_finished()) {
        if reaped.elapsed() >= Duration::from_millis(200) {
            kill_group();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let status = outcome?;
    if stdout.len() as u64 > limits.output {
        return Err(RunError::TooLarge);
    }
    Ok(RunOutput { status, stdout, stderr })
}
