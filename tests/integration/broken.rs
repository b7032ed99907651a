//! Broken archives, one defect each: the good fixture tests/fixtures/basic is copied into a
//! temporary folder and built once, then one file is changed and the build runs again. The
//! second build must fail (exit 1, no panic), name the file (relative to the site root) and
//! the line, say what is wrong, and leave the previous output byte-for-byte as it was.

use crate::util::{assert_same_tree, snapshot, Site};

/// A good bulletin's first lines: line 1 `---`, 2 title, 3 date, 4 locality; what a case adds
/// to the front matter starts at line 5.
const HEAD: &str = "---\ntitle: \"Bản tin thử\"\ndate: 2021-01-05\nlocality: dong-son\n";

/// A bulletin: HEAD, `extra` front-matter lines, `---`, then the body.
fn article(extra: &str, body: &str) -> String {
    format!("{HEAD}{extra}---\n{body}")
}

/// One error the broken build must report.
struct Expect {
    /// The file as the error names it, relative to the site root.
    file: String,
    /// The line, when the problem is at one.
    line: Option<usize>,
    /// Text the error (its message and help) contains.
    says: Vec<String>,
}

fn expect(file: &str, line: Option<usize>, says: &[&str]) -> Expect {
    Expect {
        file: file.to_string(),
        line,
        says: says.iter().map(|s| s.to_string()).collect(),
    }
}

/// A good build, `mutate`, a second build: it fails with every expected error and the old
/// output stays byte-for-byte the same. Returns the failed run's error blocks.
fn assert_defect(mutate: impl FnOnce(&Site) -> Vec<Expect>) -> Vec<String> {
    let site = Site::new("basic");
    site.build(&[]).assert_ok();
    let before = snapshot(&site.out);
    assert!(
        before.keys().any(|k| k.ends_with("chi-tieu.csv")),
        "the good build wrote the data files"
    );
    let top_before: Vec<_> = std::fs::read_dir(site.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    let expects = mutate(&site);
    let run = site.build(&[]);
    run.assert_failed();
    let blocks = run.errors();
    assert!(!blocks.is_empty(), "errors are reported:\n{}", run.stderr);
    for e in &expects {
        let prefix = match e.line {
            Some(l) => format!("error: {}:{l}:", e.file),
            None => format!("error: {}: ", e.file),
        };
        let found = blocks
            .iter()
            .any(|b| b.starts_with(&prefix) && e.says.iter().all(|s| b.contains(s.as_str())));
        assert!(
            found,
            "expected an error starting `{prefix}` that says {:?}; got:\n{}",
            e.says, run.stderr
        );
    }
    assert_same_tree(&before, &snapshot(&site.out), "the old output");
    let mut top_after: Vec<_> = std::fs::read_dir(site.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    top_after.sort();
    let mut top_before = top_before;
    top_before.sort();
    assert_eq!(top_before, top_after, "no staging folder is left behind");
    blocks
}

const NEW: &str = "content/2021/01/ban-tin-thu.md";

// ---------------------------------------------------------------- front matter

#[test]
fn malformed_yaml_in_front_matter() {
    assert_defect(|s| {
        s.write(NEW, article("   sai: thụt lề\n", "Nội dung.\n"));
        vec![expect(NEW, Some(5), &["YAML is malformed"])]
    });
}

#[test]
fn missing_front_matter() {
    assert_defect(|s| {
        s.write(
            NEW,
            "title: Bản tin\ndate: 2021-01-05\nlocality: dong-son\n\nNội dung.\n",
        );
        vec![expect(NEW, Some(1), &["has no front matter", "help: "])]
    });
}

#[test]
fn unclosed_front_matter() {
    assert_defect(|s| {
        s.write(NEW, format!("{HEAD}\nNội dung.\n"));
        vec![expect(
            NEW,
            Some(1),
            &["front matter is not closed", "help: "],
        )]
    });
}

#[test]
fn unknown_front_matter_key_suggests_the_close_one() {
    assert_defect(|s| {
        s.write(NEW, article("autors: [Minh Chín]\n", "x\n"));
        vec![expect(
            NEW,
            Some(5),
            &[
                "unknown front-matter key `autors`",
                "did you mean `authors`?",
            ],
        )]
    });
}

#[test]
fn missing_title() {
    assert_defect(|s| {
        s.write(
            NEW,
            "---\ndate: 2021-01-05\nlocality: dong-son\n---\nNội dung.\n",
        );
        vec![expect(NEW, Some(1), &["no `title`"])]
    });
}

#[test]
fn missing_date() {
    assert_defect(|s| {
        s.write(NEW, "---\ntitle: A\nlocality: dong-son\n---\nNội dung.\n");
        vec![expect(NEW, Some(1), &["no `date`"])]
    });
}

#[test]
fn missing_locality() {
    assert_defect(|s| {
        s.write(NEW, "---\ntitle: A\ndate: 2021-01-05\n---\nNội dung.\n");
        vec![expect(NEW, Some(1), &["no `locality`"])]
    });
}

#[test]
fn bad_date() {
    assert_defect(|s| {
        s.write(
            NEW,
            "---\ntitle: A\nlocality: dong-son\ndate: 2021-02-30\n---\nx\n",
        );
        vec![expect(
            NEW,
            Some(4),
            &["`date: 2021-02-30` is not a valid date", "YYYY-MM-DD"],
        )]
    });
}

#[test]
fn bad_date_in_a_crlf_bom_file_is_at_the_same_line() {
    assert_defect(|s| {
        let text =
            "\u{feff}---\r\ntitle: A\r\nlocality: dong-son\r\ndate: 05/01/2021\r\n---\r\nx\r\n";
        s.write(NEW, text);
        vec![expect(
            NEW,
            Some(4),
            &["`date: 05/01/2021` is not a valid date"],
        )]
    });
}

#[test]
fn unknown_locality_id() {
    assert_defect(|s| {
        s.write(
            NEW,
            "---\ntitle: A\ndate: 2021-01-05\nlocality: dong-sonn\n---\nx\n",
        );
        vec![expect(
            NEW,
            Some(4),
            &["unknown locality `dong-sonn`", "did you mean `dong-son`?"],
        )]
    });
}

#[test]
fn unknown_locality_id_in_a_flow_list() {
    assert_defect(|s| {
        s.write(
            NEW,
            "---\ntitle: A\ndate: 2021-01-05\nlocality: [dong-son, yen-baii]\n---\nx\n",
        );
        vec![expect(
            NEW,
            Some(4),
            &["unknown locality `yen-baii`", "did you mean `yen-bai`?"],
        )]
    });
}

#[test]

fn unknown_locality_id_in_a_block_list() {
    assert_defect(|s| {
        s.write(
            NEW,
            "---\ntitle: A\ndate: 2021-01-05\nlocality:\n  - dong-son\n  - yen-baii\n---\nx\n",
        );
        vec![expect(NEW, Some(6), &["unknown locality `yen-baii`"])]
    });
}

#[test]
fn unknown_term_id() {
    assert_defect(|s| {
        s.write(NEW, article("term: \"2099-2104\"\n", "x\n"));
        vec![expect(NEW, Some(5), &["unknown term `2099-2104`"])]
    });
}

#[test]
fn slug_outside_the_alphabet() {
    assert_defect(|s| {
        s.write(NEW, article("slug: Đông_Sơn\n", "x\n"));
        vec![expect(
            NEW,
            Some(5),
            &["`Đông_Sơn`", "a-z, 0-9", "dong-son"],
        )]
    });
}

#[test]
fn duplicate_article_slugs_name_both_files() {
    let blocks = assert_defect(|s| {
        s.write("content/2021/dong-son-fm.md", article("", "x\n"));
        vec![expect(
            "content/2021/dong-son-fm.md",
            None,
            &["`dong-son-fm`", "content/2020/01/dong-son-fm.md"],
        )]
    });
    assert_eq!(blocks.len(), 1, "one collision, one error: {blocks:?}");
}

#[test]
fn duplicate_slug_from_an_explicit_slug() {
    assert_defect(|s| {
        s.write(NEW, article("slug: dong-son-hdnd\n", "x\n"));
        // The later file (in path order) is named first, the earlier one in the message.
        vec![expect(
            NEW,
            None,
            &["`dong-son-hdnd`", "content/2020/12/dong-son-hdnd/index.md"],
        )]
    });
}

#[test]
fn file_not_utf8() {
    assert_defect(|s| {
        let mut bytes = article("", "").into_bytes();
        bytes.extend_from_slice(b"N\xf4i dung.\n");
        s.write(NEW, bytes);
        vec![expect(NEW, Some(6), &["not UTF-8", "help: "])]
    });
}

#[test]
fn registry_not_utf8() {
    assert_defect(|s| {
        let before = s.append("content/indicators.yaml", "");
        let mut bytes = std::fs::read(s.path("content/indicators.yaml")).unwrap();
        bytes.extend_from_slice(b"- id: x\n  name: Gi\xe1 tr\xef\n  unit: ha\n");
        s.write("content/indicators.yaml", bytes);
        vec![expect(
            "content/indicators.yaml",
            Some(before + 2),
            &["not UTF-8"],
        )]
    });
}

// ---------------------------------------------------------------- values

#[test]
fn unquoted_three_decimals_value() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - id: lao-dong\n    value: 4.500\n    period: 2020\n    kind: target\n",
                "x\n",
            ),
        );
        vec![expect(
            NEW,
            Some(7),
            &["read as 4.5", "4500", "help: ", "`4500`", "`\"4.500\"`"],
        )]
    });
}

#[test]
fn unquoted_three_decimals_value_that_yaml_reads_whole() {
    // `2.000` is read as 2 (a whole number), and still meant two thousand.
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - { id: lao-dong, value: 2.000, period: 2020, kind: target }\n",
                "x\n",
            ),
        );
        vec![expect(
            NEW,
            Some(6),
            &["read as 2", "`2000`", "`\"2.000\"`"],
        )]
    });
}

#[test]
fn unquoted_three_decimals_value_in_an_existing_bulletin() {
    assert_defect(|s| {
        let line = s.replace(
            "content/2020/01/dong-son-fm.md",
            "value: \"4.500\"",
            "value: 4.500",
        );
        vec![expect(
            "content/2020/01/dong-son-fm.md",
            Some(line),
            &["read as 4.5", "`4500`", "`\"4.500\"`"],
        )]
    });
}

#[test]
fn unknown_indicator_id_inline() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Mở đầu.\n\nThu [5 tỷ đồng](ind:thu-ngan-sachh?period=2020&kind=target).\n",
            ),
        );
        vec![expect(
            NEW,
            Some(8),
            &[
                "unknown indicator `thu-ngan-sachh`",
                "did you mean `thu-ngan-sach`?",
            ],
        )]
    });
}

#[test]
fn unknown_indicator_id_in_front_matter() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - { id: khong-co, value: 5, period: 2020, kind: target }\n",
                "x\n",
            ),
        );
        vec![expect(NEW, Some(6), &["unknown indicator `khong-co`"])]
    });
}

#[test]

fn value_errors_point_at_the_offending_key() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                // line 5 indicators, 6 id, 7 value, 8 unit, 9 period, 10 kind,
                // 11 id, 12 locality, 13 value, 14 period, 15 kind
                "indicators:\n  - id: khong-co\n    value: 5\n    unit: tỷ đồng\n    period: 2020\n    kind: target\n  - id: thu-ngan-sach\n    locality: yen-bai\n    value: 5\n    period: 2020\n    kind: target\n",
                "x\n",
            ),
        );
        s.write(
            "content/2021/01/don-vi.md",
            article(
                "indicators:\n  - id: thu-ngan-sach\n    value: 5\n    unit: triệu USD\n    period: 2020\n    kind: target\n",
                "x\n",
            ),
        );
        vec![
            expect(NEW, Some(6), &["unknown indicator `khong-co`"]),
            expect(NEW, Some(12), &["`yen-bai` is neither"]),
            expect("content/2021/01/don-vi.md", Some(8), &["`triệu USD`"]),
        ]
    });
}

#[test]
fn unit_that_cannot_convert() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - { id: thu-ngan-sach, value: 5, unit: triệu USD, period: 2020, kind: target }\n",
                "x\n",
            ),
        );
        vec![expect(
            NEW,
            Some(6),
            &["`triệu USD`", "`tỷ đồng`", "`thu-ngan-sach`"],
        )]
    });
}

#[test]
fn unit_that_cannot_convert_inline() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Tăng trưởng [5 ha](ind:tang-truong?period=2020&kind=target).\n",
            ),
        );
        vec![expect(NEW, Some(6), &["`ha`", "`%`", "`tang-truong`"])]
    });
}

#[test]
fn value_without_period() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - { id: thu-ngan-sach, value: 5, kind: target }\n",
                "x\n",
            ),
        );
        vec![expect(NEW, Some(6), &["no `period`", "help: "])]
    });
}

#[test]
fn value_without_kind() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Thu ngân sách [5 tỷ đồng](ind:thu-ngan-sach?period=2020).\n",
            ),
        );
        vec![expect(NEW, Some(6), &["no `kind`", "kind=target"])]
    });
}

#[test]
fn value_locality_outside_the_article() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - { id: thu-ngan-sach, locality: yen-bai, value: 5, period: 2020, kind: target }\n",
                "x\n",
            ),
        );
        vec![expect(NEW, Some(6), &["`yen-bai`", "neither"])]
    });
}

#[test]
fn inline_annotation_without_a_figure() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Dòng một.\nThu ngân sách [abc](ind:thu-ngan-sach?period=2020&kind=target).\n",
            ),
        );
        vec![expect(NEW, Some(7), &["malformed annotation", "`abc`"])]
    });
}

#[test]
fn inline_annotation_with_an_unknown_query_key() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Thu [5 tỷ đồng](ind:thu-ngan-sach?period=2020&kieu=target).\n",
            ),
        );
        vec![expect(
            NEW,
            Some(6),
            &["malformed annotation", "`kieu`", "did you mean `kind`?"],
        )]
    });
}

// ---------------------------------------------------------------- registries

#[test]
fn malformed_yaml_in_a_registry() {
    assert_defect(|s| {
        let before = s.append(
            "content/localities.yaml",
            "\n- id: xa-moi\n  name: Mới\n kind: xã\n",
        );
        vec![expect(
            "content/localities.yaml",
            Some(before + 4),
            &["YAML is malformed"],
        )]
    });
}

#[test]

fn malformed_registry_is_not_reported_as_missing() {
    let blocks = assert_defect(|s| {
        let before = s.append(
            "content/localities.yaml",
            "\n- id: xa-moi\n  name: Mới\n kind: xã\n",
        );
        vec![expect(
            "content/localities.yaml",
            Some(before + 4),
            &["YAML is malformed"],
        )]
    });
    assert_eq!(blocks.len(), 1, "only the real problem: {blocks:#?}");
}

#[test]
fn locality_cycle() {
    assert_defect(|s| {
        let before = s.append(
            "content/localities.yaml",
            "\n- id: vong-a\n  name: A\n  kind: xã\n  parent: vong-b\n\n- id: vong-b\n  name: B\n  kind: xã\n  parent: vong-a\n",
        );
        vec![
            expect(
                "content/localities.yaml",
                Some(before + 2),
                &["`vong-a`", "circle"],
            ),
            expect(
                "content/localities.yaml",
                Some(before + 7),
                &["`vong-b`", "circle"],
            ),
        ]
    });
}

#[test]
fn unknown_parent() {
    assert_defect(|s| {
        let before = s.append(
            "content/localities.yaml",
            "\n- id: xa-moi\n  name: Mới\n  kind: xã\n  parent: dong-sonn\n",
        );
        vec![expect(
            "content/localities.yaml",
            Some(before + 5),
            &["`dong-sonn`", "did you mean `dong-son`?"],
        )]
    });
}

#[test]
fn duplicate_locality_id() {
    assert_defect(|s| {
        let first = crate::util::line_of(&s.read("content/localities.yaml"), "- id: dong-son\n");
        let before = s.append(
            "content/localities.yaml",
            "\n- id: dong-son\n  name: Đông Sơn\n  kind: huyện\n",
        );
        vec![expect(
            "content/localities.yaml",
            Some(before + 2),
            &["`dong-son`", &format!("first at line {first}")],
        )]
    });
}

#[test]
fn unknown_site_toml_key() {
    assert_defect(|s| {
        let before = s.append("site.toml", "ouput_dir = \"x\"\n");
        vec![expect(
            "site.toml",
            Some(before + 1),
            &["`ouput_dir`", "did you mean `output_dir`?"],
        )]
    });
}

// ---------------------------------------------------------------- many at once

/// Several defects in several files, and several in one file.
fn break_many(s: &Site) -> Vec<Expect> {
    s.write(
        "content/2021/01/a.md",
        "---\ntitle: A\ndate: 2021-13-01\nlocality: dong-son\nautors: [B]\n---\nx\n",
    );
    s.write(
        "content/2021/01/b.md",
        article(
            "",
            "Thu [abc](ind:thu-ngan-sach?period=2020&kind=target).\n",
        ),
    );
    let value_line = s.replace(
        "content/2020/01/dong-son-fm.md",
        "value: \"4.500\"",
        "value: 4.500",
    );
    let before = s.append(
        "content/localities.yaml",
        "\n- id: xa-moi\n  name: Mới\n  kind: xã\n  parent: khong-co\n",
    );
    vec![
        expect("content/2021/01/a.md", Some(3), &["not a valid date"]),
        expect("content/2021/01/a.md", Some(5), &["`autors`"]),
        expect("content/2021/01/b.md", Some(6), &["malformed annotation"]),
        expect(
            "content/2020/01/dong-son-fm.md",
            Some(value_line),
            &["read as 4.5"],
        ),
        expect("content/localities.yaml", Some(before + 5), &["`khong-co`"]),
    ]
}

#[test]
fn every_defect_is_reported_in_one_run() {
    let blocks = assert_defect(break_many);
    assert_eq!(blocks.len(), 5, "exactly the five problems: {blocks:#?}");
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let site = Site::new("basic");
    site.check(&[]).assert_ok();
    break_many(&site);
    let tree = snapshot(site.tmp.path());
    let build_errors = site.build(&[]).errors();
    // The failed build wrote nothing either.
    assert_same_tree(&tree, &snapshot(site.tmp.path()), "after a failed build");
    let run = site.check(&[]);
    run.assert_failed();
    assert_eq!(
        run.errors(),
        build_errors,
        "check reports what build reports"
    );
    assert!(run.stderr.contains("5 problems found"), "{}", run.stderr);
    assert_same_tree(&tree, &snapshot(site.tmp.path()), "after check");
    assert!(!site.root.join("public").exists());
}

#[test]

fn site_toml_and_content_errors_are_reported_together() {
    let blocks = assert_defect(|s| {
        let before = s.append("site.toml", "ouput_dir = \"x\"\n");
        s.write(NEW, article("autors: [B]\n", "x\n"));
        vec![
            expect("site.toml", Some(before + 1), &["`ouput_dir`"]),
            expect(NEW, Some(5), &["`autors`"]),
        ]
    });
    assert_eq!(blocks.len(), 2);
}

// ---------------------------------------------------------------- basis, part-year periods,
// lost annotations, values in no term, websites

#[test]
fn unknown_basis_inline() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Mở đầu.\nThu [900 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=target&basis=nghi-quyet).\n",
            ),
        );
        vec![expect(
            NEW,
            Some(7),
            &["unknown basis of a target `nghi-quyet`", "resolution"],
        )]
    });
}

#[test]
fn unknown_basis_in_defaults() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "defaults: { period: 2021, kind: target, basis: plans }\n",
                "x\n",
            ),
        );
        vec![expect(
            NEW,
            Some(5),
            &["unknown basis of a target `plans`", "did you mean `plan`?"],
        )]
    });
}

#[test]
fn basis_on_an_actual() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - id: thu-ngan-sach\n    value: 900\n    period: 2021\n    kind: actual\n    basis: resolution\n",
                "Thu [900 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=estimate&basis=plan).\n",
            ),
        );
        vec![
            expect(
                NEW,
                Some(10),
                &[
                    "`basis=resolution` is written on an actual value",
                    "only a target has a basis",
                    "remove `basis`",
                ],
            ),
            expect(
                NEW,
                Some(12),
                &[
                    "`basis=plan` is written on an estimate value",
                    "remove `basis`",
                ],
            ),
        ]
    });
}

#[test]
fn part_year_periods_that_do_not_exist() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "A [1%](ind:tang-truong?period=2016-2020-M6&kind=actual).\n\nB [2%](ind:tang-truong?period=2021-M12&kind=actual).\n\nC [3%](ind:tang-truong?period=2021-M0&kind=actual).\n\nD [4%](ind:tang-truong?period=2021-Q5&kind=actual).\n",
            ),
        );
        vec![
            expect(
                NEW,
                Some(6),
                &[
                    "`period=2016-2020-M6`",
                    "part of a year on a span",
                    "2020-M6",
                ],
            ),
            expect(
                NEW,
                Some(8),
                &[
                    "`period=2021-M12`",
                    "twelve months are the whole year",
                    "write the year alone: 2021",
                ],
            ),
            expect(
                NEW,
                Some(10),
                &["`period=2021-M0`", "from M1 to M11", "2021-M6"],
            ),
            expect(
                NEW,
                Some(12),
                &["`period=2021-Q5`", "from Q1 to Q4", "2021-Q4"],
            ),
        ]
    });
}

#[test]
fn part_year_period_in_front_matter() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "indicators:\n  - id: tang-truong\n    value: 5\n    period: 2021-M13\n    kind: actual\n",
                "x\n",
            ),
        );
        vec![expect(
            NEW,
            Some(8),
            &["`period: 2021-M13`", "from M1 to M11", "2021-M9"],
        )]
    });
}

#[test]
fn annotations_the_markdown_parser_passes_over() {
    assert_defect(|s| {
        s.write(
            NEW,
            article(
                "",
                "Đạt [1%](ind:tang-truong?period=2021&kind=actual).\n\nMã `[0,35%](ind:tang-truong?period=2021&kind=actual)` đây.\n\n<!-- [2%](ind:tang-truong?period=2021&kind=actual) -->\n\nHỏng [3%] (ind:tang-truong?period=2021&kind=actual).\n\n<div>\n[4%](ind:tang-truong)\n</div>\n",
            ),
        );
        vec![
            expect(
                &format!("{NEW}:8:5"),
                None,
                &[
                    "`[0,35%](ind:tang-truong?period=2021&kind=actual)`",
                    "code span",
                    "makes no record",
                    "remove the backticks",
                ],
            ),
            expect(
                NEW,
                Some(10),
                &["raw HTML or an HTML comment", "move it out of the HTML"],
            ),
            expect(
                NEW,
                Some(12),
                &["not a well-formed Markdown link", "no space in the address"],
            ),
            expect(NEW, Some(15), &["`[4%](ind:tang-truong)`", "raw HTML"]),
        ]
    });
}

#[test]
fn a_value_in_no_term() {
    assert_defect(|s| {
        s.write(
            NEW,
            "---\ntitle: A\ndate: 2014-05-01\nlocality: dong-son\n---\nNăm 2014 đạt [120 lao động](ind:lao-dong?period=2014&kind=actual).\n",
        );
        vec![expect(
            NEW,
            Some(6),
            &[
                "`lao-dong` for 2014 falls in no term of content/terms.yaml",
                "add a term whose `years` hold 2014",
            ],
        )]
    });
}

#[test]
fn websites_must_be_host_names_and_unique() {
    assert_defect(|s| {
        let before = s.append(
            "content/localities.yaml",
            "\n- id: xa-a\n  name: A\n  kind: xã\n  parent: dong-son\n  website: [https://xaa.gov.vn/trang-chu]\n\n- id: xa-b\n  name: B\n  kind: xã\n  parent: dong-son\n  website: [xab.gov.vn]\n\n- id: xa-c\n  name: C\n  kind: xã\n  parent: dong-son\n  website: xab.gov.vn\n",
        );
        vec![
            expect(
                "content/localities.yaml",
                Some(before + 6),
                &[
                    "`https://xaa.gov.vn/trang-chu` in `website` is not a host name",
                    "write the host name alone: `xaa.gov.vn`",
                ],
            ),
            expect(
                "content/localities.yaml",
                Some(before + 18),
                &["the website `xab.gov.vn` is already the portal of `xa-b`"],
            ),
        ]
    });
}

#[test]
fn a_template_with_a_syntax_error_is_named_with_its_line() {
    assert_defect(|s| {
        s.write(
            "templates/topics.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ title }</h1>\n{% endblock content %}\n",
        );
        vec![expect(
            "templates/topics.html",
            Some(3),
            &["template error"],
        )]
    });
}

#[test]
fn a_template_naming_a_missing_field_is_named_with_its_line() {
    assert_defect(|s| {
        s.write(
            "templates/partials/item.html",
            "<li>\n{{ it.title }}\n{{ it.no_such_field }}</li>\n",
        );
        vec![expect(
            "templates/partials/item.html",
            Some(3),
            &["template error", "no_such_field"],
        )]
    });
}

/// `i18n.<key>` reads a string of the theme: a key without one is a template error at its
/// line (unlike `t(k=…)`, which prints the key).
#[test]
fn a_template_naming_a_missing_string_is_named_with_its_line() {
    assert_defect(|s| {
        s.write(
            "templates/topics.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ i18n.topics }}</h1>\n<p>{{ i18n.no_such_string }}</p>\n{% endblock content %}\n",
        );
        vec![expect(
            "templates/topics.html",
            Some(4),
            &["template error", "no_such_string"],
        )]
    });
}
