"""One status vocabulary: what the engine computes, the JSON, the sheet, the mail and the terminal
all take a status's order, label, fill, colour and style from assistant/status.py."""

from __future__ import annotations

import inspect

from assistant import deadlines
from assistant.annotate import STATUS_FILLS
from assistant.i18n import using
from assistant.render import STATUS_COLOURS
from assistant.status import CODES, STATUSES, labels, order
from tests.conftest import TODAY, run_cli


def test_the_engine_computes_exactly_the_vocabulary():
    source = inspect.getsource(deadlines.evaluate)
    produced = {code for code in CODES if f'"{code}"' in source}
    assert produced == set(CODES)  # np.select's outcomes and the default


def test_every_status_has_a_distinct_label_in_each_language_and_a_colour_everywhere():
    for lang in ("zh", "en"):
        with using(lang):
            shown = labels()
        assert set(shown) == set(CODES) and len(set(shown.values())) == len(CODES)
    assert set(STATUS_FILLS) == set(STATUS_COLOURS) == set(CODES)
    assert [order(c) for c in CODES] == sorted(order(c) for c in CODES)  # the dict is in urgency order


def test_flag_json_is_ordered_and_labelled_by_the_vocabulary(tmp_path):
    folder = tmp_path / "镇"
    assert run_cli("init", folder, "--today", TODAY).code == 0
    for lang in ("zh", "en"):
        res = run_cli("flag", "--config", folder / "assistant.toml", "--today", TODAY, "--format", "json",
                      "--dry-run", "--lang", lang)
        items = res.json()["items"]
        ranks = [STATUSES[i["status"]].order for i in items]
        assert ranks == sorted(ranks) and len(set(ranks)) >= 4
        with using(lang):
            assert all(i["label"] == STATUSES[i["status"]].label for i in items)
