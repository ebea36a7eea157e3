"""A small built folder of invented Arabic news, for the export tests and the README picture.

Written through the same code as ``conflictkg build`` (GraphAccumulator, add_metrics,
write_json), so the files have the build's exact shapes. Every name and sentence is
invented for the tests; none comes from the seed articles.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from conflictkg.graph.export import write_json
from conflictkg.graph.metrics import add_metrics
from conflictkg.graph.model import GraphAccumulator
from conflictkg.records import Entity

ENTITIES = {
    "group:nasr": ("ARMED_GROUP", "كتيبة النصر", ["كتيبة النصر", "كتيبه النصر"]),
    "group:sumud": ("ARMED_GROUP", "لواء الصمود", ["لواء الصمود"]),
    "group:fajr": ("ARMED_GROUP", "قوة الفجر", ["قوة الفجر"]),
    "group:dir": ("ARMED_GROUP", "سرية الدرع", ["سرية الدرع"]),
    "cmd:salem": ("COMMANDER", "سالم الورفلي", ["سالم الورفلي", "العقيد سالم الورفلي"]),
    "cmd:hamid": ("COMMANDER", "حامد بن عيسى", ["حامد بن عيسى"]),
    "person:spk": ("PERSON", "مراد التاجوري", ["مراد التاجوري"]),
    "place:wadi": ("PLACE", "وادي الرمل", ["وادي الرمل"]),
    "place:qasr": ("PLACE", "قصر الواحة", ["قصر الواحة"]),
    "place:mina": ("PLACE", "ميناء الشرق", ["ميناء الشرق"]),
    "tribe:zayan": ("TRIBE", "قبيلة الزيان", ["قبيلة الزيان"]),
    "org:council": ("ORGANIZATION", "المجلس المحلي", ["المجلس المحلي"]),
    "country:x": ("COUNTRY", "دولة الجوار", ["دولة الجوار"]),
}
HOSTILE = {
    # quotes, backslash, semicolon, comment and markup openers, a line break, RTL mark
    "group:hostile": ("ARMED_GROUP", "كتيبة \"الحق\" 'أبو\\عمر'; //</script><b>x", ["كتيبة \"الحق\"", "x;y\nz\u200f"]),
}

# (doc id, date, [sentence: [entity ids]], [(type, head, tail, sentence, evidence)])
DOCUMENTS = [
    ("d01", "2023-11-02", [["group:nasr", "group:sumud", "place:wadi"], ["cmd:salem", "group:nasr"]],
     [("FIGHTS", "group:nasr", "group:sumud", 0, "اندلعت اشتباكات عنيفة بين كتيبة النصر ولواء الصمود في وادي الرمل."),
      ("LEADS", "cmd:salem", "group:nasr", 1, "قال سالم الورفلي قائد كتيبة النصر إن قواته تقدمت.")]),
    ("d02", "2023-12-15", [["group:nasr", "group:fajr"], ["group:fajr", "place:qasr"], ["person:spk", "group:fajr"]],
     [("ALLIED_WITH", "group:nasr", "group:fajr", 0, "أعلنت كتيبة النصر وقوة الفجر تحالفا لتأمين الطريق الساحلي."),
      ("BASED_IN", "group:fajr", "place:qasr", 1, "تتمركز قوة الفجر في قصر الواحة منذ أشهر."),
      ("SPOKESPERSON_OF", "person:spk", "group:fajr", 2, "صرح مراد التاجوري المتحدث باسم قوة الفجر بأن الهدنة صامدة.")]),
    ("d03", "2024-01-20", [["group:sumud", "group:dir", "place:mina"], ["cmd:hamid", "group:sumud"], ["tribe:zayan", "place:wadi"]],
     [("ALLIED_WITH", "group:sumud", "group:dir", 0, "انضمت سرية الدرع إلى لواء الصمود في معارك ميناء الشرق."),
      ("LEADS", "cmd:hamid", "group:sumud", 1, "يقود حامد بن عيسى لواء الصمود منذ العام الماضي.")]),
    ("d04", "2024-02-11", [["group:nasr", "group:sumud"], ["group:fajr", "group:dir", "place:mina"], ["org:council", "place:wadi"]],
     [("FIGHTS", "group:nasr", "group:sumud", 0, "تجددت المواجهات بين كتيبة النصر ولواء الصمود فجر الأحد."),
      ("FIGHTS", "group:fajr", "group:dir", 1, "قصفت قوة الفجر مواقع سرية الدرع قرب ميناء الشرق.")]),
    ("d05", "2024-03-05", [["group:nasr", "group:fajr", "country:x"], ["tribe:zayan", "group:nasr"], ["cmd:salem", "place:wadi"]],
     [("ALLIED_WITH", "group:nasr", "group:fajr", 0, "جددت كتيبة النصر وقوة الفجر تحالفهما بدعم من دولة الجوار.")]),
    ("d06", "", [["org:council", "tribe:zayan"]], []),  # undated: left out of any date window
]
HOSTILE_DOC = ("d07", "2024-03-20", [["group:hostile", "group:nasr"]],
               [("FIGHTS", "group:hostile", "group:nasr", 0, "هاجمت كتيبة \"الحق\" مواقع; كتيبة النصر \\ ليلا.")])


def make_folder(folder: str | Path, hostile: bool = True) -> Path:
    """Write documents.jsonl, mentions.jsonl, relations.jsonl, entities.jsonl and graph.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entities_def = dict(ENTITIES, **(HOSTILE if hostile else {}))
    docs = DOCUMENTS + ([HOSTILE_DOC] if hostile else [])
    acc = GraphAccumulator()
    mentions: Counter = Counter()
    in_docs: Counter = Counter()
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as dfh, open(
        folder / "mentions.jsonl", "w", encoding="utf-8"
    ) as mfh, open(folder / "relations.jsonl", "w", encoding="utf-8") as rfh:
        for doc, date, sentences, rels in docs:
            dfh.write(json.dumps({"id": doc, "source": f"{doc}.txt", "title": f"خبر {doc}", "date": date, "url": "",
                                  "chars": 100, "sentences": len(sentences)}, ensure_ascii=False) + "\n")
            rows = []
            for si, ents in enumerate(sentences):
                for eid in ents:
                    rows.append((si, eid))
                    etype, name, _ = entities_def[eid]
                    mfh.write(json.dumps({"doc": doc, "sentence": si, "start": 0, "end": len(name), "text": name,
                                          "type": etype, "entity": eid, "extractor": "lexicon"}, ensure_ascii=False) + "\n")
            for rtype, h, t, si, ev in rels:
                rfh.write(json.dumps({"type": rtype, "head": h, "tail": t, "doc": doc, "sentence": si, "evidence": ev,
                                      "extractor": "cue"}, ensure_ascii=False) + "\n")
            mentions.update(e for _, e in rows)
            in_docs.update({e for _, e in rows})
            acc.add_document(doc, date, rows, rels)
    entities = {eid: Entity(eid, t, name, aliases, mentions[eid], in_docs[eid]) for eid, (t, name, aliases) in entities_def.items()}
    with open(folder / "entities.jsonl", "w", encoding="utf-8") as fh:
        for e in entities.values():
            fh.write(json.dumps(e.to_json(), ensure_ascii=False) + "\n")
    G = acc.to_networkx(entities)
    add_metrics(G)
    write_json(G, folder / "graph.json")
    return folder
