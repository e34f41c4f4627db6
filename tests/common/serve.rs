//! A running `herald serve` and a minimal HTTP client for talking to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A `herald serve` child process; killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:port`.
    pub address: String,
    lines: Receiver<String>,
    /// Every line printed so far.
    pub output: Vec<String>,
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl Server {
    /// Starts `herald serve --root ROOT --port PORT ARGS…` and waits until it serves.
    pub fn start(root: &std::path::Path, port: u16, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", &port.to_string()])
            .args(args)
            .env("HERALD_NOW", super::NOW)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start herald serve");
        let (sender, lines) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
        }
        let mut server = Server {
            child,
            address: String::new(),
            lines,
            output: Vec::new(),
        };
        let line = server.wait_for_line("(Ctrl-C to stop)");
        let url = line
            .split(" at ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        server.address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        server
    }

    /// Waits (up to 20 s) for a printed line containing `needle` and returns it.
    pub fn wait_for_line(&mut self, needle: &str) -> String {
        if let Some(line) = self.output.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.output.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "no line containing {needle:?}; output so far:\n{}",
            self.output.join("\n")
        );
    }

    /// Collects every line printed during the next `wait`, and returns all lines so far.
    pub fn drain(&mut self, wait: Duration) -> &[String] {
        let deadline = Instant::now() + wait;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => self.output.push(line),
                Err(_) => break,
            }
        }
        &self.output
    }

    /// GET a path.
    pub fn get(&self, path: &str) -> Response {
        get(&self.address, path)
    }

    /// GETs `path` until its body contains `needle` (up to 10 s).
    pub fn wait_for(&self, path: &str, needle: &str) -> Response {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let response = self.get(path);
            if response.body.contains(needle) || Instant::now() > deadline {
                assert!(
                    response.body.contains(needle),
                    "{path} never showed {needle:?}; last response:\n{response:?}"
                );
                return response;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// GETs `path` until its status is `status` (up to 10 s).
    pub fn wait_for_status(&self, path: &str, status: u16) -> Response {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let response = self.get(path);
            if response.status == status || Instant::now() > deadline {
                assert_eq!(response.status, status, "{path}: {response:?}");
                return response;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Opens the live-reload event stream.
    pub fn events(&self) -> Events {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "GET /__herald/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.address
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Events {
            reader: BufReader::new(stream),
        }
    }

    /// Sends Ctrl-C (SIGINT) and waits for the exit status.
    pub fn interrupt(mut self) -> (Option<i32>, Vec<String>) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        while let Ok(line) = self.lines.try_recv() {
            self.output.push(line);
        }
        (status.code(), std::mem::take(&mut self.output))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server-sent event stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Waits (up to 10 s) for an event named `name`; returns its data.
    pub fn wait_for(&mut self, name: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut current = String::new();
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("event stream closed"),
                Ok(_) => {
                    let text = line.trim_end();
                    if let Some(event) = text.strip_prefix("event: ") {
                        current = event.to_string();
                    } else if let Some(data) = text.strip_prefix("data: ")
                        && current == name
                    {
                        return data.to_string();
                    }
                }
                Err(_) => {} // read timeout: keep waiting
            }
        }
        panic!("no {name:?} event within 10 s");
    }
}

/// GET `path` from `address` with HTTP/1.1 and `Connection: close`.
pub fn get(address: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    }
}
