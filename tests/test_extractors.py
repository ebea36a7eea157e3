"""Mention extractors: lexicon, patterns, overlap resolution, document passes, bad input.

The Arabic examples are written for these tests (tests/arabic_articles.py and inline).
"""
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arabic_articles import ARTICLES
from conflictkg.extractors.base import Analysis, resolve_overlaps
from conflictkg.extractors.lexicon import Lexicon, LexiconEntry
from conflictkg.extractors.lexicon_extractor import LexiconExtractor
from conflictkg.extractors.patterns import TRIGGER_SETS, PatternExtractor, _phrase_at, _trigger_lengths
from conflictkg.extractors.pipeline import ExtractionPipeline
from conflictkg.records import Document, Mention


@pytest.fixture(scope="module")
def pipe():
    return ExtractionPipeline()


def found(pipe, text):
    return {(m.text, m.type) for m in pipe(Document("t", text)).mentions}


def assert_valid(doc: Document, mentions):
    for m in mentions:
        assert 0 <= m.start < m.end <= len(doc.text)
        assert m.text == doc.text[m.start : m.end]
        assert m.text.strip() == m.text and m.text


@pytest.mark.parametrize("article", ARTICLES, ids=[a["id"] for a in ARTICLES])
def test_own_articles_mentions_and_relations(pipe, article):
    result = pipe(Document(article["id"], article["text"]))
    got = {(m.text, m.type) for m in result.mentions}
    assert got == article["mentions"]
    rels = {(r.type, result.mentions[r.head].text, result.mentions[r.tail].text) for r in result.relations}
    assert rels == article["relations"]


def test_proclitics_are_not_part_of_the_span(pipe):
    got = found(pipe, "وصلت التعزيزات إلى وبنغازي ثم لمصراتة وبالجفرة.")
    assert {("بنغازي", "PLACE"), ("مصراتة", "PLACE"), ("الجفرة", "PLACE")} <= got


def test_classifier_nouns_are_dropped_facility_heads_kept(pipe):
    got = found(pipe, "قصفت الطائرات مدينة بني وليد ثم قاعدة تمنهنت الجوية وسجن الكويفية.")
    assert ("بني وليد", "PLACE") in got
    assert ("قاعدة تمنهنت الجوية", "PLACE") in got
    assert ("سجن الكويفية", "PLACE") in got
    assert not any(t.startswith("مدينة") for t, _ in got)


def test_rank_gives_commander_title_gives_person(pipe):
    got = found(pipe, "التقى العميد مفتاح القويري بالشيخ علي الزوي في بلدة سلوق.")
    assert ("مفتاح القويري", "COMMANDER") in got
    assert ("علي الزوي", "PERSON") in got


def test_rank_modifiers_and_nationality_adjectives_are_skipped(pipe):
    got = found(pipe, "وقال اللواء الركن فرج الصوصاع إن الرئيس التونسي قيس سعيد اتصل به.")
    assert ("فرج الصوصاع", "COMMANDER") in got
    assert ("قيس سعيد", "PERSON") in got


def test_coordinated_tribe_list_gives_one_mention_per_tribe(pipe):
    got = found(pipe, "وتسكن الوادي قبائل المقارحة والحساونة والزوية، وقبيلة الفرجان.")
    tribes = {t for t, ty in got if ty == "TRIBE"}
    assert tribes == {"المقارحة", "الحساونة", "الزوية", "الفرجان"}


def test_tribe_trigger_before_a_known_place_is_not_a_tribe(pipe):
    got = found(pipe, "أعلنت قبائل فزان دعمها للجيش.")
    assert ("فزان", "PLACE") in got
    assert not any(ty == "TRIBE" for _, ty in got)


def test_group_names_keep_their_trigger_and_stop_at_boundaries(pipe):
    got = found(pipe, "أعلنت كتيبة شهداء بدر المسلحة أن سرية الصمود 21 انسحبت من المنطقة.")
    assert ("كتيبة شهداء بدر", "ARMED_GROUP") in got
    assert ("سرية الصمود 21", "ARMED_GROUP") in got


def test_quoted_name_after_trigger(pipe):
    got = found(pipe, 'وأكدت ميليشيا "أسود الصحراء" أن معسكر "الشهيد فرحات سابقا" سقط.')
    assert ("أسود الصحراء", "ARMED_GROUP") in got
    assert ("الشهيد فرحات", "PLACE") in got


def test_generic_group_phrases_are_not_names(pipe):
    got = found(pipe, "وصلت قوات عسكرية كبيرة وقوات الأمن إلى المكان، وأعاد التنظيم تنظيم صفوفه.")
    assert not any(ty == "ARMED_GROUP" for _, ty in got)


def test_operations_are_events_not_groups(pipe):
    got = found(pipe, "وقال المتحدث باسم عملية بركان الغضب إن قوات بركان الغضب تقدمت.")
    assert ("قوات بركان الغضب", "ARMED_GROUP") in got
    assert not [x for x in got if x[0].startswith("عملية")], got


def test_unit_number_after_a_known_group_name_belongs_to_it(pipe):
    assert ("كتيبة الفاروق 301", "ARMED_GROUP") in found(pipe, "وشاركت كتيبة الفاروق 301 القادمة من مصراتة.")
    # a number that counts what follows is not part of the name
    assert ("كتيبة الفاروق", "ARMED_GROUP") in found(pipe, "وأرسلت كتيبة الفاروق 200 مقاتل إلى الجبهة.")


def test_district_after_a_preposition_is_a_place(pipe):
    assert ("الصابري", "PLACE") in found(pipe, "ودارت المواجهات في حي الصابري ليلا.")
    assert ("الليثي", "PLACE") in found(pipe, "وسقطت قذيفة بحي الليثي.")


def test_compass_direction_before_a_region_name_is_not_the_region(pipe):
    got = found(pipe, "تقع الجغبوب جنوب شرق ليبيا قرب الحدود.")
    assert ("ليبيا", "COUNTRY") in got and not [x for x in got if x[1] == "PLACE" and "شرق" in x[0]], got


def test_kunya_attaches_to_the_person(pipe):
    result = pipe(Document("k", 'وكان يوسف الغرابلي الملقب بـ "أبو أنس" هو قائد كتيبة الفاروق.'))
    by_text = {m.text: m for m in result.mentions}
    assert by_text["أبو أنس"].type == by_text["يوسف الغرابلي"].type == "COMMANDER"
    assert by_text["أبو أنس"].canonical == by_text["يوسف الغرابلي"].canonical


def test_surname_and_possessive_group_after_full_name(pipe):
    result = pipe(Document("s", "قال العقيد ميلود الزوي إن الهجوم فشل.\nوأكد الزوي أن قوات الزوي تقدمت."))
    texts = [(m.text, m.type) for m in result.mentions]
    assert texts.count(("الزوي", "COMMANDER")) == 2
    assert ("قوات الزوي", "ARMED_GROUP") in texts


def test_lexicon_beats_pattern_on_type_for_the_same_span():
    doc = Document("o", "x")
    lex = Mention("o", 0, 0, 5, "مصراتة", "PLACE", "lexicon")
    pat = Mention("o", 0, 0, 5, "مصراتة", "TRIBE", "pattern")
    assert [m.type for m in resolve_overlaps([pat, lex])] == ["PLACE"]
    # longest wins; a nested mention of another type survives, of the same type not
    outer = Mention("o", 0, 0, 20, "x" * 20, "ARMED_GROUP", "pattern")
    inner_place = Mention("o", 0, 10, 15, "x" * 5, "PLACE", "lexicon")
    inner_group = Mention("o", 0, 2, 8, "x" * 6, "ARMED_GROUP", "lexicon")
    kept = resolve_overlaps([inner_group, inner_place, outer])
    assert [(m.start, m.type) for m in kept] == [(0, "ARMED_GROUP"), (10, "PLACE")]
    assert doc.text == "x"


def test_ambiguous_lexicon_names_need_a_cue():
    lex = Lexicon([LexiconEntry("PLACE", "هون", [], attrs={"ambiguous": "1"}),
                   LexiconEntry("PLACE", "ودان", [])])
    ext = LexiconExtractor(lexicon=lex)

    def texts(s):
        return [m.text for m in ext(Analysis.of(Document("a", s)))]

    assert texts("قال هون كلاما") == []
    assert texts("دخلت القوات إلى هون") == ["هون"]
    assert texts("سيطر الجيش على ودان وهون.") == ["ودان", "هون"]


def test_user_lexicon_file_is_used(tmp_path):
    f = tmp_path / "mine.tsv"
    f.write_text("ARMED_GROUP\tجبهة الخلاص الوطني\tالخلاص\tNational Salvation Front\tkind=rebel\n", encoding="utf-8")
    pipe = ExtractionPipeline(lexicon_files=[str(f)])
    result = pipe(Document("u", "أعلنت جبهة الخلاص الوطني مسؤوليتها."))
    assert [(m.text, m.canonical) for m in result.mentions] == [("جبهة الخلاص الوطني", "جبهة الخلاص الوطني")]


@pytest.mark.parametrize("text", [
    "",
    "   \n\t  ",
    "GNA forces entered Sirte on Monday, officials said.",
    "<p>أعلنت <b>كتيبة</b> &nbsp; شهداء الزاوية</p><br/> وصول قوات إلى مدينة <i>سرت</i>",
    "قال العقيد " + "سالم " * 3000,
    "مدينة" * 5000,
    "قبائل " + "و".join(["الأحامد"] * 2000),
    "\u200f\u200e\ufeffكتيبة\u0640\u0640 ١٢٣ «»“”",
])
def test_bad_input_goes_through(pipe, text):
    doc = Document("bad", text)
    result = pipe(doc)
    assert_valid(doc, result.mentions)
    for r in result.relations:
        assert 0 <= r.head < len(result.mentions) and 0 <= r.tail < len(result.mentions)


def test_ten_megabyte_document_is_fast_enough(pipe):
    # a scraped page gone wrong: mostly markup and one endless line, some Arabic news in it
    arabic = "أعلن العقيد سالم الورفلي أن كتيبة شهداء غدامس دخلت مدينة سرت، وقبائل الطوارق والصيعان ترحب. "
    unit = arabic + '<div class="x">' + "&nbsp;lorem ipsum " * 50 + "</div>"
    text = unit * (10_000_000 // len(unit))
    t0 = time.perf_counter()
    result = pipe(Document("big", text))
    assert time.perf_counter() - t0 < 60
    assert len(result.mentions) >= 6 * (10_000_000 // len(unit))
    m = result.mentions[-1]
    assert text[m.start : m.end] == m.text


ARABIC_WORDS = ["قوات", "كتيبة", "العقيد", "مدينة", "قبائل", "و", "في", "سرت", "الشيخ", "محمد", "الزوي",
                "\"", "،", ".", "\n", "أبو", "المكنى", "بـ", "قائد", "المتحدث", "باسم", "ال", "ة", "ـ", "123", "x"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.lists(st.sampled_from(ARABIC_WORDS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(ARABIC_WORDS), max_size=60).map("".join),
    st.text(max_size=200),
))
def test_random_text_never_breaks_extractors(text):
    doc = Document("h", text)
    pipe = _shared_pipe()
    result = pipe(doc)
    assert_valid(doc, result.mentions)
    analysis = Analysis.of(doc)
    assert_valid(doc, PatternExtractor()(analysis))


_PIPE = []


def _shared_pipe():
    if not _PIPE:
        _PIPE.append(ExtractionPipeline())
    return _PIPE[0]


# --- the optional CAMeL Tools NER extractor, through its adapter ----------------------


class StandInNerModel:
    """A stand-in for the CAMeL Tools NER model (NOT the real model): labels words from a
    fixed word → BIO-label table, with the same ``predict`` interface."""

    def __init__(self, table):
        self.table = table
        self.calls = 0

    def predict(self, sentences):
        self.calls += 1
        return [[self.table.get(w, "O") for w in words] for words in sentences]


def test_camel_ner_adapter_types_spans_by_context_and_lexicon():
    from conflictkg.extractors.camel_ner import CamelNerExtractor

    model = StandInNerModel({
        "العقيد": "O", "نوري": "B-PERS", "الشريف": "I-PERS",
        "وبنغازي": "B-LOC", "كتيبة": "B-ORG", "النصر": "I-ORG", "الأولى": "I-ORG",
        "واحة": "O", "تازربو": "B-LOC", "رويترز": "B-MISC",
    })
    ext = CamelNerExtractor(model=model)
    doc = Document("c", "قال العقيد نوري الشريف إن كتيبة النصر الأولى دخلت وبنغازي وواحة تازربو بحسب رويترز.")
    got = [(m.text, m.type, m.extractor) for m in ext(Analysis.of(doc))]
    assert ("نوري الشريف", "COMMANDER", "camel-ner") in got
    assert ("كتيبة النصر الأولى", "ARMED_GROUP", "camel-ner") in got
    assert ("بنغازي", "PLACE", "camel-ner") in got  # proclitic و dropped: the rest is a known name
    assert ("تازربو", "PLACE", "camel-ner") in got
    assert not any(t == "رويترز" for t, _, _ in got)  # MISC is not an entity type here
    assert_valid(doc, ext(Analysis.of(doc)))


def test_camel_ner_in_the_pipeline_adds_names_the_rules_miss(monkeypatch):
    from conflictkg.extractors import camel_ner

    model = StandInNerModel({"تيسير": "B-PERS", "الدباغ": "I-PERS"})
    monkeypatch.setattr(camel_ner, "load_pretrained", lambda: model)
    pipe = ExtractionPipeline(extractors=("lexicon", "pattern", "camel-ner"))
    pipe.components[-1]._loader = lambda: model
    result = pipe(Document("p", "وصل تيسير الدباغ إلى مدينة سبها."))
    assert ("تيسير الدباغ", "PERSON") in {(m.text, m.type) for m in result.mentions}
    assert model.calls == 1


def test_camel_ner_missing_model_says_how_to_install():
    from conflictkg.extractors.camel_ner import CamelNerExtractor, ModelUnavailable, load_pretrained

    def missing():
        try:
            raise ImportError("No module named 'camel_tools.ner'")
        except ImportError as exc:
            raise ModelUnavailable("camel_data -i ner-arabert") from exc

    ext = CamelNerExtractor(loader=missing)
    with pytest.raises(ModelUnavailable, match="camel_data -i ner-arabert"):
        ext(Analysis.of(Document("m", "نص قصير")))
    assert callable(load_pretrained)


def test_camel_ner_module_imports_no_model_code():
    import subprocess
    import sys

    code = ("import sys, conflictkg.extractors.camel_ner; "
            "print(any(m.startswith(('camel_tools.ner', 'camel_tools.data', 'torch')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_unit_noun_before_a_verb_is_not_a_rank():
    # اللواء is both a rank (major general) and "the brigade"; a verb after it settles which
    from conflictkg.extractors import ExtractionPipeline
    from conflictkg.records import Document

    pipe = ExtractionPipeline()
    brigade = pipe(Document("d", "وأشار المتحدث إلى أن اللواء يتبع رئاسة الأركان العامة منذ عامين."))
    assert not [m for m in brigade.mentions if m.type == "COMMANDER"]
    officer = pipe(Document("d", "وقال اللواء يوسف المنقوش إن الوحدات جاهزة."))
    assert [(m.type, m.text) for m in officer.mentions] == [("COMMANDER", "يوسف المنقوش")]


def test_nisba_after_a_rank_and_first_name_is_the_surname(pipe):
    # a rank is not followed by a bare first name: the nisba is his surname
    assert ("سالم المصري", "COMMANDER") in found(pipe, "ويقود الكتيبة الرابعة العقيد سالم المصري منذ شهرين.")
    # after a full name the nationality adjective stays out
    assert ("فرج الزوي", "COMMANDER") in found(pipe, "وقال العقيد فرج الزوي الليبي إن الوضع هادئ.")


def test_military_council_of_a_known_place_is_an_armed_group(pipe):
    got = found(pipe, "وأعلن المجلس العسكري لمدينة غريان، الذي تشكل قبل عام، النفير العام.")
    assert ("المجلس العسكري لمدينة غريان", "ARMED_GROUP") in got
    assert ("غريان", "PLACE") in got


def test_a_unit_noun_before_a_shield_name_is_part_of_it(pipe):
    # درع names the unit; كتيبة before it is not a separate classifier
    assert ("كتيبة درع الصحراء", "ARMED_GROUP") in found(pipe, "وتتمركز كتيبة درع الصحراء في منطقة الطيبة.")
    # also before a shield name the lexicon knows
    assert ("كتيبة درع الوسطى", "ARMED_GROUP") in found(pipe, "وانسحبت كتيبة درع الوسطى من المعبر.")


def test_a_unit_named_after_a_man_does_not_mention_him(pipe):
    got = found(pipe, "وتقدمت كتيبة عمر المختار نحو الطريق الساحلي، ثم أعلن دعمه لكتيبة عمر المختار.")
    assert ("كتيبة عمر المختار", "ARMED_GROUP") in got
    assert not {m for m in got if m[1] in ("PERSON", "COMMANDER")}, got
    # a possessive designation still mentions the person
    assert ("حفتر", "COMMANDER") in found(pipe, "تقدمت قوات حفتر نحو المدينة.")


def test_facility_head_before_a_known_place_ending_like_an_adjective(pipe):
    # بوعطني ends in ي like an adjective; the lexicon knows it as a place
    assert ("معسكر بوعطني", "PLACE") in found(pipe, "وانسحبت الكتيبة إلى معسكر بوعطني أمس.")


_TRIGGER_PHRASES = sorted({p for phrases in TRIGGER_SETS for p in phrases})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "و", "ل", "ب", "وب"]), st.sampled_from(_TRIGGER_PHRASES + ["سرت", "أحمد"]),
                          st.sampled_from([" ", " ", "، "])), min_size=1, max_size=6))
def test_trigger_lengths_measure_each_set_like_phrase_at(words):
    # the one-pass measurement the pattern extractor uses equals a per-set search
    from conflictkg.extractors.text import tokenize

    tokens = tokenize("".join(clitic + word + sep for clitic, word, sep in words))
    for i in range(len(tokens)):
        assert _trigger_lengths(tokens, i) == [_phrase_at(tokens, i, phrases) for phrases in TRIGGER_SETS]
