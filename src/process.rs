//! Running an external program bounded: its own process group, stdin closed, a wall-time and
//! an output-size bound past which the whole group is killed. Shared by the kustomize
//! renderer (`generate --env`) and the render stage of `validate` (Helm).

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a bounded program left.
pub(crate) struct RunOutput {
    /// How it exited.
    pub status: std::process::ExitStatus,
    /// Its standard output (at most the output bound).
    pub stdout: Vec<u8>,
    /// The first 64 KiB of its standard error.
    pub stderr: Vec<u8>,
}

/// Why a bounded program gave no output.
pub(crate) enum RunError {
    /// It could not be started (or waited for).
    Spawn(std::io::Error),
    /// It ran past the time bound and was killed.
    Timeout,
    /// It wrote more than the output bound and was killed.
    TooLarge,
}

/// Runs `cmd` in its own process group with stdin closed; past `limits` the whole group is
/// killed, so a renderer that starts helpers (kustomize's helm charts) cannot outlive us.
pub(crate) fn run_bounded(mut cmd: Command, time: Duration, output: u64) -> Result<RunOutput, RunError> {
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
            let _ = stdout.take(output + 1).read_to_end(&mut buf);
            if buf.len() as u64 > output {
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
        if start.elapsed() >= time {
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
    if stdout.len() as u64 > output {
        return Err(RunError::TooLarge);
    }
    Ok(RunOutput { status, stdout, stderr })
}
