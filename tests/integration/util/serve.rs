//! `bantin serve` for the tests that drive it: start it on a free port, wait until it
//! answers, speak raw HTTP to it, and kill it when the test ends, passing or not.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `bantin serve`; killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    /// What it printed (stderr), for failure messages.
    pub log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `bantin serve --root <root>` on a free port, its stderr in `log`, once it answers.
    pub fn start(root: &Path, log: PathBuf) -> Server {
        Server::start_with(root, log, &[])
    }

    /// [`Server::start`] with more arguments (`--drafts`).
    pub fn start_with(root: &Path, log: PathBuf, extra: &[&str]) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_bantin"))
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", &port.to_string()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("the server's log"))
            .spawn()
            .expect("start bantin serve");
        let mut server = Server { child, port, log };
        let start = Instant::now();
        while get(port, "/").map(|(status, _)| status) != Some(200) {
            if let Ok(Some(exit)) = server.child.try_wait() {
                panic!("bantin serve stopped ({exit}):\n{}", server.said());
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "bantin serve does not answer on port {port}:\n{}",
                server.said()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// What the server printed so far.
    pub fn said(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A raw GET (the path is sent as is, `..` and all): status and body.
pub fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}
