//! `bantin serve`: a local preview. The site is built into memory with `base_url` set to the
//! local address, served over HTTP (loopback unless `--bind` says otherwise), and rebuilt on
//! every change of its sources, as little as the change needs ([`crate::rebuild`]); open pages reload
//! by themselves, or show the build's errors over the last good page ([`http`]). Nothing is
//! written to disk but the resized photos that builds keep in the cache (`cache_dir`), and
//! nothing outside the built site can be served.

pub mod http;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;

use crate::diagnostics::Diagnostic;
use crate::load::LoadOptions;
use crate::rebuild::site::{Changes, Delta, Site};
use http::{error_views, Shared};

/// The port tried first.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the default are tried when it is busy.
const PORTS_TRIED: u16 = 20;

/// What the command line says about serving.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// `None`: 1111, or the next free port.
    pub port: Option<u16>,
    pub bind: IpAddr,
    pub open: bool,
    pub drafts: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            port: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
            drafts: false,
        }
    }
}

/// Bind the listening socket: the port asked for, or the first free one from 1111.
fn bind(opts: &ServeOptions) -> Result<TcpListener, Diagnostic> {
    let cannot = |port: u16, e: &std::io::Error| {
        Diagnostic::new(
            "--port",
            format!("cannot listen on {}: {e}", SocketAddr::new(opts.bind, port)),
        )
    };
    match opts.port {
        Some(port) => TcpListener::bind((opts.bind, port)).map_err(|e| {
            let d = cannot(port, &e);
            if e.kind() == std::io::ErrorKind::AddrInUse {
                d.help(format!("another program uses port {port}: stop it, pass another --port, or leave --port out to take the first free port from {DEFAULT_PORT}"))
            } else {
                d
            }
        }),
        None => {
            let mut last = None;
            for port in DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED {
                match TcpListener::bind((opts.bind, port)) {
                    Ok(l) => {
                        if port != DEFAULT_PORT {
                            eprintln!("port {DEFAULT_PORT} is busy; using port {port}");
                        }
                        return Ok(l);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
                    Err(e) => return Err(cannot(port, &e)),
                }
            }
            Err(Diagnostic::new(
                "--port",
                format!(
                    "ports {DEFAULT_PORT} to {} are all busy{}",
                    DEFAULT_PORT + PORTS_TRIED - 1,
                    last.map(|e| format!(": {e}")).unwrap_or_default()
                ),
            )
            .help("pass a free port with --port"))
        }
    }
}

/// The address pages link to: the bound one, or loopback when bound to every interface.
fn local_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        addr.ip()
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Applies a rebuild's output to what is served and tells the open pages and the terminal.
/// An error is printed only when it differs from the one printed last.
struct Publisher {
    shared: Arc<Shared>,
    last_error: Option<String>,
    /// Whether anything has been served yet.
    served: bool,
}

impl Publisher {
    fn apply(&mut self, d: Delta) {
        if let Ok(mut files) = self.shared.files.write() {
            if d.replace_all {
                files.clear();
            }
            for p in &d.remove {
                files.remove(p);
            }
            for (p, b) in d.insert {
                files.insert(p, Bytes::from(b));
            }
            // `serve` has no output folder, so nothing is staged; were a file staged, its
            // bytes are served (and the file removed as it is dropped).
            for s in d.staged {
                if let Ok(b) = s.read() {
                    files.insert(s.site_path().to_string(), Bytes::from(b));
                }
            }
        }
        self.served = true;
        self.shared.status.send_modify(|s| s.updated(d.changed));
    }

    /// Rebuild with `changes`, applying the output as it comes.
    fn rebuild(&mut self, site: &mut Site, changes: Changes, what: &str) {
        self.shared.status.send_modify(|s| s.building = true);
        let result = site.rebuild(changes, &mut |d| self.apply(d));
        self.shared.status.send_modify(|s| s.building = false);
        match result {
            Ok(r) => {
                if self.last_error.take().is_some() {
                    eprintln!("fixed: the site builds again");
                }
                let first = if r.first_millis + 1.0 < r.millis {
                    format!(" (the first {:.0} ms)", r.first_millis)
                } else {
                    String::new()
                };
                eprintln!(
                    "rebuilt ({what}): {} page{} in {:.0} ms{first}",
                    r.pages,
                    if r.pages == 1 { "" } else { "s" },
                    r.millis
                );
            }
            Err(e) => {
                let text = e.to_string().replace("; nothing was written", "");
                if self.last_error.as_deref() != Some(text.as_str()) {
                    eprintln!("{text}");
                    if self.served {
                        eprintln!("(the last good site is still served)");
                    } else {
                        eprintln!("(pages show this until it is fixed)");
                    }
                }
                self.last_error = Some(text);
                let errors = error_views(&e);
                self.shared.status.send_modify(|s| s.errors = errors);
            }
        }
    }
}

/// Build the site, serve it and rebuild on change until the process is stopped.
pub fn serve(opts: &ServeOptions) -> Result<(), Diagnostic> {
    let root = opts.root.canonicalize().map_err(|e| {
        Diagnostic::new(&opts.root, format!("cannot open the site folder: {e}"))
            .help("pass the folder that holds site.toml with --root")
    })?;
    let listener = bind(opts)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::new("--port", format!("cannot listen: {e}")))?;
    let url = local_url(addr);

    // Watch first, so that nothing saved during the first build is missed.
    let watcher = match watch::Watcher::start(&root) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: {e}; pages will not be rebuilt on change");
            None
        }
    };

    let shared = Shared::new();
    let mut site = Site::new(
        &root,
        LoadOptions {
            drafts: opts.drafts,
            base_url: Some(url.clone()),
        },
    );
    let mut publisher = Publisher {
        shared: shared.clone(),
        last_error: None,
        served: false,
    };
    publisher.rebuild(&mut site, Changes::full(), "first build");
    eprintln!("serving {} at {url} (press Ctrl+C to stop)", root.display());
    if !addr.ip().is_loopback() {
        eprintln!(
            "note: listening on {}, reachable from other machines",
            addr.ip()
        );
    }

    if let Some((mut w, rx)) = watcher {
        std::thread::Builder::new()
            .name("bantin-rebuild".into())
            .spawn(move || {
                while let Ok(batch) = rx.recv() {
                    let mut paths = watch::Watcher::paths(batch);
                    // Whatever else has arrived meanwhile goes into the same rebuild.
                    while let Ok(more) = rx.try_recv() {
                        paths.extend(watch::Watcher::paths(more));
                    }
                    let ch = w.changes(paths);
                    if ch.is_empty() {
                        continue;
                    }
                    let what = ch.describe();
                    publisher.rebuild(&mut site, ch, &what);
                }
            })
            .map_err(|e| Diagnostic::new(&root, format!("cannot start the rebuild thread: {e}")))?;
    }

    if opts.open {
        if let Err(e) = open::that_detached(&url) {
            eprintln!("cannot open a browser ({e}); open {url} yourself");
        }
    }

    listener
        .set_nonblocking(true)
        .map_err(|e| Diagnostic::new("--port", format!("cannot listen: {e}")))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::new("--port", format!("cannot start the server: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Diagnostic::new("--port", format!("cannot listen: {e}")))?;
        axum::serve(listener, http::router(shared))
            .await
            .map_err(|e| Diagnostic::new("--port", format!("the server stopped: {e}")))
    })
}
