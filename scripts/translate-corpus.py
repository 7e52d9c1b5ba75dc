#!/usr/bin/env python3
"""Turns a generated knowledge base into a two-language one, for benchmarks.

    python3 scripts/translate-corpus.py SITE [--lang fr] [--every 2]

Declares [languages.<lang>] in SITE/site.toml and writes a translation
beside every <every>-th page of content/ (sorted by path): the original's
title, summary and reviewed date, and its body, as a translator would
start. The facts a translation shares with its original (code, provider,
refs, tags, aliases) are left out, as SPEC section 11 asks.
"""
import argparse
import os
import re

OWN = ("title", "summary", "reviewed")


def translation(text, lang):
    end = text.index("\n+++", 3)
    front, body = text[4:end], text[end + 4:]
    # Top-level keys only: they come before the first table ([[references]]).
    lines = front.split("\n")
    top = next((i for i, l in enumerate(lines) if l.startswith("[")), len(lines))
    keep = [l for l in lines[:top] if l.split(" = ", 1)[0] in OWN]
    keep = [re.sub(r'^title = "', 'title = "[%s] ' % lang, l) for l in keep]
    return "+++\n" + "\n".join(keep) + "\n+++" + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--lang", default="fr")
    ap.add_argument("--every", type=int, default=2)
    a = ap.parse_args()
    with open(os.path.join(a.site, "site.toml"), "a") as f:
        f.write("\n[languages.%s]\n" % a.lang)
    pages = []
    for folder, _, files in os.walk(os.path.join(a.site, "content")):
        pages += [os.path.join(folder, n) for n in files if n.endswith(".md") and n.count(".") == 1]
    pages.sort()
    made = 0
    for path in pages[:: a.every]:
        with open(path) as f:
            text = f.read()
        if not text.startswith("+++\n"):
            continue
        with open(path[: -len(".md")] + ".%s.md" % a.lang, "w") as f:
            f.write(translation(text, a.lang))
        made += 1
    print("%d translations into %s of %d pages" % (made, a.lang, len(pages)))


if __name__ == "__main__":
    main()
