//! `herald serve` under load: many open tabs (event streams) and many page fetches
//! at once while an editor keeps saving. No request may fail, every tab must hear
//! every reload, and the server's memory must stay bounded.
//!
//! Bounded in count and time, on loopback only. `HERALD_LOAD_SAVES` sets how many
//! saves (one about every second; 5 by default, 20 for the full 20-second run that the
//! README's figures come from).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::TestSite;
use common::serve::{Server, get};

const STREAMS: usize = 100;
const FETCHERS: usize = 100;

#[test]
fn many_tabs_and_fetches_while_saving_every_second() {
    let saves: usize = std::env::var("HERALD_LOAD_SAVES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let site = TestSite::new();
    site.file("content/articles/_index.md", "---\ntitle: 新闻\n---\n");
    for i in 0..40 {
        let body = format!("第{i}篇的正文。");
        site.article(
            &format!("a{i}.md"),
            &format!("文章{i}"),
            "2026-03-01",
            "",
            &body,
        );
    }
    let server = Server::start(site.root(), 0, &[]);
    let address = server.address.clone();

    let counters = || {
        Arc::new(
            (0..STREAMS)
                .map(|_| AtomicUsize::new(0))
                .collect::<Vec<_>>(),
        )
    };
    let (hellos, reloads) = (counters(), counters());
    let streams: Vec<_> = (0..STREAMS)
        .map(|i| open_stream(&address, i, hellos.clone(), reloads.clone()))
        .collect();
    // Every tab is listening before the first save.
    wait_until(|| hellos.iter().all(|h| h.load(Ordering::SeqCst) == 1));

    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicUsize::new(0));
    let fetched = Arc::new(AtomicUsize::new(0));
    let fetchers: Vec<_> = (0..FETCHERS)
        .map(|i| {
            let (address, stop) = (address.clone(), stop.clone());
            let (failures, fetched) = (failures.clone(), fetched.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(120);
                while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                    let path = format!("/articles/a{}/", i % 40);
                    if get(&address, &path).status != 200 {
                        failures.fetch_add(1, Ordering::SeqCst);
                    }
                    fetched.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();

    let memory_before = resident_kib(server.pid());
    for save in 1..=saves {
        let started = Instant::now();
        let body = format!("第0篇的正文，第{save}次保存。");
        site.article("a0.md", "文章0", "2026-03-01", "", &body);
        // Every open tab hears this save's reload before the next save.
        wait_until(|| reloads.iter().all(|r| r.load(Ordering::SeqCst) >= save));
        std::thread::sleep(Duration::from_secs(1).saturating_sub(started.elapsed()));
    }
    let memory_after = resident_kib(server.pid());
    stop.store(true, Ordering::SeqCst);
    for fetcher in fetchers {
        fetcher.join().unwrap();
    }
    let fetched = fetched.load(Ordering::SeqCst);
    eprintln!(
        "{saves} saves, {fetched} fetches, {} failed; memory {memory_before} → {memory_after} KiB",
        failures.load(Ordering::SeqCst)
    );
    assert_eq!(failures.load(Ordering::SeqCst), 0, "of {fetched} fetches");
    assert!(
        fetched >= FETCHERS * saves,
        "only {fetched} fetches were made"
    );
    // Bounded: the streams, the fetches and the rebuilds leave no growing pile.
    assert!(
        memory_after < memory_before + 64 * 1024,
        "memory grew from {memory_before} to {memory_after} KiB"
    );
    assert_eq!(server.get("/articles/a0/").status, 200);
    drop(streams);
}

/// Opens an event stream on a thread that counts its hello and reload events.
fn open_stream(
    address: &str,
    index: usize,
    hellos: Arc<Vec<AtomicUsize>>,
    reloads: Arc<Vec<AtomicUsize>>,
) -> std::thread::JoinHandle<()> {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET /__herald/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            match line {
                Ok(line) if line == "event: hello" => {
                    hellos[index].fetch_add(1, Ordering::SeqCst);
                }
                Ok(line) if line == "event: reload" => {
                    reloads[index].fetch_add(1, Ordering::SeqCst);
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    })
}

/// Waits (up to 30 s) until `done` holds.
fn wait_until(done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The resident memory of process `pid`, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
