"""The information-report quota report (信息报送) on known data, run as `assistant report quota`.
The quota is the pack schema's rule: at least 2 reports per 报送单位 per month."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.test_report_staffing import office_folder

HEAD = ["报送日期", "标题", "报送单位", "撰稿人", "采用级别"]
TODAY = "2026-11-20"  # October is over, November is running


def rows(*entries: tuple[str, str, str]) -> list[list]:
    return [HEAD, *([day, f"信息{i}", unit, None, level] for i, (day, unit, level) in enumerate(entries))]


ONE = rows(("2026-10-08", "党政办", "区级"), ("2026-10-20", "党政办", "市级"), ("2026-11-03", "党政办", "未采用"),
           ("2026-10-15", "应急办", "省级"),  # one in October: short
           ("2026-09-10", "综治中心", "区级"),  # none in the period: short, with 0
           ("2026-12-01", "党政办", "区级"))  # after today: not counted


def quota_json(config, *args: str) -> tuple[int, dict]:
    res = run_cli("report", "quota", "--config", config, "--today", TODAY, "--format", "json", *args)
    return res.code, json.loads(res.out)


def test_units_against_the_quota_by_hand(tmp_path):
    config = office_folder(tmp_path / "office", {"凤凰镇": {"信息报送": ONE}})
    code, data = quota_json(config, "--period", "2026-Q4")
    assert code == 0
    units = {u["unit"]: u for u in data["units"]}
    assert set(units) == {"党政办", "应急办", "综治中心"}
    assert {k: units["党政办"][k] for k in ("reports", "adopted", "district", "city", "not_adopted", "periods",
                                          "periods_below", "met")} == {
        "reports": 3, "adopted": 2, "district": 1, "city": 1, "not_adopted": 1, "periods": 1, "periods_below": 0,
        "met": True}
    assert units["党政办"]["adoption_rate"] == 2 / 3
    assert (units["应急办"]["reports"], units["应急办"]["province"], units["应急办"]["met"]) == (1, 1, False)
    assert (units["综治中心"]["reports"], units["综治中心"]["periods_below"]) == (0, 1)
    assert data["below"] == [{"unit": "应急办", "period": "2026-10", "count": 1, "quota": 2},
                             {"unit": "综治中心", "period": "2026-10", "count": 0, "quota": 2}]
    assert (data["total"]["reports"], data["total"]["adopted"], data["quota"], data["quota_period"]) == (4, 3, 2, "month")


def test_a_running_month_is_counted_not_judged(tmp_path):
    config = office_folder(tmp_path / "office", {"凤凰镇": {"信息报送": ONE}})
    _, data = quota_json(config, "--period", "month")
    assert data["below"] == [] and all(u["met"] is None for u in data["units"])
    assert {u["unit"]: u["reports"] for u in data["units"]} == {"党政办": 1, "应急办": 0, "综治中心": 0}


def test_townships_ranked_by_periods_below_quota(tmp_path):
    towns = {"凤凰镇": {"信息报送": ONE},
             "石桥镇": {"信息报送": rows(("2026-10-08", "党政办", "区级"), ("2026-10-09", "党政办", "区级"))},
             "青龙镇": {"信息报送": rows(("2026-10-08", "党政办", "区级"), ("2026-10-09", "应急办", "区级"),
                                     ("2026-09-09", "综治中心", "区级"), ("2026-09-19", "经发办", "区级"))}}
    config = office_folder(tmp_path / "district", towns)
    _, data = quota_json(config, "--period", "2026-10")
    ranking = [(t["township"], t["periods_below"], t["rank"]) for t in data["townships"]]
    assert ranking == [("青龙镇", 4, 1), ("凤凰镇", 2, 2), ("石桥镇", 0, 3)]
    assert [t["units_met"] for t in data["townships"]] == [0, 1, 1]
    assert {b["township"] for b in data["below"]} == {"青龙镇", "凤凰镇"}
    assert [(u["unit"], u["reports"], u["met"]) for u in data["parts"]["石桥镇"]["units"]] == [("党政办", 2, True)]
