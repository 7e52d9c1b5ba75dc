#!/usr/bin/env python3
"""Latency of `faultbook serve` from saving a file to the new output served.

    python3 scripts/serve-bench.py SITE [--runs 10] [--edits 1000] [--bin PATH]

SITE is a site folder (a generated corpus from ../shared/bench/gen_corpus.py,
say); it is edited in place and every edit is undone at the end. Measures,
each as the median of --runs:

  body      append a line to one error page; poll that page for it
  title     change the page's title (listings and related pages show it
            too, and are rendered again); poll the page for it
  template  add a comment to templates/error.html (or base.html); poll the page

then start-up (process start to the first 200) and memory (RSS after the
first body edit and after --edits more).
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
import urllib.request

PORT = 1199


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
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

    t_start = time.monotonic()
    proc = subprocess.Popen([a.bin, "serve", "--root", str(site), "--port", str(PORT), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = {}
    try:
        while fetch(url)[0] != 200:
            if proc.poll() is not None:
                raise SystemExit("the server exited")
            time.sleep(0.01)
        result["startup_s"] = round(time.monotonic() - t_start, 3)
        time.sleep(1.0)

        def measure(kind, edit, poll_url):
            times = []
            for i in range(a.runs):
                marker = f"m{kind}{i}x{time.time_ns()}"
                t0 = time.monotonic()
                edit(marker)
                wait_for(poll_url, marker.encode())
                times.append(time.monotonic() - t0)
                time.sleep(1.0)  # lets the search index catch up, as a writer's pause does
            result[f"{kind}_ms"] = [round(t * 1000, 1) for t in times]
            result[f"{kind}_median_ms"] = round(statistics.median(times) * 1000, 1)

        text = originals[page].decode()
        measure("body", lambda m: page.write_text(text + f"\n{m}\n"), url)
        page.write_bytes(originals[page])

        def title_edit(m):
            page.write_text(re.sub(r'^title = "', f'title = "{m} ', text, count=1, flags=re.M))
        measure("title", title_edit, url)
        page.write_bytes(originals[page])

        ttext = originals[template].decode()
        close = next(t for t in ("</body>", "</article>", "{% endblock") if t in ttext)
        measure("template", lambda m: template.write_text(ttext.replace(close, f"<!-- {m} -->{close}", 1)), url)
        template.write_bytes(originals[template])
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
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
