#!/usr/bin/env python3
"""Latency of `faultbook serve` from saving a file to the new output served.

    python3 scripts/serve-bench.py SITE [--runs 10] [--edits 1000] [--bin PATH]

SITE is a site folder (a generated corpus from ../shared/bench/gen_corpus.py,
say); it is edited in place and every edit is undone at the end. Measures,
each as the median of --runs:

  body      append a line to one error page; poll that page for it
  title     change the page's title (listings and related pages show it
            too, and are rendered again); poll the page for it
  summary   change the page's summary; poll the page
  tags      add a new tag to the page; poll the new tag's page for it
  related   point `related` at another error; poll the page for its title
  code      change the code of an error no page refers to; poll its new URL
            (an error's URL is made from its code)
  new       add an error page beside it; poll the new page
  delete    delete an error page (one written before the server started);
            poll its URL for the 404
  rename    rename such a page (its URL, made from its code, stays): time
            to the server's report of the rebuild
  template  add a comment to templates/error.html (or base.html); poll the page

then start-up (process start to the first 200) and memory (RSS after the
first body edit and after --edits more: kind `memory`). `--only title,new`
measures some.
"""
import argparse
import json
import os
import pathlib
import re
import signal
import statistics
import subprocess
import time
import urllib.error
import urllib.request

PORT = 1199


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except Exception:  # noqa: BLE001 - the server may be between states
        return None, b""


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_for(url, marker, timeout=60.0):
    t0 = time.monotonic()
    while True:
        status, body = fetch(url)
        if status == 200 and marker in body:
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise SystemExit(f"timed out waiting for {marker!r} at {url}")
        time.sleep(0.002)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--only", default="", help="comma-separated edit kinds (default: all)")
    ap.add_argument("--bin", default=str(pathlib.Path(__file__).resolve().parent.parent / "target/release/faultbook"))
    a = ap.parse_args()
    site = pathlib.Path(a.site).resolve()
    page = sorted((site / "content/errors").rglob("*.md"))[0]
    rel = page.relative_to(site / "content").with_suffix("")
    provider, stem = rel.parts[1], rel.parts[2]
    base = f"http://127.0.0.1:{PORT}/"
    url = f"{base}errors/{provider}/{re.sub('[^a-z0-9]+', '-', stem.lower()).strip('-')}/"
    template = site / "templates/error.html"
    if not template.exists():
        template = site / "templates/base.html"
    originals = {p: p.read_bytes() for p in (page, template) if p.exists()}
    kinds = set(filter(None, a.only.split(",")))
    wanted = lambda kind: not kinds or kind in kinds  # noqa: E731
    text = originals[page].decode()
    folder = page.parent
    slug = lambda stem: re.sub("[^a-z0-9]+", "-", stem.lower()).strip("-")  # noqa: E731
    # Pages to delete and rename, written before the server starts.
    spares = [folder / f"bench-spare-{i}.md" for i in range(2 * a.runs)]
    for i, p in enumerate(spares):
        p.write_text(re.sub(r'^code = ".*"', f'code = "BENCHSPARE{i}"', text, count=1, flags=re.M))
    # A page no other page refers to, whose code can change.
    unreferenced = folder / "bench-spare-code.md"
    unreferenced.write_text(re.sub(r'^code = ".*"', 'code = "BENCHSPARECODE"', text, count=1, flags=re.M))
    made = [*spares, unreferenced]

    t_start = time.monotonic()
    log = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"serve-bench-{os.getpid()}.log"
    proc = subprocess.Popen([a.bin, "serve", "--root", str(site), "--port", str(PORT)],
                            stdout=log.open("w"), stderr=subprocess.DEVNULL)
    result = {}
    try:
        while fetch(url)[0] != 200:
            if proc.poll() is not None:
                raise SystemExit("the server exited")
            time.sleep(0.01)
        result["startup_s"] = round(time.monotonic() - t_start, 3)
        time.sleep(3.0)  # the first whole search index is made meanwhile

        def measure(kind, edit, poll_url):
            times = []
            for i in range(a.runs):
                marker = f"m{kind}{i}x{time.time_ns()}"
                t0 = time.monotonic()
                edit(marker)
                wait_for(poll_url(marker) if callable(poll_url) else poll_url, marker.encode())
                times.append(time.monotonic() - t0)
                time.sleep(1.0)  # lets the search index catch up, as a writer's pause does
            result[f"{kind}_ms"] = [round(t * 1000, 1) for t in times]
            result[f"{kind}_median_ms"] = round(statistics.median(times) * 1000, 1)

        def kind(name, edit, poll_url):
            if wanted(name):
                measure(name, edit, poll_url)
            page.write_bytes(originals[page])

        def sub(pattern, repl):
            return lambda m: page.write_text(re.sub(pattern, repl(m), text, count=1, flags=re.M))

        kind("summary", sub(r'^summary = ".*"', lambda m: f'summary = "Now {m}."'), url)
        # The new tag's page is made, and names the tag.
        kind("tags", sub(r'^tags = \[', lambda m: f'tags = ["{m}", '), lambda m: f"{base}tags/{m}/")
        if wanted("related"):
            # Errors of the same provider the page does not show yet.
            shown = fetch(url)[1]
            others = []
            for p in sorted(folder.glob("*.md")):
                t = p.read_text()
                m_code = re.search(r'^code = "(.*)"', t, re.M)
                m_title = re.search(r'^title = "(.*)"', t, re.M)
                if p != page and m_code and m_title and m_title.group(1).encode() not in shown:
                    others.append((m_code.group(1), m_title.group(1)))
                if len(others) == a.runs:
                    break
            times = []
            for code, title in others:
                t0 = time.monotonic()
                page.write_text(re.sub(r'^related = \[', f'related = ["{provider}:{code}", ', text, count=1, flags=re.M))
                wait_for(url, title.replace("&", "&amp;").encode())
                times.append(time.monotonic() - t0)
                time.sleep(1.0)
            result["related_ms"] = [round(t * 1000, 1) for t in times]
            result["related_median_ms"] = round(statistics.median(times) * 1000, 1)
            page.write_bytes(originals[page])
        spare_text = unreferenced.read_text()
        kind("code", lambda m: unreferenced.write_text(
            re.sub(r'^code = ".*"', f'code = "{m}"', spare_text, count=1, flags=re.M)),
            lambda m: f"{base}errors/{provider}/{slug(m)}/")
        def new_page(m):
            p = folder / f"bench-new-{m}.md"
            made.append(p)
            tmp = p.with_suffix(".tmp")
            tmp.write_text(re.sub(r'^code = ".*"', f'code = "{m}"', text, count=1, flags=re.M))
            tmp.rename(p)
        kind("new", new_page, lambda m: f"{base}errors/{provider}/{slug(m)}/")
        if wanted("delete"):
            times = []
            for i in range(a.runs):
                p = spares[i]
                gone = f"{base}errors/{provider}/benchspare{i}/"
                t0 = time.monotonic()
                p.unlink()
                while fetch(gone)[0] != 404:
                    time.sleep(0.002)
                times.append(time.monotonic() - t0)
                time.sleep(1.0)
            result["delete_ms"] = [round(t * 1000, 1) for t in times]
            result["delete_median_ms"] = round(statistics.median(times) * 1000, 1)
        if wanted("rename"):
            # The URL is made from the code, so a renamed page looks the
            # same: the server's own report of the rebuild is the measure.
            times = []
            for i in range(a.runs):
                p = spares[a.runs + i]
                q = p.with_name(f"bench-renamed-{i}.md")
                made.append(q)
                seen = log.read_text().count("Rebuilt after")
                t0 = time.monotonic()
                p.rename(q)
                while log.read_text().count("Rebuilt after") == seen:
                    time.sleep(0.002)
                times.append(time.monotonic() - t0)
                time.sleep(1.0)
            result["rename_ms"] = [round(t * 1000, 1) for t in times]
            result["rename_median_ms"] = round(statistics.median(times) * 1000, 1)
        kind("body", lambda m: page.write_text(text + f"\n{m}\n"), url)
        kind("title", sub(r'^title = "', lambda m: f'title = "{m} '), url)
        if wanted("template") and template.exists():
            ttext = originals[template].decode()
            close = next(t for t in ("</body>", "</article>", "{% endblock") if t in ttext)
            measure("template", lambda m: template.write_text(ttext.replace(close, f"<!-- {m} -->{close}", 1)), url)
            template.write_bytes(originals[template])
        if wanted("memory"):
            time.sleep(3.0)
            page.write_text(text + "\nfirst\n")
            wait_for(url, b"first")
            time.sleep(0.5)
            first = rss_kb(proc.pid)
            for i in range(a.edits):
                marker = f"e{i}x"
                page.write_text(text + f"\n{marker}\n")
                wait_for(url, marker.encode())
            time.sleep(1.0)
            result["rss_after_first_edit_mb"] = round(first / 1024, 1)
            result[f"rss_after_{a.edits}_edits_mb"] = round(rss_kb(proc.pid) / 1024, 1)
    finally:
        for p, b in originals.items():
            p.write_bytes(b)
        for p in made:
            p.unlink(missing_ok=True)
        log.unlink(missing_ok=True)
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
