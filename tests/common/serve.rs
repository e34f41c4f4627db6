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
        Server::start_with_env(root, port, args, &[])
    }

    /// [`Server::start`] with extra environment variables.
    pub fn start_with_env(
        root: &std::path::Path,
        port: u16,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let mut server = Server::spawn(root, port, args, false, env);
        server.wait_until_serving();
        server
    }

    /// Starts `herald serve --root ROOT` paused after its first build (see
    /// `HERALD_PAUSE_AT`); [`Server::resume`] lets it go on.
    pub fn start_paused(root: &std::path::Path) -> Server {
        let mut server = Server::spawn(root, 0, &[], true, &[]);
        server.wait_for_line("paused at serve-first-build");
        server
    }

    /// Lets a server started with [`Server::start_paused`] go on, and waits until it serves.
    pub fn resume(&mut self) {
        let mut stdin = self.child.stdin.take().expect("a paused server");
        writeln!(stdin).unwrap();
        self.wait_until_serving();
    }

    fn spawn(
        root: &std::path::Path,
        port: u16,
        args: &[&str],
        paused: bool,
        env: &[(&str, &str)],
    ) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", &port.to_string()])
            .args(args)
            .envs(env.iter().copied())
            .env("HERALD_NOW", super::NOW)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if paused {
            command
                .env("HERALD_PAUSE_AT", "serve-first-build")
                .stdin(Stdio::piped());
        }
        let mut child = command.spawn().expect("start herald serve");
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
        Server {
            child,
            address: String::new(),
            lines,
            output: Vec::new(),
        }
    }

    fn wait_until_serving(&mut self) {
        let line = self.wait_for_line("(Ctrl-C to stop)");
        let url = line
            .split(" at ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        self.address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
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

    /// Waits (up to 20 s) for a line that `matches`, among those printed after the
    /// first `seen` lines (`seen` = `output.len()` before an edit), and returns it.
    /// `what` describes the line for the failure message.
    pub fn wait_for_line_after(
        &mut self,
        seen: usize,
        what: &str,
        matches: impl Fn(&str) -> bool,
    ) -> String {
        if let Some(line) = self.output.iter().skip(seen).find(|l| matches(l)) {
            return line.clone();
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.output.push(line.clone());
                    if matches(&line) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "no new line {what}; output so far:\n{}",
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

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
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

    /// Sends Ctrl-C (SIGINT) and waits for the exit status and every line printed.
    /// Panics if the server has not exited 10 s later (it is killed then).
    pub fn interrupt(self) -> (Option<i32>, Vec<String>) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        self.exit()
    }

    /// Waits for the server to exit by itself; its status and every line printed.
    /// Panics if it is still running 10 s later (it is killed then).
    pub fn exit(mut self) -> (Option<i32>, Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("serve did not stop:\n{}", self.output.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The output threads end when the pipes close, after the last line.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
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

    /// True when the server closes the stream within 10 s.
    pub fn closes(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => {} // read timeout: keep waiting
            }
        }
        false
    }
}

/// Opens a keep-alive connection, fetches `path` on it, and leaves it open.
pub fn keep_alive(address: &str, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    assert!(head.starts_with(b"HTTP/1.1 200"), "{head:?}");
    stream
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
