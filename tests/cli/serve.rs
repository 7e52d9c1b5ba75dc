//! `faultbook serve` through the real parts: the binary on 127.0.0.1, raw
//! HTTP, the event stream, and edits to real files.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::harness::{copy_dir, tree, Site, TODAY_EPOCH};

/// A running `faultbook serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// What serve prints on stdout after its URL.
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Site) -> Server {
    serve_with(site, &[], &[])
}

/// `faultbook serve --port 0` with more arguments and environment.
fn serve_with(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultbook"))
        .args(["serve", "--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .current_dir(site.path())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let (tx, rx) = mpsc::channel();
    // Lines on stderr come through the same channel, marked.
    let err_tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr.unwrap())
            .lines()
            .map_while(Result::ok)
        {
            let _ = err_tx.send(format!("stderr: {line}"));
        }
    });
    // Owned by a Server from here on, so the process is stopped even if the
    // test fails while it starts.
    let mut server = Server {
        child,
        port: 0,
        lines: rx,
    };
    let stdout = stdout.unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("serve printed its URL");
        if let Some(url) = line.split(" at ").nth(1) {
            server.port = url
                .trim_start_matches("http://127.0.0.1:")
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            return server;
        }
    }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
    /// The body as sent, for files that are not text.
    bytes: Vec<u8>,
}

fn request(port: u16, path: &str, headers: &[(&str, &str)]) -> Reply {
    send(port, "GET", path, headers)
}

fn send(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let bytes = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(Vec::new(), |i| raw[i + 4..].to_vec());
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
        bytes,
    }
}

fn get(port: u16, path: &str) -> Reply {
    request(port, path, &[])
}

/// Reads the reload stream; `next` waits for the next `data:` line.
struct Events {
    rx: mpsc::Receiver<String>,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET /__faultbook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data: ") {
                    if tx.send(data.to_string()).is_err() {
                        break;
                    }
                }
            }
        });
        Events { rx }
    }

    fn next(&self) -> String {
        self.rx
            .recv_timeout(Duration::from_secs(20))
            .expect("an event within 20 s")
    }

    /// The next event starting with `prefix`, skipping others (an editor's
    /// save may arrive as more than one batch, so reloads can repeat).
    fn until(&self, prefix: &str) -> String {
        loop {
            let e = self.next();
            if e.starts_with(prefix) {
                return e;
            }
        }
    }
}

/// Waits up to 20 s for `ok` to hold: a burst of events may rebuild twice.
fn wait_for(ok: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < deadline, "condition not met within 20 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serves_the_snapshot_from_memory_with_the_reload_script() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    let home = get(server.port, "/");
    assert_eq!(home.status, 200);
    assert!(home
        .head
        .to_ascii_lowercase()
        .contains("content-type: text/html"));
    assert!(home
        .body
        .contains("<script src=\"/__faultbook/live.js\" defer></script></body>"));
    // Links point at the served address, not base_url's sub-path.
    assert!(home.body.contains("href=\"/errors/\""), "{}", home.body);
    let page = get(server.port, "/errors/http/503/");
    assert!(page.status == 200 && page.body.contains("Service Unavailable"));
    let css = get(server.port, "/__faultbook/live.js");
    assert_eq!(css.status, 200);
    let codes = get(server.port, "/codes.json");
    assert!(
        codes.status == 200 && !codes.body.contains("live.js"),
        "the script goes into HTML only"
    );
    assert_eq!(get(server.port, "/errors").status, 301);
    // Search works in serve: the index follows the build, and then a
    // patched edit, once the writer pauses.
    wait_for(|| get(server.port, "/search/index.json").status == 200);
    let chunks = || {
        (0..50)
            .map(|n| get(server.port, &format!("/search/t/{n}.json")))
            .take_while(|r| r.status == 200)
            .map(|r| r.body)
            .collect::<String>()
    };
    assert!(!chunks().contains("\"zyxwvut\""));
    site.write(
        "content/about.md",
        site.read("content/about.md") + "\nZyxwvut.\n",
    );
    wait_for(|| chunks().contains("\"zyxwvut\""));
    assert!(
        !site.exists("public"),
        "serve never writes the output folder"
    );
}

#[test]
fn unknown_paths_and_traversal_get_the_404_page() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    for path in [
        "/no/such/page/",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/errors/..%5c..%5csite.toml",
        "/site.toml",
        "/content/about.md",
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            r.body.contains("Page not found"),
            "{path}: the site's 404.html"
        );
        assert!(
            !r.body.contains("root:") && !r.body.contains("base_url"),
            "{path}"
        );
    }
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    assert_eq!(
        request(server.port, "/", &[("Host", "evil.example")]).status,
        403
    );
    assert_eq!(
        request(
            server.port,
            "/",
            &[("Host", &format!("evil.example:{}", server.port))]
        )
        .status,
        403
    );
    assert_eq!(
        request(
            server.port,
            "/",
            &[("Host", &format!("localhost:{}", server.port))]
        )
        .status,
        200
    );
    let r = request(
        server.port,
        "/__faultbook/events",
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(r.status, 403);
}

#[test]
fn edit_break_and_fix_reload_and_report() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    let events = Events::open(server.port);
    assert_eq!(events.next(), "ok");

    // An edit is served after the reload event.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nFreshly edited.\n",
    );
    events.until("reload");
    wait_for(|| get(server.port, "/about/").body.contains("Freshly edited."));

    // A broken page: the errors go to the stream, the last good site stays.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\nbogus = 1\n+++\n\nBroken.\n",
    );
    let e = events.until("errors:");
    assert!(
        e.contains("content/about.md") && e.contains("unknown key \\\"bogus\\\""),
        "{e}"
    );
    let about = get(server.port, "/about/");
    assert_eq!(about.status, 200);
    assert!(about.body.contains("Freshly edited."));
    // A page opened now learns about the errors at once.
    let late = Events::open(server.port);
    assert!(late.next().starts_with("errors:"));

    // Fixed: reload, and the new text.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nFixed.\n",
    );
    events.until("reload");
    wait_for(|| get(server.port, "/about/").body.contains("Fixed."));

    // New, renamed and deleted pages and folders.
    site.write(
        "content/notes/new-page.md",
        "+++\ntitle = \"New\"\n+++\nNew page.\n",
    );
    events.until("reload");
    wait_for(|| get(server.port, "/notes/new-page/").status == 200);
    std::fs::rename(
        site.path().join("content/notes"),
        site.path().join("content/moved"),
    )
    .unwrap();
    events.until("reload");
    wait_for(|| {
        get(server.port, "/notes/new-page/").status == 404
            && get(server.port, "/moved/new-page/").status == 200
    });
}

/// The next line serve prints that starts with `prefix`.
fn printed(server: &Server, prefix: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("serve printed no line starting {prefix:?}"));
        if line.starts_with(prefix) {
            return line;
        }
    }
}

#[test]
fn full_rebuilds_turn_the_incremental_path_off() {
    for (args, incremental) in [(&[][..], true), (&["--full-rebuilds"][..], false)] {
        let site = Site::fixture("basic");
        let server = serve_with(&site, args, &[]);
        let page = "content/errors/http/503.md";
        site.replace(
            page,
            "title = \"Service Unavailable\"",
            "title = \"Service Unavailable Now\"",
        );
        let line = printed(&server, "Rebuilt after");
        assert_eq!(
            line.contains("rendered again"),
            incremental,
            "{args:?}: {line}"
        );
        // Either way the listing that shows the title has it.
        wait_for(|| {
            get(server.port, "/providers/http/")
                .body
                .contains("Service Unavailable Now")
        });
    }
}

#[test]
fn verbose_serve_says_where_each_rebuild_spent_its_time() {
    let site = Site::fixture("basic");
    let server = serve_with(&site, &["-v"], &[]);
    let page = "content/errors/http/503.md";
    site.replace(
        page,
        "title = \"Service Unavailable\"",
        "title = \"Unavailable Zebra\"",
    );
    // The start's build says its phases too; an edit's rebuild has a
    // plan of what to render again. Stdout and stderr arrive in any order.
    let phases = loop {
        let line = printed(&server, "stderr:   ");
        if line.contains("plan ") {
            break line;
        }
    };
    for phase in ["load ", "graph ", "markdown ", "model ", "render "] {
        assert!(phases.contains(phase), "{phase:?} missing from {phases}");
    }
    assert!(phases.ends_with(" ms"), "{phases}");
    // The search index is patched right after, and says so.
    let indexed = printed(&server, "stderr:   search index ");
    assert!(indexed.ends_with(" ms"), "{indexed}");
    let meta: serde_json::Value =
        serde_json::from_str(&get(server.port, "/search/index.json").body).unwrap();
    let chunks = meta["chunks"].as_array().unwrap().len();
    assert!(
        (0..chunks).any(|n| get(server.port, &format!("/search/t/{n}.json"))
            .body
            .contains("\"zebra\":")),
        "the new title's word is not in the served index"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_pages_static_overrides_and_redirect_queries_are_kept() {
    let site = Site::fixture("basic");
    std::os::unix::fs::symlink("../about.md", site.path().join("content/guides/ab.md")).unwrap();
    site.write("static/search/index.json", "{}");
    let server = serve(&site);
    // An edit of a symlink's target changes the page behind the link too.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nThrough the link.\n",
    );
    wait_for(|| {
        get(server.port, "/guides/ab/")
            .body
            .contains("Through the link.")
    });
    // The site's own search/index.json stays, also after the index is
    // written again.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(get(server.port, "/search/index.json").body, "{}");
    // A folder asked for without its slash keeps its query.
    let r = request(server.port, "/search?q=503", &[]);
    assert_eq!(r.status, 301);
    assert_eq!(header(&r, "location").as_deref(), Some("/search/?q=503"));
}

#[test]
fn a_recursive_template_never_takes_the_server_down() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    let events = Events::open(server.port);
    assert_eq!(events.next(), "ok");
    site.write(
        "templates/macros2.html",
        "{% macro down(n) %}{{ self::down(n=n) }}{% endmacro down %}\n",
    );
    site.write("templates/page.html", "{% extends \"base.html\" %}{% import \"macros2.html\" as m2 %}{% block main %}{{ m2::down(n=1) }}{% endblock main %}");
    let e = events.until("errors:");
    assert!(e.contains("calls itself"), "{e}");
    assert_eq!(
        get(server.port, "/about/").status,
        200,
        "still serving the last good build"
    );
}

#[test]
fn concurrent_requests_during_a_burst_of_edits_all_succeed() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    let port = server.port;
    let readers: Vec<_> = (0..6)
        .map(|_| {
            std::thread::spawn(move || {
                let mut failures = 0;
                for i in 0..60 {
                    let path = ["/", "/errors/http/503/", "/about/", "/sitemap.xml"][i % 4];
                    if get(port, path).status != 200 {
                        failures += 1;
                    }
                }
                failures
            })
        })
        .collect();
    for i in 0..30 {
        site.write(
            "content/about.md",
            format!("+++\ntitle = \"About\"\n+++\n\nEdit {i}.\n"),
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let failures: usize = readers.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(failures, 0);
}

/// A small deterministic generator, so a failure names its seed and step.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const LIVE_TAG: &str = "<script src=\"/__faultbook/live.js\" defer></script>";

/// A fresh `faultbook build` of the site as it is now, for the address the
/// server serves: site path -> bytes.
fn fresh_build(site: &Site, port: u16) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let r = site.run(&[
        "build",
        "--base-url",
        &format!("http://127.0.0.1:{port}/"),
        "--output",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(r.status, 0, "fresh build failed:\n{}", r.stderr);
    // The marker of a build's output folder is no page of the site.
    tree(&dest)
        .into_iter()
        .filter(|(p, _)| p != ".faultbook-output")
        .collect()
}

/// The first difference between what the server serves and `want`, with
/// the reload script taken out of HTML; paths in `gone` must be 404.
fn served_differs(port: u16, want: &[(String, Vec<u8>)], gone: &[String]) -> Option<String> {
    for (path, bytes) in want {
        let r = get(port, &format!("/{path}"));
        let body = if path.ends_with(".html") {
            r.body.replace(LIVE_TAG, "").into_bytes()
        } else {
            r.bytes
        };
        if r.status != 200 || body != *bytes {
            return Some(format!("/{path}: status {}", r.status));
        }
    }
    gone.iter()
        .map(|path| (path, get(port, &format!("/{path}")).status))
        .find(|(_, status)| *status != 404)
        .map(|(path, status)| format!("/{path} was removed but answers {status}"))
}

/// Waits up to 20 s until the server serves what a fresh build of the
/// files on disk makes; the difference that remained, if not.
fn await_fresh(
    site: &Site,
    port: u16,
    before: &[(String, Vec<u8>)],
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let want = fresh_build(site, port);
    let gone: Vec<String> = before
        .iter()
        .filter(|(p, _)| !want.iter().any(|(q, _)| q == p))
        .map(|(p, _)| p.clone())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match served_differs(port, &want, &gone) {
            None => return Ok(want),
            Some(diff) if Instant::now() > deadline => return Err(diff),
            Some(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Replaces the folder `rel` of the site with a saved copy of itself:
/// `rm -rf` then restore, after a pause or at once.
fn remove_and_restore(site: &Site, rel: &str, pause: bool) {
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&site.path().join(rel), saved.path());
    std::fs::remove_dir_all(site.path().join(rel)).unwrap();
    if pause {
        std::thread::sleep(Duration::from_millis(400));
    }
    copy_dir(saved.path(), &site.path().join(rel));
}

/// `mv <rel> x && mv x <rel>`, after a pause or at once.
fn move_away_and_back(site: &Site, rel: &str, pause: bool) {
    let (here, away) = (site.path().join(rel), site.path().join("moved-away"));
    std::fs::rename(&here, &away).unwrap();
    if pause {
        std::thread::sleep(Duration::from_millis(400));
    }
    std::fs::rename(&away, &here).unwrap();
}

/// Pages the random test may delete: nothing links to them.
fn deletable(site: &Site) -> Vec<String> {
    let mut v: Vec<String> = ["content/about.md", "content/guides/retry-budgets.md"]
        .into_iter()
        .map(String::from)
        .filter(|p| site.exists(p))
        .collect();
    if let Ok(notes) = std::fs::read_dir(site.path().join("content/notes")) {
        v.extend(
            notes.map(|e| format!("content/notes/{}", e.unwrap().file_name().to_string_lossy())),
        );
    }
    v.sort();
    v
}

/// One random file-system operation of those that used to leave a watch
/// behind; what it did.
fn operate(site: &Site, rng: &mut Rng, step: usize) -> String {
    let pause = rng.below(2) == 0;
    let present = |d: &str| site.path().join(d).is_dir();
    match rng.below(8) {
        0 | 1 => {
            let pages = [
                "content/about.md",
                "content/errors/http/503.md",
                "content/errors/grpc/unavailable.md",
            ];
            let p = pages.into_iter().find(|p| site.exists(p)).unwrap();
            site.write(p, site.read(p) + &format!("\nEdited at step {step}.\n"));
            format!("edit {p}")
        }
        2 => {
            let p = format!("content/notes/note-{step}.md");
            site.write(
                &p,
                format!("+++\ntitle = \"Note {step}\"\n+++\nA note from step {step}.\n"),
            );
            format!("add {p}")
        }
        3 => match deletable(site).first() {
            Some(p) => {
                site.remove(p);
                format!("delete {p}")
            }
            None => "nothing to delete".into(),
        },
        4 => {
            let d = ["content", "templates", "static"][rng.below(3)];
            if !present(d) {
                return format!("{d} is absent");
            }
            remove_and_restore(site, d, pause);
            format!("rm -rf {d} and restore (pause {pause})")
        }
        5 => {
            if !present("templates") || rng.below(3) > 0 {
                site.write("templates/page.html", format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ page.title }}}}</h1>{{{{ page.content | safe }}}}<p>override {step}</p>{{% endblock main %}}"));
                "write templates/page.html".into()
            } else {
                std::fs::remove_dir_all(site.path().join("templates")).unwrap();
                "rm -rf templates".into()
            }
        }
        6 => {
            if !present("static") || rng.below(3) > 0 {
                site.write(
                    &format!("static/file-{}.txt", rng.below(2)),
                    format!("static at step {step}\n"),
                );
                "write a static file".into()
            } else {
                std::fs::remove_dir_all(site.path().join("static")).unwrap();
                "rm -rf static".into()
            }
        }
        _ => {
            let d = ["content", "templates", "static"][rng.below(3)];
            if !present(d) {
                return format!("{d} is absent");
            }
            move_away_and_back(site, d, pause);
            format!("mv {d} x && mv x {d} (pause {pause})")
        }
    }
}

/// What serve shows after any sequence of file-system operations, the
/// input folders themselves deleted, restored, created and moved included,
/// equals a fresh build of the same files.
fn serve_follows_folder_operations(seed: u64, args: &[&str]) {
    let site = Site::fixture("basic");
    let server = serve_with(&site, args, &[]);
    let mut rng = Rng(seed);
    let mut history = vec![format!("seed {seed}, serve {args:?}")];
    let mut served = await_fresh(&site, server.port, &[]).unwrap();
    for step in 0..12 {
        history.push(operate(&site, &mut rng, step));
        match await_fresh(&site, server.port, &served) {
            Ok(now) => served = now,
            Err(diff) => panic!("serve is stale after {history:#?}: {diff}"),
        }
    }
}

#[test]
fn serve_equals_a_fresh_build_after_random_folder_operations() {
    serve_follows_folder_operations(0x5eed_0001, &[]);
    serve_follows_folder_operations(0x5eed_0002, &["--poll"]);
}

#[test]
fn a_content_folder_removed_and_restored_is_still_watched() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    let events = Events::open(server.port);
    assert_eq!(events.next(), "ok");
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&site.path().join("content"), saved.path());
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    // Without its pages the site is broken (site.toml features one).
    events.until("errors:");
    copy_dir(saved.path(), &site.path().join("content"));
    events.until("reload");
    // Let the restore's last batch go by, so the edit is a change of its own.
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nWritten after the restore.\n",
    );
    wait_for(|| {
        get(server.port, "/about/")
            .body
            .contains("Written after the restore.")
    });
}

/// The value of a response header, by its name in any case.
fn header(r: &Reply, name: &str) -> Option<String> {
    r.head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// The page served for every path while the site has never built: the
/// errors, escaped, and the reload script that turns it into the site.
fn assert_error_page(port: u16, path: &str, needles: &[&str]) {
    let r = get(port, path);
    assert_eq!(r.status, 503, "{path}: {}", r.head);
    assert!(
        header(&r, "content-type").is_some_and(|t| t.starts_with("text/html")),
        "{path}: {}",
        r.head
    );
    assert_eq!(header(&r, "cache-control").as_deref(), Some("no-store"));
    assert!(r.body.contains(LIVE_TAG), "{path}: {}", r.body);
    for needle in needles {
        assert!(r.body.contains(needle), "{path} lacks {needle}: {}", r.body);
    }
}

#[test]
fn a_first_build_that_fails_shows_its_errors_until_fixed() {
    let site = Site::fixture("basic");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\nbogus = 1\n+++\n\nBroken.\n",
    );
    let server = serve(&site);
    for path in ["/", "/about/", "/no/such/page/", "/codes.json"] {
        assert_error_page(
            server.port,
            path,
            &["content/about.md:3:", "unknown key &quot;bogus&quot;"],
        );
    }
    assert_eq!(get(server.port, "/__faultbook/nothing").status, 404);
    let events = Events::open(server.port);
    assert!(events.next().starts_with("errors:"));
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nFixed.\n",
    );
    events.until("reload");
    let about = get(server.port, "/about/");
    assert_eq!(about.status, 200);
    assert!(about.body.contains("Fixed.") && about.body.contains(LIVE_TAG));
}

#[test]
fn serve_starts_without_site_toml_and_builds_when_it_appears() {
    let site = Site::fixture("basic");
    let config = site.read("site.toml");
    site.remove("site.toml");
    let server = serve(&site);
    assert_error_page(server.port, "/", &["site.toml", "no site.toml in"]);
    let events = Events::open(server.port);
    assert!(events.next().starts_with("errors:"));
    site.write("site.toml", config);
    events.until("reload");
    let home = get(server.port, "/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Fixture Atlas"), "{}", home.body);
}

#[test]
fn methods_other_than_get_and_head_are_refused() {
    let site = Site::fixture("basic");
    let server = serve(&site);
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        for path in ["/", "/about/", "/no/such/page/"] {
            let r = send(server.port, method, path, &[("Content-Length", "0")]);
            assert_eq!(r.status, 405, "{method} {path}");
            assert_eq!(
                header(&r, "allow").as_deref(),
                Some("GET, HEAD"),
                "{method} {path}"
            );
        }
    }
    let head = send(server.port, "HEAD", "/about/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[test]
fn static_files_get_their_content_types() {
    let site = Site::fixture("basic");
    let types = [
        ("app.mjs", "text/javascript"),
        ("mod.wasm", "application/wasm"),
        ("font.woff", "font/woff"),
        ("font.woff2", "font/woff2"),
        ("font.ttf", "font/ttf"),
        ("font.otf", "font/otf"),
        ("site.webmanifest", "application/manifest+json"),
        ("photo.avif", "image/avif"),
        ("clip.mp4", "video/mp4"),
        ("clip.webm", "video/webm"),
        ("app.js.map", "application/json"),
        ("table.csv", "text/csv"),
        ("notes.md", "text/markdown"),
        ("LOUD.PNG", "image/png"),
    ];
    for (name, _) in types {
        site.write(&format!("static/{name}"), "x");
    }
    let server = serve(&site);
    for (name, want) in types {
        let r = get(server.port, &format!("/{name}"));
        assert_eq!(r.status, 200, "{name}");
        let got = header(&r, "content-type").unwrap_or_default();
        assert!(
            got == want || got.starts_with(&format!("{want};")),
            "{name}: {got}"
        );
    }
}

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let site = Site::fixture("basic");
    // A short timeout keeps this test fast; serve's own is 10 s.
    let server = serve_with(&site, &[], &[("FAULTBOOK_HEADER_TIMEOUT_MS", "500")]);
    let events = Events::open(server.port);
    assert_eq!(events.next(), "ok");
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        slow,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
        server.port
    )
    .unwrap();
    let start = Instant::now();
    let mut rest = Vec::new();
    let read = slow.read_to_end(&mut rest);
    assert!(
        read.is_ok() && start.elapsed() < Duration::from_secs(5),
        "still connected after {:?}: {read:?}",
        start.elapsed()
    );
    // The reload stream outlives the timeout, and requests still work.
    std::thread::sleep(Duration::from_millis(800));
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nAfter the timeout.\n",
    );
    events.until("reload");
    assert!(get(server.port, "/about/")
        .body
        .contains("After the timeout."));
}

#[test]
fn a_port_in_use_is_named_with_the_way_out() {
    let site = Site::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let r = site.run(&["serve", "--port", &port]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("127.0.0.1:{port}")) && r.stderr.contains("--port 0"),
        "{}",
        r.stderr
    );
}

/// Every rebuild path keeps the last search index served until the new
/// one is made: a page that reloads meanwhile finds it (a full rebuild
/// once published the site without it for a moment).
#[test]
fn the_search_index_is_served_without_a_gap_across_rebuilds() {
    for args in [&["--full-rebuilds"][..], &[]] {
        let site = Site::fixture("basic");
        let server = serve_with(&site, args, &[]);
        wait_for(|| get(server.port, "/search/index.json").status == 200);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let poller = {
            let (stop, port) = (stop.clone(), server.port);
            std::thread::spawn(move || {
                let mut missing = Vec::new();
                let mut reads = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let status = get(port, "/search/index.json").status;
                    if status != 200 {
                        missing.push(status);
                    }
                    reads += 1;
                }
                (missing, reads)
            })
        };
        let page = "content/errors/http/503.md";
        for step in 0..6 {
            let text = site
                .read(page)
                .replacen("title = \"", &format!("title = \"S{step} "), 1);
            site.write(page, text);
            if step % 2 == 1 {
                site.write(
                    "site.toml",
                    site.read("site.toml")
                        .replace("name = \"gRPC\"", &format!("name = \"gRPC {step}\"")),
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (missing, reads) = poller.join().unwrap();
        assert!(reads > 20, "{args:?}: only {reads} reads");
        assert!(
            missing.is_empty(),
            "{args:?}: {} of {reads} reads found no index: {missing:?}",
            missing.len()
        );
    }
}

/// Serve keeps its files packed, but for the large ones and the search
/// index's, which it shares: every kind is served as a build writes it.
#[test]
fn packed_shared_and_large_files_are_served_as_built() {
    let site = Site::fixture("basic");
    // Some 1.5 MB that do not compress, and as much that do.
    let mut noise = Vec::with_capacity(3 << 19);
    let mut x: u32 = 0x9e37_79b9;
    while noise.len() < 3 << 19 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.extend_from_slice(&x.to_le_bytes());
    }
    site.write("static/noise.bin", &noise);
    site.write("static/zeros.txt", vec![b'0'; 3 << 19]);
    site.write("static/small.txt", "small\n");
    let server = serve(&site);
    wait_for(|| get(server.port, "/search/index.json").status == 200);
    let want = fresh_build(&site, server.port);
    for file in ["noise.bin", "zeros.txt", "small.txt", "search/index.json"] {
        assert!(want.iter().any(|(p, _)| p == file), "{file}");
    }
    assert_eq!(served_differs(server.port, &want, &[]), None);
}
