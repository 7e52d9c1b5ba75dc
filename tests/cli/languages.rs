//! Translations (SPEC §11): a page beside its original with the language
//! code before `.md`, published under `/<lang>/`, taking the facts it
//! shares from its original; every page's languages in `hreflang` and the
//! switcher; an outdated translation said on the page and by `check`; the
//! mistakes a writer makes reported at file:line.

use crate::harness::{tree, Site};

const FR: &str =
    "\n[languages.fr]\ntitle = \"Atlas des erreurs\"\n\n[languages.de]\nname = \"Deutsch (DE)\"\n";

/// The basic fixture in English, French and German, with a French
/// translation of the 503 page (reviewed after its original) and of the
/// compare guide (reviewed before its original: outdated).
fn bilingual() -> Site {
    let site = Site::fixture("basic");
    let toml = site.read("site.toml");
    site.write("site.toml", format!("{toml}{FR}"))
        .write(
            "content/errors/http/503.fr.md",
            "+++\ntitle = \"Service indisponible\"\nreviewed = 2026-10-05\n+++\n\nLe serveur ne peut pas répondre. Voir [UNAVAILABLE](@/errors/grpc/unavailable.md).\n\n## Ce que cela signifie\n\nRéessayez plus tard.\n",
        )
        .write(
            "content/compare/503-vs-unavailable.fr.md",
            "+++\ntitle = \"503 ou UNAVAILABLE\"\nsummary = \"Les deux visages d'un service surchargé.\"\nreviewed = 2026-09-01\n+++\n\nLes deux veulent dire « réessayez plus tard ».\n",
        );
    site
}

#[test]
fn a_translation_is_published_under_its_language_with_its_originals_facts() {
    let site = bilingual();
    site.build_ok();
    let fr = site.read("public/fr/errors/http/503/index.html");
    assert!(fr.contains(r#"<html lang="fr""#), "lang of the translation");
    // Dates as French writes them; the machine-readable one stays ISO.
    assert!(
        fr.contains(r#"<time datetime="2026-10-05">5 octobre 2026</time>"#),
        "the review date in French"
    );
    assert!(fr.contains("Service indisponible"));
    assert!(
        fr.contains(r#"<code class="page-code">503</code>"#),
        "code from the original"
    );
    // The theme's words in French.
    assert!(
        fr.contains("Aide à la décision") || fr.contains("décision"),
        "French headings"
    );
    // References and tags are the original's.
    assert!(fr.contains("RFC 9110"), "the original's references");
    assert!(
        fr.contains(r#"href="/docs/fr/tags/availability/""#),
        "the tag in its section"
    );
    // The related page has no French version: it links the original, marked.
    assert!(
        fr.contains(r#"href="/docs/errors/grpc/unavailable/" hreflang="en" lang="en""#),
        "{}",
        &fr[fr.find("related").unwrap_or(0)..][..400.min(fr.len())]
    );
    // The compare guide is translated: decision support links the translation.
    assert!(fr.contains(r#"href="/docs/fr/compare/503-vs-unavailable/""#));
    // The English page is unchanged in language, and names its translations.
    let en = site.read("public/errors/http/503/index.html");
    assert!(en.contains(r#"<html lang="en""#));
    for (lang, href) in [
        ("en", "https://errors.example.com/docs/errors/http/503/"),
        ("fr", "https://errors.example.com/docs/fr/errors/http/503/"),
    ] {
        let link = format!(r#"<link rel="alternate" hreflang="{lang}" href="{href}">"#);
        assert!(en.contains(&link), "{link} on the original");
        assert!(fr.contains(&link), "{link} on the translation");
    }
    assert!(
        !en.contains(r#"hreflang="de" href"#),
        "no German page, no alternate"
    );
}

#[test]
fn the_language_switcher_goes_to_the_same_page_or_says_there_is_none() {
    let site = bilingual();
    site.build_ok();
    let en = site.read("public/errors/http/503/index.html");
    let switcher = &en[en.find(r#"class="language-switcher""#).expect("a switcher")..];
    let switcher = &switcher[..switcher.find("</nav>").unwrap()];
    assert!(switcher.contains(r#"<a href="/docs/errors/http/503/" hreflang="en" lang="en" aria-current="page">English</a>"#), "{switcher}");
    assert!(
        switcher.contains(
            r#"<a href="/docs/fr/errors/http/503/" hreflang="fr" lang="fr">Français</a>"#
        ),
        "{switcher}"
    );
    assert!(
        switcher.contains(r#"class="untranslated""#)
            && switcher.contains("Deutsch (DE): not translated yet"),
        "{switcher}"
    );
    // A one-language site has no switcher and no alternates.
    let plain = Site::fixture("basic");
    plain.build_ok();
    let html = plain.read("public/errors/http/503/index.html");
    assert!(!html.contains("language-switcher") && !html.contains("hreflang"));
}

#[test]
fn an_outdated_translation_says_so_and_check_lists_it() {
    let site = bilingual();
    site.build_ok();
    let fr = site.read("public/fr/compare/503-vs-unavailable/index.html");
    assert!(
        fr.contains(r#"<p class="outdated" role="note">"#) && fr.contains("2 octobre 2026"),
        "the badge names the original's review date"
    );
    assert!(fr.contains(r#"href="/docs/compare/503-vs-unavailable/" hreflang="en""#));
    let current = site.read("public/fr/errors/http/503/index.html");
    assert!(
        !current.contains(r#"class="outdated""#),
        "reviewed after its original"
    );

    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    let outdated: Vec<String> = check
        .diagnostics()
        .into_iter()
        .filter(|d| d.contains("outdated translation"))
        .collect();
    assert_eq!(
        outdated,
        ["warning: content/compare/503-vs-unavailable.fr.md:4:12: outdated translation: its original, content/compare/503-vs-unavailable.md, was reviewed on 2026-10-02, after this translation was (2026-09-01)"]
    );
    let strict = site.run(&["check", "--deny-stale"]);
    assert_eq!(strict.status, 1);
    assert!(strict
        .errors()
        .iter()
        .any(|e| e.contains("outdated translation")));
    let json = site.run(&["check", "--format", "json"]);
    assert!(
        json.stdout.contains(r#""rule": "outdated""#),
        "{}",
        json.stdout
    );
}

#[test]
fn translation_mistakes_are_errors_at_file_and_line() {
    let site = bilingual();
    site.write(
        "content/errors/http/503.de.md",
        "+++\ntitle = \"Dienst nicht verfügbar\"\ncode = \"504\"\ntags = [\"Availability\"]\nrelated = [\"UNAVAILABLE\"]\nreviewed = 2026-10-05\n+++\nText.\n",
    )
    .write(
        "content/errors/http/404.fr.md",
        "+++\ntitle = \"Introuvable\"\nreviewed = 2026-10-05\n+++\nTexte.\n",
    )
    .write(
        "content/about.it.md",
        "+++\ntitle = \"Chi siamo\"\n+++\nTesto.\n",
    )
    .write(
        "content/about.en.md",
        "+++\ntitle = \"About\"\n+++\nText.\n",
    );
    let run = site.build();
    assert_eq!(run.status, 1);
    let errors = run.errors();
    let expect = [
        "error: content/about.en.md: \"en\" in the file name makes this a translation into en, the site's default language",
        "error: content/about.it.md: \"it\" in the file name makes this a translation of about.md into it, a language site.toml does not declare; add [languages.it]",
        "error: content/errors/http/404.fr.md: a translation into fr of content/errors/http/404.md, but content/errors/http/404.md does not exist",
        "error: content/errors/http/503.de.md:3:8: \"code\" is a fact of the original, content/errors/http/503.md",
    ];
    for e in expect {
        assert!(
            errors.iter().any(|l| l.starts_with(e)),
            "{e}\nin {errors:#?}"
        );
    }
    // The tags it repeats as the original has them are fine.
    assert!(
        !errors.iter().any(|l| l.contains("\"tags\"")),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
}

#[test]
fn translations_stay_out_of_the_default_languages_lists_search_and_feed() {
    let site = bilingual();
    site.build_ok();
    for file in [
        "errors/index.html",
        "providers/http/index.html",
        "tags/availability/index.html",
        "index.html",
        "feed.xml",
    ] {
        let text = site.read(&format!("public/{file}"));
        assert!(
            !text.contains("Service indisponible"),
            "{file} lists the translation"
        );
    }
    let index: String = tree(&site.path().join("public/search"))
        .into_iter()
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(!index.contains("indisponible"), "the English search index");
    // The sitemap has both.
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("https://errors.example.com/docs/fr/errors/http/503/"));
}

#[test]
fn site_toml_languages_are_checked_at_their_line() {
    let site = Site::fixture("basic");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!("{toml}\n[languages.FR]\nname = \"x\"\n\n[languages.tlh]\n\n[languages.es.strings]\nfeeed = \"x\"\n\n[languages.zh-Hant]\n"),
    );
    let run = site.build();
    assert_eq!(run.status, 1);
    let errors = run.errors();
    let n = toml.lines().count();
    for (line, text) in [
        (n + 2, "language code \"FR\" must be 2-3 lowercase letters"),
        (n + 5, "language \"tlh\" needs a name"),
        (n + 8, "unknown string \"feeed\" in [languages.es.strings]"),
        (n + 10, "language \"zh-Hant\" needs a name"),
    ] {
        let at = format!("error: site.toml:{line}:");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&at) && e.contains(text)),
            "{at} {text}\nin {errors:#?}"
        );
    }
}

#[test]
fn a_site_in_another_language_speaks_it_and_overrides_words() {
    let site = Site::fixture("basic");
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        format!("language = \"de\"\n{toml}\n[languages.de.strings]\nfeed = \"Atom-Feed\"\n"),
    );
    site.build_ok();
    let html = site.read("public/errors/http/503/index.html");
    assert!(html.contains(r#"<html lang="de""#));
    assert!(html.contains(">Atom-Feed</a>"), "the override");
    assert!(
        html.contains("Zuletzt") || html.contains("Anbieter"),
        "German words"
    );
    let list = site.read("public/errors/index.html");
    assert!(!list.contains("Errors A–Z"), "the A-Z title in German");
}

#[test]
fn each_language_has_its_section_of_listings_search_and_feed() {
    let site = bilingual();
    site.build_ok();
    // Home, listings and search of the French section, in French.
    for file in [
        "fr/index.html",
        "fr/errors/index.html",
        "fr/compare/index.html",
        "fr/playbooks/index.html",
        "fr/providers/http/index.html",
        "fr/tags/availability/index.html",
        "fr/standards/checked/index.html",
        "fr/search/index.html",
        "de/errors/index.html",
    ] {
        let html = site.read(&format!("public/{file}"));
        let lang = &file[..2];
        assert!(
            html.contains(&format!(
                r#"<html lang="{lang}" data-base="/docs/" data-section="/docs/{lang}/">"#
            )),
            "{file}"
        );
        // Its header and footer lead to its own section.
        assert!(
            html.contains(&format!(r#"action="/docs/{lang}/search/""#)),
            "{file}"
        );
        assert!(
            html.contains(&format!(r#"<a href="/docs/{lang}/feed.xml">"#)),
            "{file}"
        );
        // The same page in each language.
        let rest = file[3..].trim_end_matches("index.html");
        let en = format!(
            r#"<link rel="alternate" hreflang="en" href="https://errors.example.com/docs/{rest}">"#
        );
        assert!(html.contains(&en), "{file}: {en}");
    }
    let list = site.read("public/fr/errors/index.html");
    assert!(list.contains("Erreurs de A à Z"));
    // The site's title in French, where site.toml gives it.
    assert!(list.contains(r#"<a class="site-title" href="/docs/fr/">Atlas des erreurs</a>"#));
    assert!(site
        .read("public/errors/index.html")
        .contains(">Fixture Atlas</a>"));
    assert!(site
        .read("public/fr/feed.xml")
        .contains("<title>Atlas des erreurs</title>"));
    // The translated page where there is one, else the original, marked.
    assert!(list.contains(r#"<a href="/docs/fr/errors/http/503/"><code class="item-code">503</code> <span class="item-title">Service indisponible</span></a>"#));
    assert!(list.contains(r#"<a href="/docs/errors/grpc/unavailable/" hreflang="en" lang="en">"#));
    assert!(list.contains(r#"<span class="item-lang">EN</span>"#));
    let home = site.read("public/fr/index.html");
    assert!(home.contains(r#"href="/docs/fr/providers/http/""#));
    assert!(home.contains("Service indisponible") || home.contains("503 ou UNAVAILABLE"));
    // The overdue page is the default language's only.
    assert!(!site.exists("public/fr/overdue/index.html"));

    // The French index finds the French page; the English one does not.
    let words = |dir: &str| -> String {
        tree(&site.path().join(dir))
            .into_iter()
            .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
            .collect()
    };
    let fr_index = words("public/fr/search");
    // Rows hold site paths, below the base path.
    assert!(fr_index.contains("indisponible") && fr_index.contains("\"fr/errors/http/503/\""));
    assert!(
        fr_index.contains("\"errors/grpc/unavailable/\""),
        "untranslated pages are found too"
    );
    assert!(
        !fr_index.contains("\"errors/http/503/\""),
        "the original of a translated page is not"
    );
    assert!(!words("public/search").contains("indisponible"));

    // One feed per language: the French one holds the translations.
    let feed = site.read("public/fr/feed.xml");
    assert!(
        feed.contains("<title>503: Service indisponible</title>"),
        "{feed}"
    );
    assert!(!feed.contains("Service Unavailable"));
    assert!(
        feed.contains(r#"<link href="https://errors.example.com/docs/fr/feed.xml" rel="self"/>"#)
    );

    // The sitemap names each version of a translated page.
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#));
    assert!(sitemap.contains(r#"<url><loc>https://errors.example.com/docs/errors/http/503/</loc><lastmod>2026-10-01</lastmod><xhtml:link rel="alternate" hreflang="en" href="https://errors.example.com/docs/errors/http/503/"/><xhtml:link rel="alternate" hreflang="fr" href="https://errors.example.com/docs/fr/errors/http/503/"/></url>"#), "{sitemap}");
    roxmltree::Document::parse(&sitemap).expect("the sitemap is XML");

    // codes.json lists each code's translations.
    let codes: serde_json::Value = serde_json::from_str(&site.read("public/codes.json")).unwrap();
    let c503 = codes["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "503")
        .unwrap();
    assert_eq!(
        c503["translations"],
        serde_json::json!([{"lang": "fr", "title": "Service indisponible", "url": "https://errors.example.com/docs/fr/errors/http/503/", "reviewed": "2026-10-05"}])
    );
}

#[test]
fn a_translated_home_introduction_introduces_its_section() {
    let site = bilingual();
    site.write(
        "content/index.md",
        "+++\ntitle = \"Welcome\"\n+++\nAll about errors.\n",
    )
    .write(
        "content/index.fr.md",
        "+++\ntitle = \"Bienvenue\"\n+++\nTout sur les erreurs.\n",
    );
    site.build_ok();
    assert!(site.read("public/index.html").contains("All about errors."));
    let fr = site.read("public/fr/index.html");
    assert!(fr.contains("Tout sur les erreurs.") && fr.contains("Bienvenue"));
}

#[test]
fn new_with_lang_starts_a_translation_from_its_original() {
    let site = bilingual();
    let run = site.run(&["new", "error", "grpc", "DEADLINE_EXCEEDED", "--lang", "fr"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "content/errors/grpc/deadline-exceeded.fr.md"
    );
    let text = site.read("content/errors/grpc/deadline-exceeded.fr.md");
    let original = site.read("content/errors/grpc/deadline-exceeded.md");
    let title = original
        .lines()
        .find(|l| l.starts_with("title = "))
        .unwrap();
    assert!(text.starts_with(&format!("+++\n{title}\n")), "{text}");
    assert!(text.contains("\nreviewed = "), "{text}");
    assert!(
        !text.contains("code ="),
        "shared facts are the original's: {text}"
    );
    // The original's sections, their ids kept.
    for line in original.lines().filter(|l| l.starts_with("## ")) {
        let heading = line.trim_start_matches("## ");
        assert!(
            text.contains(&format!("## {heading} {{#")),
            "{heading} in {text}"
        );
    }
    site.build_ok();
    assert!(site.exists("public/fr/errors/grpc/deadline-exceeded/index.html"));

    let again = site.run(&["new", "error", "grpc", "DEADLINE_EXCEEDED", "--lang", "fr"]);
    assert_eq!(again.status, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let undeclared = site.run(&["new", "error", "grpc", "UNAVAILABLE", "--lang", "it"]);
    assert_eq!(undeclared.status, 1);
    assert!(
        undeclared
            .stderr
            .contains("does not declare the language \"it\" (declared: de, fr)"),
        "{}",
        undeclared.stderr
    );
    let missing = site.run(&["new", "error", "http", "404", "--lang", "fr"]);
    assert_eq!(missing.status, 1);
    assert!(
        missing
            .stderr
            .contains("no error page of http has the code 404"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_translation_files_under_its_own_standard_and_may_be_overdue() {
    let site = bilingual();
    site.replace(
        "content/errors/http/503.fr.md",
        "reviewed = 2026-10-05",
        "reviewed = 2026-10-05\nstandard = \"notes\"",
    );
    site.build_ok();
    let notes = site.read("public/fr/standards/notes/index.html");
    assert!(
        notes.contains("Service indisponible"),
        "listed under its own standard"
    );
    let checked = site.read("public/fr/standards/checked/index.html");
    assert!(
        !checked.contains("Service indisponible") && !checked.contains("/docs/errors/http/503/")
    );

    // A translation not reviewed for long is overdue, as its page says.
    let old = Site::fixture("basic");
    let toml = old.read("site.toml");
    old.write("site.toml", format!("{toml}{FR}")).write(
        "content/errors/http/503.fr.md",
        "+++\ntitle = \"Service indisponible\"\nreviewed = 2020-01-01\n+++\nTexte.\n",
    );
    let check = old.run(&["check", "--overdue", "--format", "json"]);
    assert!(
        check.stdout.contains("content/errors/http/503.fr.md"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_site_without_languages_keeps_its_dotted_file_names() {
    let site = Site::fixture("basic");
    site.write(
        "content/guides/notes.de.md",
        "+++\ntitle = \"Notes\"\n+++\nText.\n",
    )
    .write("content/a.es.md", "+++\ntitle = \"A\"\n+++\nText.\n");
    site.build_ok();
    assert!(site.exists("public/guides/notes-de/index.html"));
    assert!(site.exists("public/a-es/index.html"));
    // Beside its original, the same name is a translation site.toml lacks.
    site.write("content/a.md", "+++\ntitle = \"A\"\n+++\nText.\n");
    let run = site.build();
    assert!(
        run.errors()
            .iter()
            .any(|e| e.contains("content/a.es.md") && e.contains("add [languages.es]")),
        "{:?}",
        run.errors()
    );
}

#[test]
fn build_sums_up_outdated_translations_and_lists_them_with_v() {
    let site = bilingual();
    site.replace(
        "content/errors/http/503.fr.md",
        "reviewed = 2026-10-05",
        "reviewed = 2026-09-05",
    );
    let run = site.build_ok();
    let outdated: Vec<String> = run
        .diagnostics()
        .into_iter()
        .filter(|d| d.contains("outdated"))
        .collect();
    assert_eq!(outdated.len(), 1, "{outdated:?}");
    assert!(
        outdated[0].starts_with("warning: 2 translations are outdated"),
        "{outdated:?}"
    );
    let verbose = site.run(&["build", "-v"]);
    let listed = verbose
        .diagnostics()
        .into_iter()
        .filter(|d| d.contains("outdated translation"))
        .count();
    assert_eq!(listed, 2, "{}", verbose.stderr);
}
