"""Quality floors on the held-out articles (tests/data/heldout): they may only go up.

The held-out set was written for this project and annotated before the extractors were
run on it (see its README). Its first-run scores were the unseen-text estimate; rules
were then improved with general fixes only. The floors sit a little under the figures
reached, so a change that loses quality on text the rules were not written for fails.
"""
from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"
# reached: ARMED_GROUP .976, COMMANDER .981, PLACE .958, TRIBE .971, PERSON .970,
# ORGANIZATION .905, COUNTRY .970, all .959; relations P 1.00 R .66
ENTITY_FLOORS = {"ARMED_GROUP": 0.94, "COMMANDER": 0.94, "PLACE": 0.93, "TRIBE": 0.93,
                 "PERSON": 0.93, "ORGANIZATION": 0.87, "COUNTRY": 0.93}
ALL_FLOOR = 0.93
RELATION_PRECISION_FLOOR = 0.90
RELATION_RECALL_FLOOR = 0.63


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    from conflictkg.build import BuildOptions, build
    from conflictkg.evaluate import evaluate

    out = tmp_path_factory.mktemp("heldout") / "built"
    build([str(HELDOUT)], str(out), BuildOptions(workers=1, quiet=True))
    return evaluate(HELDOUT / "gold", out)


def test_every_article_is_annotated(scores):
    texts = {p.stem for p in HELDOUT.glob("*.txt")}
    golds = {p.stem for p in (HELDOUT / "gold").glob("*.json")} - {"registry"}
    assert texts == golds and len(texts) >= 8


@pytest.mark.parametrize("etype", sorted(ENTITY_FLOORS))
def test_entity_f1_per_type(scores, etype):
    assert scores.entities[etype].f1 >= ENTITY_FLOORS[etype], scores.entities[etype].to_json()


def test_entity_f1_over_all_types(scores):
    assert scores.entity_total().f1 >= ALL_FLOOR, scores.entity_total().to_json()


def test_relation_precision_and_recall(scores):
    total = scores.relation_total()
    assert total.precision >= RELATION_PRECISION_FLOOR, total.to_json()
    assert total.recall >= RELATION_RECALL_FLOOR, total.to_json()
