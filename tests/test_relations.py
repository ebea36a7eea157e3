"""Cue-based relations between the mentions of one sentence (own Arabic examples)."""
import pytest

from conflictkg.extractors.pipeline import ExtractionPipeline
from conflictkg.records import Document


@pytest.fixture(scope="module")
def pipe():
    return ExtractionPipeline()


def rels(pipe, text):
    r = pipe(Document("r", text))
    return {(x.type, r.mentions[x.head].text, r.mentions[x.tail].text) for x in r.relations}


def test_evidence_is_the_sentence(pipe):
    text = "قال الشيخ علي الزوي إن الأمر انتهى.\nوأكد عمران الفيتوري قائد كتيبة صقور الجنوب أن قواته جاهزة."
    r = pipe(Document("e", text))
    (leads,) = [x for x in r.relations if x.type == "LEADS"]
    assert leads.evidence == text.split("\n")[1]
    assert leads.sentence == 1


@pytest.mark.parametrize("text, expected", [
    ("وأكد عمران الفيتوري قائد كتيبة صقور الجنوب أن قواته جاهزة.", ("LEADS", "عمران الفيتوري", "كتيبة صقور الجنوب")),
    ("وصلت كتيبة صقور الجنوب بقيادة العقيد عمران الفيتوري إلى المدينة.", ("LEADS", "عمران الفيتوري", "كتيبة صقور الجنوب")),
    ("قال العقيد سالم الورفلي، الناطق باسم كتيبة شهداء غدامس، إن الهجوم فشل.", ("SPOKESPERSON_OF", "سالم الورفلي", "كتيبة شهداء غدامس")),
    ("وقال المتحدث باسم كتيبة شهداء غدامس سالم الورفلي إن الهجوم فشل.", ("SPOKESPERSON_OF", "سالم الورفلي", "كتيبة شهداء غدامس")),
    ("انسحبت كتيبة صقور الجنوب التابعة للجيش الوطني الليبي من المنطقة.", ("AFFILIATED_WITH", "كتيبة صقور الجنوب", "لجيش الوطني الليبي")),  # للجيش: span after ل
    ("وصلت كتيبة صقور الجنوب المتمركزة في مدينة أوباري إلى الحدود.", ("BASED_IN", "كتيبة صقور الجنوب", "أوباري")),
    ("أعلن آمر غرفة عمليات الكفرة العميد فرج الزوي أن الوضع هادئ.", ("LEADS", "فرج الزوي", "غرفة عمليات الكفرة")),
    ("تقع بلدة تراغن جنوب ليبيا.", ("LOCATED_IN", "تراغن", "ليبيا")),
    ("وقعت الاشتباكات في حي الطيوري جنوب سبها.", ("LOCATED_IN", "الطيوري", "سبها")),  # a district of the town
    ("اندلعت معارك في مدينة أوباري جنوب غرب ليبيا.", ("LOCATED_IN", "أوباري", "ليبيا")),  # not the region شرق/غرب ليبيا
    ("ودعا أعيان قبائل المقارحة والحساونة في وادي الشاطئ إلى التهدئة.", ("BASED_IN", "الحساونة", "وادي الشاطئ")),
    ("وأعلنت كتيبة شهداء غدامس أنها استهدفت ميليشيا \"فرسان الحدود\" قرب الحدود.", ("FIGHTS", "كتيبة شهداء غدامس", "فرسان الحدود")),
    ("وتقاتل خلايا داعش في جبل الهروج منذ أشهر.", ("BASED_IN", "داعش", "جبل الهروج")),
    # the subject far from the cue that ends right before the second group
    ("أعلنت كتيبة صقور الجنوب، صباح الأحد، سيطرتها على المعبر بعد أسبوعين من المعارك مع ميليشيا \"فرسان الحدود\".", ("FIGHTS", "كتيبة صقور الجنوب", "فرسان الحدود")),
    ("وكانت طائرات تابعة لسلاح الجو الليبي قد شنت فجر اليوم غارات على مواقع لحركة العدل والمساواة.", ("FIGHTS", "سلاح الجو الليبي", "حركة العدل والمساواة")),
    ("ودخلت كتيبة شهداء غدامس، التابعة للجيش الوطني الليبي، إلى القتال في صف التبو.", ("ALLIED_WITH", "كتيبة شهداء غدامس", "التبو")),
    # two modifiers joined by و both describe the group
    ("وتنتشر كتيبة صقور الجنوب، المحسوبة على التيار المدخلي والموالية للقيادة العامة للجيش، قرب الحدود.", ("ALLIED_WITH", "كتيبة صقور الجنوب", "لقيادة العامة للجيش")),
    # "G1، الذي يضم G2 وG3": both are part of G1
    ("وهدد مجلس شورى ثوار درنة، الذي يضم كتيبة شهداء بوسليم وأنصار الشريعة، بالرد.", ("MEMBER_OF", "أنصار الشريعة", "مجلس شورى ثوار درنة")),
    ("ويقود كتيبة صقور الجنوب العقيد عمران الفيتوري منذ عام 2016.", ("LEADS", "عمران الفيتوري", "كتيبة صقور الجنوب")),
    ("وكانت كتيبة صقور الجنوب تسيطر على مدينة أوباري حتى العام الماضي.", ("BASED_IN", "كتيبة صقور الجنوب", "أوباري")),
    # a role noun with a pronoun ending: the group named last, not the one it answers to
    ("وانسحبت الكتيبة 128 مشاة، التابعة للمنطقة العسكرية سبها، من البلدة، بحسب بيان لآمرها العميد سالم الورفلي.", ("LEADS", "سالم الورفلي", "الكتيبة 128 مشاة")),
])
def test_cue_patterns(pipe, text, expected):
    assert expected in rels(pipe, text)


def test_possessive_group_is_led_by_the_person(pipe):
    assert ("LEADS", "حفتر", "قوات حفتر") in rels(pipe, "تقدمت قوات حفتر نحو المدينة.")


def test_a_unit_named_after_a_person_is_not_led_by_him(pipe):
    found = rels(pipe, "وتقدمت كتيبة عمر المختار نحو الطريق الساحلي.")
    assert not {r for r in found if r[0] == "LEADS"}, found


@pytest.mark.parametrize("text", [
    # a role that belongs to another name: no LEADS to the person after it
    "وأكد قائد الأفريكوم وأمين عام حلف الناتو للسراج دعمهما.",
    # a bare "في" between a group and a place is an event location, not a base
    "قتل الجيش الوطني الليبي عشرة مسلحين في سبها.",
    # a town south of another town lies near it, not in it (the gold convention)
    "تقع بلدة تراغن جنوب سبها.",
    # منطقة X غرب Y: an area near Y as often as a district of it
    "وتقدمت القوات نحو منطقة الوادي الأخضر غرب مرزق.",
    # tribes named in a conflict: where they fought, not where they live
    "وتعود المواجهات بين الحساونة والمقارحة في براك الشاطئ إلى عام 2014.",
    # too far apart, with other names between
    "هاجمت كتيبة صقور الجنوب أمس بعد أن أعلن العقيد سالم الورفلي وقادة آخرون في اجتماع طويل موقفهم من ميليشيا \"فرسان الحدود\".",
    # the group after التابعة لـ is what the first answers to, not the fighter
    "وقال مسؤول في كتيبة النصر التابعة للجيش الوطني الليبي إن الاشتباكات مع ميليشيا \"فرسان الحدود\" توقفت منذ أيام عديدة بعد وساطة.",
])
def test_no_relation_without_a_stated_cue(pipe, text):
    found = rels(pipe, text)
    assert not {r for r in found if r[0] in ("LEADS", "BASED_IN", "FIGHTS", "LOCATED_IN")}, found


def test_relation_indexes_point_to_mentions_of_the_right_types(pipe):
    text = "قال العقيد سالم الورفلي، الناطق باسم كتيبة شهداء غدامس، إن الكتيبة المتمركزة في غدامس صدت الهجوم."
    r = pipe(Document("t", text))
    for x in r.relations:
        head, tail = r.mentions[x.head], r.mentions[x.tail]
        if x.type in ("LEADS", "SPOKESPERSON_OF"):
            assert head.type in ("COMMANDER", "PERSON")
        if x.type in ("BASED_IN", "LOCATED_IN"):
            assert tail.type in ("PLACE", "COUNTRY")


def test_each_relation_names_its_rule(pipe):
    r = pipe(Document("x", "وصلت كتيبة صقور الجنوب بقيادة العقيد عمران الفيتوري إلى المدينة."))
    assert [x.extractor for x in r.relations] == ["cues:led-by"]


def test_a_person_leading_an_armed_group_is_a_commander(pipe):
    r = pipe(Document("c", "وانتشرت كتيبة درع الصحراء، التي يقودها عبد المنعم سالم التارقي، في أطراف المدينة."))
    assert ("عبد المنعم سالم التارقي", "COMMANDER") in {(m.text, m.type) for m in r.mentions}


def test_army_of_the_other_camp_is_not_the_lexicon_army(pipe):
    """الجيش الليبي is the LNA in the lexicon; answering to the GNA it is another army."""
    r = pipe(Document("s", "وقالت قوات الجيش الليبي التابعة لحكومة الوفاق إنها صدت الهجوم."))
    army = next(m for m in r.mentions if m.text == "الجيش الليبي")
    assert army.canonical != "الجيش الوطني الليبي" and "side" not in army.attrs
    r = pipe(Document("s2", "وقال الجيش الليبي إنه صد الهجوم."))
    assert next(m for m in r.mentions if m.text == "الجيش الليبي").canonical == "الجيش الوطني الليبي"


@pytest.mark.parametrize("text, expected", [
    # the verb before both names
    ("وتسيطر كتيبة صقور الجنوب على مدينة أوباري منذ أشهر.", ("BASED_IN", "كتيبة صقور الجنوب", "أوباري")),
    ("وتسكن قبيلة الحساونة وادي الشاطئ منذ قرون.", ("BASED_IN", "الحساونة", "وادي الشاطئ")),
    ("ويضم مجلس شورى ثوار درنة كتيبة شهداء بوسليم وكتيبة النور.", ("MEMBER_OF", "كتيبة شهداء بوسليم", "مجلس شورى ثوار درنة")),
    ("ويضم مجلس شورى ثوار درنة كتيبة شهداء بوسليم وكتيبة النور.", ("MEMBER_OF", "كتيبة النور", "مجلس شورى ثوار درنة")),
    # a verb before the first name, the rest of the cue before the second
    ("وتتخذ كتيبة صقور الجنوب، التابعة للجيش الوطني الليبي، من مدينة أوباري مقرا لها.", ("BASED_IN", "كتيبة صقور الجنوب", "أوباري")),
    ("وتحالفت كتيبة شهداء غدامس، التي يقودها العقيد فرج الزوي، مع كتيبة صقور الجنوب في معارك الحدود.", ("ALLIED_WITH", "كتيبة شهداء غدامس", "كتيبة صقور الجنوب")),
    ("وتقاتل عناصر كتيبة شهداء غدامس منذ عامين إلى جانب كتيبة صقور الجنوب.", ("ALLIED_WITH", "كتيبة شهداء غدامس", "كتيبة صقور الجنوب")),
    # a support noun before the second name, the supporter earlier
    ("وأعلن المجلس العسكري لمدينة غريان، الذي يرأسه العقيد فرج الزوي، دعمه الكامل لكتيبة صقور الجنوب.", ("ALLIED_WITH", "المجلس العسكري لمدينة غريان", "كتيبة صقور الجنوب")),
    ("وتقطن قبائل الحساونة الجنوب، وأعلن أعيانها وقوفهم إلى جانب كتيبة صقور الجنوب.", ("ALLIED_WITH", "الحساونة", "كتيبة صقور الجنوب")),
    # control stated as a noun after the group
    ("أعلنت كتيبة صقور الجنوب، صباح الأحد، سيطرتها الكاملة على مدينة أوباري.", ("BASED_IN", "كتيبة صقور الجنوب", "أوباري")),
    # strikes on a group's positions (تمركزات لـ G)
    ("وشنت كتيبة شهداء غدامس، الموالية للمجلس الرئاسي، غارات على تمركزات لكتيبة صقور الجنوب.", ("FIGHTS", "كتيبة شهداء غدامس", "كتيبة صقور الجنوب")),
    # a common first name the list lacked: the leader after يقودها
    ("وتقدمت كتيبة شهداء غدامس، التي يقودها أيوب الزوي، نحو الحدود.", ("LEADS", "أيوب الزوي", "كتيبة شهداء غدامس")),
    # the verb's subject is an anaphor for the unit named before
    ("ويقود كتيبة شهداء غدامس العقيد فرج الزوي، وتتمركز الكتيبة في منطقة أوباري منذ أشهر.", ("BASED_IN", "كتيبة شهداء غدامس", "أوباري")),
    # a second role joined by و after the first role's group: the same person
    ("وأكدت مصادر مقتل فرج الزوي، القيادي في مجلس شورى ثوار درنة وآمر كتيبة درع الصحراء، في غارة.", ("LEADS", "فرج الزوي", "كتيبة درع الصحراء")),
    # the subject far before the verb, the ally after مع [قوات]
    ("وكانت كتيبة الفاروق، التي يقودها الإخوة الزوي، قد تحالفت مع قوات الجيش الوطني الليبي خلال الهجوم.", ("ALLIED_WITH", "كتيبة الفاروق", "الجيش الوطني الليبي")),
    # a time adverbial between the verb-first subject and في
    ("وتتمركز كتيبة صقور الجنوب منذ سنوات في مدينة أوباري.", ("BASED_IN", "كتيبة صقور الجنوب", "أوباري")),
    # a person counted to a tribe
    ("ويقود الكتيبة الرابعة عمران الفيتوري، المحسوب على قبيلة أولاد سليمان.", ("AFFILIATED_WITH", "عمران الفيتوري", "أولاد سليمان")),
    # the unit kind after a unit number is no word of the gap
    ("وأكد المتحدث أن اللواء 111 مشاة يتمركز في بلدة القداحية منذ أيام.", ("BASED_IN", "اللواء 111", "القداحية")),  # a lexicon unit without مشاة
    # a military council of a town named as such sits in it
    ("وأعلن المجلس العسكري لمدينة غريان النفير العام.", ("BASED_IN", "المجلس العسكري لمدينة غريان", "غريان")),
])
def test_verb_first_and_split_cues(pipe, text, expected):
    assert expected in rels(pipe, text)


@pytest.mark.parametrize("text", [
    # support taken back is no alliance
    "وأعلن المجلس العسكري لمدينة غريان سحب دعمه لكتيبة صقور الجنوب.",
    # مع after a fighting noun: the groups fought, whatever the verb before
    "وتحالفت كتيبة شهداء غدامس، بعد أسابيع من المعارك مع كتيبة صقور الجنوب، مع قبائل الحساونة.",
    # تحالف before a name is the noun (a coalition), not the verb
    "أعلن تحالف \"فجر الجنوب\" سيطرته على المعبر بعد المعارك مع كتيبة صقور الجنوب.",
])
def test_no_alliance_without_a_support_cue(pipe, text):
    found = rels(pipe, text)
    assert not {r for r in found if r[0] == "ALLIED_WITH" and "كتيبة صقور الجنوب" in r}, found


def test_strikes_on_an_anaphor_hit_the_group_named_before(pipe):
    text = ("وتقدمت القوات نحو مواقع مجلس شورى ثوار درنة. "
            "وكان سلاح الجو الليبي قد شن غارات مكثفة على مواقع المجلس في المدينة.")
    assert ("FIGHTS", "سلاح الجو الليبي", "مجلس شورى ثوار درنة") in rels(pipe, text)
    # the anaphor may only name another group: not the attacker itself
    own = "وشنت كتيبة صقور الجنوب غارات على مواقع الكتيبة في المدينة."
    assert not {r for r in rels(pipe, own) if r[0] == "FIGHTS"}


def test_a_verb_after_a_parenthesis_has_the_group_before_as_subject(pipe):
    text = "وأكد أن كتيبة صقور الجنوب، التي يقودها العقيد فرج الزوي، تتمركز في منطقة أوباري."
    assert ("BASED_IN", "كتيبة صقور الجنوب", "أوباري") in rels(pipe, text)
    # a clause opened by و has its own subject (here after the place)
    other = "اندلعت اشتباكات بين كتيبة صقور الجنوب وكتيبة النور، وتتمركز في منطقة أوباري قوات أخرى."
    assert not {r for r in rels(pipe, other) if r[0] == "BASED_IN"}


def test_an_anaphor_working_in_coordination_with_a_group(pipe):
    text = ("وأصدرت حكومة الوفاق بيانا أمس. "
            "وقال مسؤول إن الحكومة تعمل بالتنسيق مع بعثة الأمم المتحدة للدعم في ليبيا.")
    found = rels(pipe, text)
    assert ("ALLIED_WITH", "حكومة الوفاق", "بعثة الأمم المتحدة للدعم في ليبيا") in found, found
