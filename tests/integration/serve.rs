//! `bantin serve` end to end: the binary serves a fixture archive on a free port; an edit
//! shows up, a broken bulletin shows the error (while pages keep being served) until it is
//! fixed, and no request path reaches outside the built site.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::serve::{get, Server};

/// The first event of the live-reload stream.
fn first_event(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /__bantin/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    while !got.contains("data:") || !got.split_once("data:").unwrap().1.contains('\n') {
        let n = s.read(&mut buf).expect("an event");
        assert!(n > 0, "the stream closed: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    got
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn serves_rebuilds_reports_errors_and_stays_inside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.join("content"));
    std::fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    std::fs::write(root.join("secret.txt"), "secret").unwrap();
    let logs = tempfile::tempdir().unwrap();
    let server = Server::start(root, logs.path().join("serve.log"));
    let port = server.port;

    // Pages, with the live-reload script and local links.
    let (status, home) = get(port, "/").unwrap();
    assert_eq!(status, 200);
    assert!(home.contains("/__bantin/events"), "no live-reload script");
    let (_, feed) = get(port, "/atom.xml").unwrap();
    assert!(
        feed.contains(&format!("http://127.0.0.1:{port}/")),
        "base_url not local"
    );
    assert!(!feed.contains("__bantin"), "script injected outside HTML");
    let page = "/bai-viet/tp-yen-bai-tong-ket-2020/";
    let (status, body) = get(port, page).unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("Thành phố Yên Bái tổng kết năm 2020"));
    assert_eq!(get(port, "/static/style.css").unwrap().0, 200);
    assert_eq!(get(port, "/khong-co/").unwrap().0, 404);

    // An edit shows up.
    let file = root.join("content/2021/01/tp-yen-bai-tong-ket-2020.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen("tổng kết năm 2020", "TỔNG KẾT ĐÃ SỬA", 1);
    std::fs::write(&file, &edited).unwrap();
    wait_for("the edited title", || {
        get(port, page).is_some_and(|(_, b)| b.contains("TỔNG KẾT ĐÃ SỬA"))
    });

    // A bad date: the error is reported, the last good pages keep being served.
    let date_line = edited
        .lines()
        .find(|l| l.starts_with("date:"))
        .unwrap()
        .to_string();
    std::fs::write(&file, edited.replacen(&date_line, "date: 2021-13-45", 1)).unwrap();
    wait_for("the error", || {
        get(port, "/__bantin/status").is_some_and(|(_, b)| b.contains("2021-13-45"))
    });
    let event = first_event(port);
    assert!(event.contains("event: state"), "{event}");
    assert!(
        event.contains("tp-yen-bai-tong-ket-2020.md:3") && event.contains("not a valid date"),
        "{event}"
    );
    let (status, body) = get(port, page).unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("TỔNG KẾT ĐÃ SỬA"));
    assert_eq!(get(port, "/dia-phuong/").unwrap().0, 200);

    // Fixed: the error clears.
    std::fs::write(&file, &edited).unwrap();
    wait_for("the error to clear", || {
        get(port, "/__bantin/status").is_some_and(|(_, b)| b.contains("\"errors\":[]"))
    });
    assert!(!first_event(port).contains("not a valid date"));

    // Nothing outside the site, however the path is written.
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/secret.txt",
        "/bai-viet/%2e%2e/%2e%2e/site.toml",
        "/bai-viet/../../secret.txt",
        "/..%2fsite.toml",
        "/%2e%2e%2fsecret.txt",
        "/..%5csite.toml",
        "/site.toml",
        "/content/localities.yaml",
    ] {
        let (status, body) = get(port, path).unwrap();
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("secret") && !body.contains("base_url"),
            "{path}"
        );
    }
    drop(server);
}

/// A port in use is an error in the common form: where (the flag), what, and how to fix it.
#[test]
fn a_busy_port_is_a_clear_error() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let root = crate::util::fixture("basic");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["serve", "--root"])
        .arg(&root)
        .args(["--port", &port])
        .output()
        .expect("run bantin serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: --port: cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: another program uses port"),
        "{stderr}"
    );
}
