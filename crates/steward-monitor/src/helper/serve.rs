//! The helper's loop: read what Squid has sent, answer every complete line, write the answers
//! in one go, and read again. When Squid sends one request at a time each answer goes out at
//! once; when it queues many they share one write.
//!
//! The lists and decider in use are an [`Engine`], swapped whole when a reload finishes: the
//! loop picks up the new one between reads, so no request waits for a reload or is dropped.

use super::decide::{Decide, Query, Verdict};
use super::protocol::{
    Protocol, parse_line, percent_decode, reply_block, reply_broken, reply_pass,
};
use super::template::{BlockUrl, Values};
use crate::matcher::Matcher;
use crate::url::split_url;
use std::io::{self, Read, Write};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes read at a time: many queued lines per read, one write per read.
const READ_SIZE: usize = 256 * 1024;
/// A request line longer than this is answered `BH` and skipped; Squid's own URLs are far
/// shorter.
const MAX_REQUEST: usize = 1 << 20;

/// The lists and the decider, loaded together.
pub struct Engine {
    pub matcher: Matcher,
    pub decider: Box<dyn Decide>,
}

/// The engine in use, replaceable from another thread.
pub struct Shared {
    current: Mutex<Arc<Engine>>,
    generation: AtomicU64,
}

impl Shared {
    pub fn new(engine: Engine) -> Shared {
        Shared {
            current: Mutex::new(Arc::new(engine)),
            generation: AtomicU64::new(0),
        }
    }

    pub fn replace(&self, engine: Engine) {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(engine);
        self.generation.fetch_add(1, Ordering::Release);
    }

    pub fn current(&self) -> (u64, Arc<Engine>) {
        let generation = self.generation.load(Ordering::Acquire);
        let engine = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        (generation, engine)
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// How the helper answers.
#[derive(Clone, Debug)]
pub struct HelperOptions {
    pub protocol: Protocol,
    pub block_url: BlockUrl,
}

/// What the helper did, for its closing log line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HelperStats {
    pub requests: u64,
    pub blocked: u64,
    pub unreadable: u64,
}

/// Reusable space for one line's work, so a line costs no allocation.
#[derive(Default)]
struct Scratch {
    user: Vec<u8>,
    url: Vec<u8>,
}

fn answer(
    line: &[u8],
    engine: &Engine,
    options: &HelperOptions,
    unix_time: i64,
    out: &mut Vec<u8>,
    scratch: &mut Scratch,
    stats: &mut HelperStats,
) {
    stats.requests += 1;
    let parsed = parse_line(options.protocol, line);
    let request = match parsed.request {
        Ok(r) => r,
        Err(message) => {
            stats.unreadable += 1;
            reply_broken(out, parsed.channel, message);
            return;
        }
    };
    let Some(target) = split_url(request.url) else {
        stats.unreadable += 1;
        reply_broken(out, parsed.channel, "no host name in the URL");
        return;
    };
    let categories = engine.matcher.target_categories(&target);
    if categories.is_empty() {
        reply_pass(out, parsed.channel);
        return;
    }
    let user = request.user.and_then(|u| {
        percent_decode(u, &mut scratch.user);
        std::str::from_utf8(&scratch.user).ok()
    });
    let client = request
        .client
        .and_then(|c| std::str::from_utf8(c).ok())
        .and_then(|c| c.parse::<IpAddr>().ok());
    let query = Query {
        categories,
        host: target.host,
        user,
        client,
        unix_time,
    };
    match engine.decider.decide(&query) {
        Verdict::Allow => reply_pass(out, parsed.channel),
        Verdict::Block { category, clause } => {
            stats.blocked += 1;
            options.block_url.render(
                &Values {
                    category: category.as_bytes(),
                    url: request.url,
                    host: target.host,
                    clause: clause.as_deref().unwrap_or_default().as_bytes(),
                    user: user.unwrap_or_default().as_bytes(),
                    client: request.client.unwrap_or_default(),
                },
                &mut scratch.url,
            );
            reply_block(
                out,
                options.protocol,
                parsed.channel,
                &category,
                clause.as_deref(),
                &scratch.url,
            );
        }
    }
}

/// Answers requests from `input` on `output` until `input` ends. `clock` gives the current
/// Unix time; it is read once per batch of lines.
pub fn serve<R: Read, W: Write>(
    mut input: R,
    mut output: W,
    shared: &Shared,
    options: &HelperOptions,
    clock: &dyn Fn() -> i64,
) -> io::Result<HelperStats> {
    let (mut generation, mut engine) = shared.current();
    let mut buf = vec![0u8; READ_SIZE];
    let mut out = Vec::with_capacity(READ_SIZE);
    let mut scratch = Scratch::default();
    let mut stats = HelperStats::default();
    let (mut start, mut end) = (0usize, 0usize);
    // Set while the rest of an over-long line is thrown away.
    let mut skipping = false;
    loop {
        if start == end {
            start = 0;
            end = 0;
        } else if end == buf.len() {
            if start > 0 {
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
            } else if buf.len() < MAX_REQUEST {
                buf.resize(buf.len() * 2, 0);
            } else {
                if !skipping {
                    stats.requests += 1;
                    stats.unreadable += 1;
                    reply_broken(&mut out, None, "request line too long");
                    output.write_all(&out)?;
                    output.flush()?;
                    out.clear();
                }
                skipping = true;
                end = 0;
            }
        }
        let n = match input.read(&mut buf[end..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if shared.generation() != generation {
            (generation, engine) = shared.current();
        }
        let now = clock();
        let filled = end + n;
        for nl in memchr::memchr_iter(b'\n', &buf[end..filled]) {
            let at = end + nl;
            if skipping {
                skipping = false;
            } else {
                answer(
                    &buf[start..at],
                    &engine,
                    options,
                    now,
                    &mut out,
                    &mut scratch,
                    &mut stats,
                );
            }
            start = at + 1;
        }
        end = filled;
        if !out.is_empty() {
            output.write_all(&out)?;
            output.flush()?;
            out.clear();
        }
    }
    // Squid always ends a request with a newline; a last fragment gets an answer all the same.
    if start < end && !skipping {
        let now = clock();
        answer(
            &buf[start..end],
            &engine,
            options,
            now,
            &mut out,
            &mut scratch,
            &mut stats,
        );
        output.write_all(&out)?;
        output.flush()?;
    }
    Ok(stats)
}

/// Reloads the engine with `load` whenever the process gets SIGHUP, on a thread of its own
/// (the lists, and whatever the decider was built from). A failed reload keeps the engine in
/// use and says why on standard error, which Squid copies into its cache.log.
pub fn reload_on_hangup<E: std::fmt::Display + 'static>(
    shared: Arc<Shared>,
    load: Box<dyn Fn() -> Result<Engine, E> + Send>,
) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP])?;
    std::thread::Builder::new()
        .name("reload".into())
        .spawn(move || {
            for _ in signals.forever() {
                match load() {
                    Ok(engine) => {
                        shared.replace(engine);
                        eprintln!("steward filter: lists reloaded");
                    }
                    Err(e) => {
                        eprintln!(
                            "steward filter: reload failed, keeping the old lists and people: {e:#}"
                        )
                    }
                }
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests;
