"""The resolver's rules, one test per rule, with the pairs named in issue 4.

Fixtures are written here (never seed text): small lexicons and name counters.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conflictkg.extractors.lexicon import Lexicon, LexiconEntry
from conflictkg.resolvers import Name, resolve
from conflictkg.resolvers.fuzzy import candidate_pairs
from conflictkg.resolvers.incremental import read_names, resolve_incremental, write_names
from conflictkg.resolvers.keys import entity_id, matching_key
from conflictkg.resolvers.overrides import OverridesError, append_decisions, load_overrides, parse_overrides


def names(*items, **counts) -> Counter:
    """names(("PLACE", "مصراتة"), ...) → Counter of Name, each seen once."""
    return Counter({Name(*it): 1 for it in items})


def same(res, a: Name, b: Name) -> bool:
    return res.entity_of[a] == res.entity_of[b]


# --- 1. matching key ---------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, etype",
    [
        ("العقيد أحمد المسمارى", "أحمد المسماري", "COMMANDER"),
        ("اللواء المتقاعد خليفة حفتر", "خليفة حفتر", "COMMANDER"),
        ("المشير خليفة حفتر", "خليفة حفتر", "COMMANDER"),
        ("الشيخ الصادق الغرياني", "الصادق الغرياني", "PERSON"),
        ("مدينة الزنتان", "الزنتان", "PLACE"),
        ("بلدة بني وليد", "بني وليد", "PLACE"),
        ("منطقة الهلال النفطي", "الهلال النفطى", "PLACE"),
        ("الكفرة", "كفرة", "PLACE"),
        ("التشاد", "تشاد", "COUNTRY"),
        ("عبدالله البوسيفي", "عبد الله البوسيفي", "COMMANDER"),
        ("أبوعزام", "أبو عزام", "COMMANDER"),
        ("ميليشيا الكانيات", "مليشيا الكانيات", "ARMED_GROUP"),
        ("ميلشيا الكانيات", "ميليشيا الكانيات", "ARMED_GROUP"),
        ("قبيلة المقارحة", "المقارحة", "TRIBE"),
        ("مُصْرَاتَة", "مصراته", "PLACE"),
    ],
)
def test_matching_key_folds_variants(a, b, etype):
    assert matching_key(a, etype) == matching_key(b, etype)


@pytest.mark.parametrize(
    "a, b, etype",
    [
        ("ليبيا", "ليبيا الجديدة", "COUNTRY"),
        ("طرابلس", "طرابلس الغرب", "PLACE"),
        ("الجيش الوطني الليبي", "الجيش الليبي", "ARMED_GROUP"),
        ("اللواء 444", "444", "ARMED_GROUP"),  # a rank word heads a brigade's name
        ("الجيش الوطني", "جيش وطني", "ARMED_GROUP"),  # articles only dropped on one-word places
    ],
)
def test_matching_key_keeps_distinct_names_apart(a, b, etype):
    assert matching_key(a, etype) != matching_key(b, etype)


def test_entity_id_is_stable_ascii_and_typed():
    key = matching_key("مصراتة", "PLACE")
    assert entity_id("PLACE", key) == entity_id("PLACE", matching_key("مدينة مصراته", "PLACE"))
    assert entity_id("PLACE", key).isascii()
    assert entity_id("PLACE", key) != entity_id("TRIBE", key)


# --- 2. aliases first --------------------------------------------------------------

LEX = Lexicon(
    [
        LexiconEntry("ARMED_GROUP", "تنظيم الدولة الإسلامية", ["داعش", "تنظيم الدولة", "تنظيم داعش"]),
        LexiconEntry("ARMED_GROUP", "القيادة الأميركية العسكرية في أفريقيا", ["الأفريكوم"]),
        LexiconEntry("ORGANIZATION", "حكومة الوفاق الوطني", ["حكومة الوفاق"]),
        LexiconEntry("ARMED_GROUP", "الجيش الوطني الليبي", ["قوات الكرامة"]),
        LexiconEntry("ARMED_GROUP", "القيادة العامة للجيش الليبي", ["القيادة العامة"]),
    ]
)


def test_lexicon_aliases_decide_without_canonical_on_the_mention():
    ns = names(("ARMED_GROUP", "داعش"), ("ARMED_GROUP", "تنظيم الدولة"), ("ARMED_GROUP", "تنظيم الدولة الإسلامية"),
               ("ARMED_GROUP", "الافريكوم"), ("ARMED_GROUP", "القيادة الأمريكية العسكرية في إفريقيا"),
               ("ORGANIZATION", "حكومة الوفاق"), ("ORGANIZATION", "حكومة الوفاق الوطني"))
    res = resolve(ns, lexicon=LEX)
    assert len(res.entities) == 3
    isis = res.entities[res.entity_of[Name("ARMED_GROUP", "داعش")]]
    assert isis.name == "تنظيم الدولة الإسلامية"
    assert {m["rule"] for m in isis.merges} == {"alias"}


def test_variant_of_a_lexicon_canonical_no_mention_spells_joins_by_fuzzy():
    lex = Lexicon([LexiconEntry("ARMED_GROUP", "القيادة العسكرية الأمريكية في أفريقيا", ["الأفريكوم"])])
    ns = names(("ARMED_GROUP", "الأفريكوم"), ("ARMED_GROUP", "القيادة الأميركية العسكرية في أفريقيا"))
    assert len(resolve(ns, lexicon=lex).entities) == 1
    assert len(resolve(ns).entities) == 2


def test_mention_canonical_decides_even_without_lexicon_object():
    ns = names(("ARMED_GROUP", "داعش", "تنظيم الدولة الإسلامية"), ("ARMED_GROUP", "تنظيم الدولة", "تنظيم الدولة الإسلامية"))
    res = resolve(ns)
    assert len(res.entities) == 1


def test_two_lexicon_entries_never_merge_by_fuzzy_even_when_they_share_words():
    ns = names(("ARMED_GROUP", "الجيش الوطني الليبي"), ("ARMED_GROUP", "القيادة العامة للجيش الليبي"),
               ("ARMED_GROUP", "القيادة العامة"), ("ARMED_GROUP", "قوات الكرامة"))
    res = resolve(ns, lexicon=LEX)
    assert not same(res, Name("ARMED_GROUP", "الجيش الوطني الليبي"), Name("ARMED_GROUP", "القيادة العامة للجيش الليبي"))
    assert same(res, Name("ARMED_GROUP", "الجيش الوطني الليبي"), Name("ARMED_GROUP", "قوات الكرامة"))


# --- 3. fuzzy step -----------------------------------------------------------------


def test_containment_is_not_identity():
    ns = names(("COUNTRY", "ليبيا"), ("COUNTRY", "ليبيا الجديدة"), ("PLACE", "طرابلس"), ("PLACE", "طرابلس الغرب"),
               ("ARMED_GROUP", "الجيش الوطني الليبي"), ("ARMED_GROUP", "الجيش الليبي"))
    res = resolve(ns)
    assert len(res.entities) == 6


def test_alias_can_say_containment_is_identity():
    lex = Lexicon([LexiconEntry("PLACE", "طرابلس", ["طرابلس الغرب"])])
    res = resolve(names(("PLACE", "طرابلس"), ("PLACE", "طرابلس الغرب")), lexicon=lex)
    assert len(res.entities) == 1


def test_town_never_merges_with_tribe():
    res = resolve(names(("PLACE", "سوكنة"), ("TRIBE", "السواكنة"), ("PLACE", "سوكنه")))
    assert len(res.entities) == 2
    assert not same(res, Name("PLACE", "سوكنة"), Name("TRIBE", "السواكنة"))


def test_fuzzy_merges_spelling_variants_and_explains_with_score():
    res = resolve(names(("ARMED_GROUP", "قوة حماية وتأمين سرت"), ("ARMED_GROUP", "قوة تأمين وحماية سرت"),
                        ("PLACE", "الزويتينة"), ("PLACE", "الزويتنة"), ("ARMED_GROUP", "القوات المصرية"),
                        ("ARMED_GROUP", "قوات مصرية")))
    assert len(res.entities) == 3
    e = res.entities[res.entity_of[Name("PLACE", "الزويتنة")]]
    (m,) = [m for m in e.merges if m["rule"] == "fuzzy"]
    assert m["score"] >= 88 and "ratio" in m["scorer"]


def test_one_letter_apart_first_names_stay_apart():
    res = resolve(names(("COMMANDER", "أحمد المسماري"), ("COMMANDER", "محمد المسماري")))
    assert len(res.entities) == 2


def test_fuzzy_does_not_chain_through_a_weak_middle():
    # a~b and b~c pass the cut-off, a~c does not: b may join one of them, never both
    a, b, c = "الزويتينة", "الزويتنة", "الزوتنة"
    items = [("PLACE", x) for x in (a, b, c)]
    ns = names(*items)
    res = resolve(ns, cutoff=90)
    ids = {res.entity_of[Name(*it)] for it in items}
    assert res.entity_of[Name(*items[0])] != res.entity_of[Name(*items[2])]
    assert len(ids) == 2


def test_candidate_pairs_uses_blocks_not_all_pairs():
    items = [("PLACE", "مصراته"), ("PLACE", "مسراته"), ("TRIBE", "مصراته"), ("PLACE", "مصراته جديده")]
    pairs = {(i, j) for i, j, _ in candidate_pairs(items, 80)}
    assert pairs == {(0, 1)}


# --- short forms -------------------------------------------------------------------


def test_unambiguous_short_form_joins_full_name():
    ns = names(("COMMANDER", "حفتر"), ("COMMANDER", "خليفة حفتر"), ("PERSON", "القذافي"), ("PERSON", "معمر القذافي"),
               ("PERSON", "السيسي"), ("PERSON", "عبد الفتاح السيسي"))
    res = resolve(ns)
    assert len(res.entities) == 3
    e = res.entities[res.entity_of[Name("COMMANDER", "حفتر")]]
    assert e.name == "خليفة حفتر" and e.id == entity_id("COMMANDER", matching_key("خليفة حفتر", "COMMANDER"))
    assert any(m["rule"] == "short_form" for m in e.merges)


def test_ambiguous_short_form_stays_apart_and_is_listed_for_review():
    ns = names(("COMMANDER", "حفتر"), ("COMMANDER", "خليفة حفتر"), ("COMMANDER", "صدام حفتر"))
    res = resolve(ns)
    assert len(res.entities) == 3
    assert any(b["kind"] == "short_form" and not b["merged"] for b in res.borderline)


def test_first_name_alone_never_joins_full_names():
    for full in (["إبراهيم بيت المال", "إبراهيم الجضران"], ["إبراهيم الجضران"]):
        ns = names(("COMMANDER", "إبراهيم"), *[("COMMANDER", f) for f in full])
        res = resolve(ns)
        assert len(res.entities) == len(full) + 1


def test_person_and_commander_names_are_one_family():
    ns = Counter({Name("COMMANDER", "العقيد أحمد المسماري"): 3, Name("PERSON", "أحمد المسمارى"): 1})
    res = resolve(ns)
    (e,) = res.entities.values()
    assert e.type == "COMMANDER"


# --- explanations, stable ids ------------------------------------------------------


def test_every_alias_of_an_entity_has_an_explanation():
    ns = names(("COMMANDER", "حفتر"), ("COMMANDER", "المشير خليفة حفتر"), ("COMMANDER", "خليفة حفتر"),
               ("ARMED_GROUP", "داعش"), ("ARMED_GROUP", "تنظيم الدولة"), ("PLACE", "مصراتة"), ("PLACE", "مصراته"))
    res = resolve(ns, lexicon=LEX)
    for e in res.entities.values():
        explained = {e.name} | {m["alias"] for m in e.merges} | {m["with"] for m in e.merges}
        assert set(e.aliases) <= explained, e


def test_ids_do_not_depend_on_input_order_or_counts_of_other_names():
    items = [("COMMANDER", "حفتر"), ("COMMANDER", "خليفة حفتر"), ("PLACE", "مصراتة"), ("PLACE", "مصراته"),
             ("PLACE", "مسراته")]
    r1 = resolve(Counter({Name(*it): 1 for it in items}))
    r2 = resolve(Counter({Name(*it): 1 for it in reversed(items)}))
    assert r1.entity_of == r2.entity_of
    assert sorted(r1.entities) == sorted(r2.entities)


# --- overrides ---------------------------------------------------------------------


def test_overrides_force_forbid_rename_retype(tmp_path):
    path = tmp_path / "overrides.tsv"
    append_decisions(path, [
        ("merge", "COMMANDER", "عبدالله البوسيفي", "أبوعزام"),
        ("split", "PLACE", "الزويتينة", "الزويتنه"),
        ("rename", "COMMANDER", "حفتر", "خليفة بلقاسم حفتر"),
        ("retype", "PERSON", "علي عمرو", "COMMANDER"),
    ])
    ov = load_overrides(path)
    ns = names(("COMMANDER", "عبد الله البوسيفى"), ("COMMANDER", "أبو عزام"), ("PLACE", "الزويتينة"), ("PLACE", "الزويتنة"),
               ("COMMANDER", "حفتر"), ("COMMANDER", "خليفة حفتر"), ("PERSON", "علي عمرو"))
    plain = resolve(ns)
    res = resolve(ns, overrides=ov)
    assert not same(plain, Name("COMMANDER", "عبد الله البوسيفى"), Name("COMMANDER", "أبو عزام"))
    assert same(res, Name("COMMANDER", "عبد الله البوسيفى"), Name("COMMANDER", "أبو عزام"))
    assert same(plain, Name("PLACE", "الزويتينة"), Name("PLACE", "الزويتنة"))
    assert not same(res, Name("PLACE", "الزويتينة"), Name("PLACE", "الزويتنة"))
    haftar = res.entities[res.entity_of[Name("COMMANDER", "حفتر")]]
    assert haftar.name == "خليفة بلقاسم حفتر"
    assert haftar.id == entity_id("COMMANDER", matching_key("خليفة بلقاسم حفتر", "COMMANDER"))
    assert res.entities[res.entity_of[Name("PERSON", "علي عمرو")]].type == "COMMANDER"
    assert any(m["rule"] == "override" for e in res.entities.values() for m in e.merges)


def test_forbid_beats_a_lexicon_alias():
    ov = parse_overrides(["split\tARMED_GROUP\tداعش\tتنظيم الدولة"])
    res = resolve(names(("ARMED_GROUP", "داعش"), ("ARMED_GROUP", "تنظيم الدولة")), lexicon=LEX, overrides=ov)
    assert len(res.entities) == 2


@pytest.mark.parametrize("line", ["merge\tCOMMANDER\tحفتر", "join\tPLACE\tا\tب", "retype\tPLACE\tسرت\tCITY",
                                  "split\tPLACE\tمصراتة\tمصراته"])
def test_bad_override_lines_name_file_and_line(line):
    with pytest.raises(OverridesError, match=r"f\.tsv:2"):
        parse_overrides(["# header", line], "f.tsv")


# --- incremental -------------------------------------------------------------------


def test_incremental_equals_all_at_once(tmp_path):
    batch1 = Counter({Name("COMMANDER", "حفتر"): 4, Name("PLACE", "مصراتة"): 2, Name("ARMED_GROUP", "داعش"): 1})
    batch2 = Counter({Name("COMMANDER", "خليفة حفتر"): 1, Name("PLACE", "مصراته"): 3,
                      Name("ARMED_GROUP", "تنظيم الدولة"): 1, Name("COMMANDER", "إبراهيم الجضران"): 1})
    first = resolve(batch1, lexicon=LEX)
    write_names(tmp_path / "names.jsonl", batch1, first)
    assert read_names(tmp_path) == batch1
    inc = resolve_incremental(batch2, tmp_path, lexicon=LEX)
    full = resolve(batch1 + batch2, lexicon=LEX)
    assert inc.entity_of == full.entity_of
    assert {k: (e.name, e.aliases) for k, e in inc.entities.items()} == \
        {k: (e.name, e.aliases) for k, e in full.entities.items()}
    # and the short form from batch 1 now sits with the full name from batch 2
    assert inc.entity_of[Name("COMMANDER", "حفتر")] == inc.entity_of[Name("COMMANDER", "خليفة حفتر")]
    rows = [json.loads(x) for x in (tmp_path / "names.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["entity"] for r in rows} == set(first.entities)


# --- build plumbing: --previous, --overrides, review --------------------------------

DOC_A = "وصل العقيد سالم الفيتوري إلى مدينة الزويتينة أمس.\n"
DOC_B = "وقال العقيد سالم الفيتورى إن قواته دخلت بلدة الزويتنة.\n"


def _mention_ids(folder, doc) -> dict[str, str]:
    rows = [json.loads(x) for x in (folder / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["text"]: r["entity"] for r in rows if r["doc"] == doc}


def test_build_with_previous_gives_the_ids_of_a_full_build(tmp_path):
    from conflictkg.build import BuildOptions, build

    for name, text in (("a.txt", DOC_A), ("b.txt", DOC_B)):
        (tmp_path / "all").mkdir(exist_ok=True)
        (tmp_path / "all" / name).write_text(text, encoding="utf-8")
        (tmp_path / name[0]).mkdir()
        (tmp_path / name[0] / name).write_text(text, encoding="utf-8")
    opts = dict(workers=1, quiet=True)
    build([str(tmp_path / "all")], tmp_path / "out-all", BuildOptions(**opts))
    build([str(tmp_path / "a")], tmp_path / "out-a", BuildOptions(**opts))
    build([str(tmp_path / "b")], tmp_path / "out-b", BuildOptions(previous=str(tmp_path / "out-a"), **opts))
    full, inc = _mention_ids(tmp_path / "out-all", "b"), _mention_ids(tmp_path / "out-b", "b")
    assert full and inc == full
    assert _mention_ids(tmp_path / "out-all", "a")["الزويتينة"] == full["الزويتنة"]
    assert read_names(tmp_path / "out-b") == read_names(tmp_path / "out-all")


def test_build_overrides_survive_rebuilds(tmp_path):
    from conflictkg.build import BuildOptions, build

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(DOC_A + DOC_B, encoding="utf-8")
    ov = tmp_path / "ov.tsv"
    append_decisions(ov, [("split", "PLACE", "الزويتينة", "الزويتنة")])
    for _ in range(2):
        build([str(tmp_path / "in")], tmp_path / "out", BuildOptions(workers=1, quiet=True, overrides=str(ov)))
        ids = _mention_ids(tmp_path / "out", "a")
        assert ids["الزويتينة"] != ids["الزويتنة"]


def _fake_build(tmp_path) -> "Path":
    """A built folder with a near-threshold pair, written by hand (no extraction)."""
    folder = tmp_path / "built"
    folder.mkdir()
    (tmp_path / "docs").mkdir()
    docs = {"d1": "هاجمت القوات منطقة غويران فجرا.", "d2": "عاد الهدوء إلى غويران وإلى غوريان مساء."}
    for d, text in docs.items():
        (tmp_path / "docs" / f"{d}.txt").write_text(text, encoding="utf-8")
    ns = Counter({Name("PLACE", "غويران"): 2, Name("PLACE", "غوريان"): 1})
    res = resolve(ns)
    write_names(folder / "names.jsonl", ns, res)
    with open(folder / "mentions.jsonl", "w", encoding="utf-8") as fh:
        for d, text in docs.items():
            for n in ns:
                k = text.find(n.text)
                if k >= 0:
                    fh.write(json.dumps({"doc": d, "sentence": 0, "start": k, "end": k + len(n.text), "text": n.text,
                                         "type": "PLACE", "entity": res.entity_of[n]}, ensure_ascii=False) + "\n")
    (folder / "build.json").write_text(json.dumps({"inputs": [str(tmp_path / "docs")]}), encoding="utf-8")
    return folder


def test_review_lists_borderline_pairs_with_contexts_and_records_decisions(tmp_path, monkeypatch, capsys):
    import io
    import types

    from conflictkg.commands import review
    from conflictkg.resolvers.review import borderline_pairs

    folder = _fake_build(tmp_path)
    rows = borderline_pairs(folder)
    assert [(r["kind"], {r["a"], r["b"]}) for r in rows] == [("fuzzy", {"غويران", "غوريان"})]
    assert not rows[0]["merged"]
    assert any("[[غوريان]]" in text for _, text in rows[0]["contexts"]["غوريان"])
    ov = tmp_path / "ov.tsv"
    monkeypatch.setattr("sys.stdin", io.StringIO("s\n"))
    args = types.SimpleNamespace(built=str(folder), overrides=str(ov), decide=True, limit=10, contexts=1, json=False)
    assert review.run(args) == 0
    assert "appended" in capsys.readouterr().out
    assert load_overrides(ov).splits
    assert borderline_pairs(folder, ov) == []  # decided pairs are not asked again


def test_resolving_side_by_side_gives_the_same_entities_in_the_same_order():
    """The build resolves the people's names in one process and the other families' in
    another: the same entities, ids, order and explanations as one ``resolve``."""
    from conflictkg.extractors import ExtractionPipeline
    from conflictkg.extractors.lexicon import default_lexicon
    from conflictkg.records import Document
    from conflictkg.resolvers.keys import family
    from conflictkg.resolvers.resolver import resolve_side_by_side

    root = Path(__file__).resolve().parents[1]
    pipeline = ExtractionPipeline()
    names: Counter = Counter()
    for path in sorted((root / "tests" / "data").rglob("*.txt")) + sorted((root / "examples").rglob("*.txt")):
        for m in pipeline(Document(path.name, path.read_text(encoding="utf-8"))).mentions:
            names[Name(m.type, m.text, m.canonical)] += 1
    names.update({Name("PLACE", "غوريان"): 2, Name("PLACE", "غويران"): 1, Name("COMMANDER", "سالم الفيتوري"): 3,
                  Name("PERSON", "سالم الفيتورى"): 1, Name("COMMANDER", "الفيتوري"): 2,
                  Name("ARMED_GROUP", "كتيبة الفاروق"): 2, Name("ARMED_GROUP", "كتيبه الفاروق"): 1,
                  Name("ARMED_GROUP", "لواء الصمود"): 1})
    assert len({family(n.type) for n in names}) >= 4 and len(names) > 100
    overrides = parse_overrides(["merge\tARMED_GROUP\tكتيبة الفاروق\tلواء الصمود",
                                 "rename\tPLACE\tغوريان\tغريان الجديدة",
                                 "split\tCOMMANDER\tسالم الفيتوري\tالفيتوري"])
    lexicon = default_lexicon(())
    for ov in (None, overrides):
        one, two = resolve(names, lexicon, ov), resolve_side_by_side(names, lexicon, ov)
        assert two.entity_of == one.entity_of
        assert list(two.entities.items()) == list(one.entities.items())  # (Entity: with its merges)
        assert sorted(map(repr, two.borderline)) == sorted(map(repr, one.borderline))
    assert any(e.name == "غريان الجديدة" for e in one.entities.values())
