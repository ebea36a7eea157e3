"""Arabic test articles written for these tests (not taken from any seed article).

Each article is a realistic but partly made-up Libyan news item, with the mentions a
reader would annotate under the gold conventions and the relations the text states.
Several names are invented (no lexicon knows them), so they test the patterns.
"""

ARTICLES = [
    {
        "id": "own-ghadames",
        "text": (
            "أعلن العقيد سالم الورفلي، المتحدث باسم كتيبة شهداء غدامس، أن قوات تابعة للكتيبة "
            "استعادت السيطرة على مطار غدامس الدولي.\n"
            "وأضاف الورفلي أن الكتيبة المتمركزة بمدينة غدامس صدت هجوما شنته ميليشيا \"فرسان الحدود\" "
            "على بوابة الدبداب جنوب غدامس.\n"
            "وتقطن المنطقة قبائل الطوارق والغدامسية والصيعان، وقال الشيخ موسى التارقي إن الأهالي يدعمون الكتيبة."
        ),
        "mentions": {
            ("سالم الورفلي", "COMMANDER"),
            ("الورفلي", "COMMANDER"),
            ("كتيبة شهداء غدامس", "ARMED_GROUP"),
            ("غدامس", "PLACE"),
            ("مطار غدامس الدولي", "PLACE"),
            ("فرسان الحدود", "ARMED_GROUP"),
            ("بوابة الدبداب", "PLACE"),
            ("الطوارق", "TRIBE"),
            ("الغدامسية", "TRIBE"),
            ("الصيعان", "TRIBE"),
            ("موسى التارقي", "PERSON"),
        },
        "relations": {
            ("SPOKESPERSON_OF", "سالم الورفلي", "كتيبة شهداء غدامس"),
            # "بوابة الدبداب جنوب غدامس": south of the town, not stated to be in it
        },
    },
    {
        "id": "own-sabha",
        "text": (
            "قال اللواء المتقاعد عمران الفيتوري، آمر غرفة عمليات سبها، إن قواته طردت عناصر تنظيم داعش من منطقة القرضة.\n"
            "وكان عبدالسلام الزادمة المكنى بـ \"أبو مصعب\" وهو قائد كتيبة صقور الجنوب قد أعلن انضمام كتيبته إلى الجيش الوطني الليبي.\n"
            "وشهدت مدينة سبها اشتباكات بين قبيلتي أولاد سليمان والقذاذفة، فيما دعا عمداء بلديات الجنوب إلى التهدئة."
        ),
        "mentions": {
            ("عمران الفيتوري", "COMMANDER"),
            ("غرفة عمليات سبها", "ARMED_GROUP"),
            ("سبها", "PLACE"),
            ("تنظيم داعش", "ARMED_GROUP"),
            ("القرضة", "PLACE"),
            ("عبدالسلام الزادمة", "COMMANDER"),
            ("أبو مصعب", "COMMANDER"),
            ("كتيبة صقور الجنوب", "ARMED_GROUP"),
            ("الجيش الوطني الليبي", "ARMED_GROUP"),
            ("أولاد سليمان", "TRIBE"),
            ("القذاذفة", "TRIBE"),
        },
        "relations": {
            ("LEADS", "عمران الفيتوري", "غرفة عمليات سبها"),
            ("LEADS", "أبو مصعب", "كتيبة صقور الجنوب"),
            ("FIGHTS", "غرفة عمليات سبها", "تنظيم داعش"),
        },
    },
    {
        "id": "own-misrata",
        "text": (
            "استهدفت طائرة مسيرة تابعة لقوات حفتر مواقع للقوة المشتركة في مدينة مصراتة، بحسب ما أفاد به "
            "الرائد ناصر الحاسي.\n"
            "وأكد رئيس المجلس البلدي مصراتة أن الضربة طالت مخازن قرب الكلية الجوية، في حين قالت حكومة الوحدة "
            "الوطنية إنها ستتحرك دوليا.\n"
            "ويتحدر معظم مقاتلي القوة من قبيلة المحاجيب ومن بلدة زليتن المجاورة."
        ),
        "mentions": {
            ("قوات حفتر", "ARMED_GROUP"),
            ("حفتر", "COMMANDER"),
            ("مصراتة", "PLACE"),
            ("ناصر الحاسي", "COMMANDER"),
            ("حكومة الوحدة الوطنية", "ORGANIZATION"),
            ("المجلس البلدي مصراتة", "ORGANIZATION"),  # a municipal council is an organisation
            ("الكلية الجوية", "PLACE"),  # Misrata's air academy, a known base
            ("المحاجيب", "TRIBE"),
            ("زليتن", "PLACE"),
        },
        "relations": {("LEADS", "حفتر", "قوات حفتر")},
    },
]
