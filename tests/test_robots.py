"""Group robots end to end: `digest`, `remind`, `report bulletin --mail` and `jobs run duty` post to
WeCom, DingTalk and Feishu robots served on 127.0.0.1 by servers that check what each platform
checks (tests/robot_servers.py): signatures, shapes, length and rate limits. Through the CLI, with
the webhook URLs and secrets in environment variables, as an office runs it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_cli
from tests.fixtures_xlsx import OUTBOX_MAIL, TASKS, WORKBOOK, Task, make_office
from tests.robot_servers import RobotServer

TODAY = "2026-11-20"
SECRETS = {"dingtalk": "SECdingtalk-test-secret", "feishu": "feishu-test-secret"}
ENV = {"wecom": "T_WECOM", "dingtalk": "T_DING", "feishu": "T_FEISHU"}
CONFIG = OUTBOX_MAIL + """
[[robots]]
name = "企业微信群"
kind = "wecom"
webhook_env = "T_WECOM"
jobs = ["digest", "remind", "report_bulletin", "duty"]

[[robots]]
name = "钉钉群"
kind = "dingtalk"
webhook_env = "T_DING"
secret_env = "T_DING_SECRET"
jobs = ["digest", "remind", "report_bulletin", "duty"]

[[robots]]
name = "飞书群"
kind = "feishu"
webhook_env = "T_FEISHU"
secret_env = "T_FEISHU_SECRET"
jobs = ["digest", "remind", "report_bulletin", "duty"]

[robots_policy]
allowed_hosts = ["127.0.0.1"]
"""


def configure(root: Path, tasks: list[Task] | None = None, extra: str = "") -> Path:
    make_office(root, tasks)
    config = root / "assistant.toml"
    text = config.read_text(encoding="utf-8").replace(
        'name = "凤凰镇党政办"', 'name = "凤凰镇党政办"\nadmin_email = "admin@example.gov.cn"\ndirector = "李明"')
    config.write_text(text + CONFIG + extra, encoding="utf-8")
    return config


@pytest.fixture
def servers(monkeypatch) -> Iterator[dict[str, RobotServer]]:
    with ExitStack() as stack:
        out = {kind: stack.enter_context(RobotServer(kind, secret=SECRETS.get(kind))) for kind in ENV}
        for kind, server in out.items():
            monkeypatch.setenv(ENV[kind], server.webhook)
        monkeypatch.setenv("T_DING_SECRET", SECRETS["dingtalk"])
        monkeypatch.setenv("T_FEISHU_SECRET", SECRETS["feishu"])
        yield out


@pytest.fixture
def office(tmp_path: Path, servers) -> Path:
    return configure(tmp_path / "office")


def text_of(kind: str, body: dict) -> str:
    """The message text a group sees, whatever the platform's shape."""
    if kind == "wecom":
        return body.get("markdown", body.get("text", {})).get("content", "")
    if kind == "dingtalk":
        return body["markdown"]["title"] + "\n" + body["markdown"]["text"]
    card = body["card"]
    parts = [card.get("header", {}).get("title", {}).get("content", "")]
    parts += [el.get("text", {}).get("content", "") or el.get("content", "") for el in _elements(card)]
    return "\n".join(parts)


def _elements(card: dict) -> list[dict]:
    return card.get("elements") or card.get("body", {}).get("elements", [])


def outbox(config: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for p in sorted((config.parent / "outbox").glob("*.eml"))]


def cli(config: Path, *args: str, today: str = TODAY):
    return run_cli(*args, "--config", config, "--today", today)


def test_the_digest_goes_to_each_platform_once(office, servers):
    res = cli(office, "digest")
    assert res.code == 0, res.err + res.out
    for kind, server in servers.items():
        (message,) = server.messages
        text = text_of(kind, message)
        assert "DB-2026-001" in text and "凤凰村秸秆禁烧宣传及巡查" in text, kind  # an overdue task listed
    assert "已推送" in res.out and "钉钉群" in res.out
    again = cli(office, "digest")
    assert again.code == 0 and all(len(s.messages) == 1 for s in servers.values())  # the ledger: once a period
    assert "已推送过" in again.out


def test_reminders_mention_the_owners_of_overdue_items_by_mobile(office, servers):
    res = cli(office, "remind")
    assert res.code == 0, res.err + res.out
    wang = "13981300003"  # 王芳 in the roster: owner of the overdue DB-2026-001
    ding = servers["dingtalk"].messages[-1]
    assert wang in ding["at"]["atMobiles"] and f"@{wang}" in ding["markdown"]["text"]
    wecom = servers["wecom"].messages
    assert wecom[0]["msgtype"] == "markdown" and wecom[-1]["msgtype"] == "text"
    assert wang in wecom[-1]["text"]["mentioned_mobile_list"]
    assert wang not in text_of("wecom", wecom[0])  # the list itself shows no number
    assert all(wang not in str(m) for m in servers["feishu"].messages)  # Feishu mentions by open_id only


def test_a_long_message_comes_in_numbered_parts_and_no_item_is_cut(tmp_path, servers):
    long = "，".join(["落实镇村两级网格化巡查责任并逐户登记台账"] * 4)
    tasks = [Task(f"DB-2026-{n:03d}", "上级交办", f"{long}（第{n}项）", "党政办", "王芳", "张建国", dt.date(2026, 9, 1),
                  dt.date(2026, 11, 2), 0.5, "推进中") for n in range(1, 41)]
    config = configure(tmp_path / "office", tasks)
    res = cli(config, "digest")
    assert res.code == 0, res.err + res.out
    parts = [text_of("wecom", m) for m in servers["wecom"].messages]
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts)  # the server refuses more, too
    n = len(parts)
    assert [re.search(r"（(\d+)/(\d+)）", p).groups() for p in parts] == [(str(i), str(n)) for i in range(1, n + 1)]
    listed = [k for p in parts for k in re.findall(r"DB-2026-\d{3} ", p)]
    assert len(listed) == len(set(listed)) == 30  # each listed item whole, in one part (a digest lists 30)
    assert "另有 10 项" in parts[-1]


def test_phone_and_id_numbers_in_cells_are_masked(tmp_path, servers):
    tasks = [*TASKS[:1], Task("DB-2026-099", "上级交办", "回访群众13812345678，身份证110105199001011234", "党政办",
                              "王芳", "张建国", dt.date(2026, 10, 1), dt.date(2026, 11, 3), 0.5, "推进中")]
    config = configure(tmp_path / "office", tasks)
    assert cli(config, "digest").code == 0
    for kind, server in servers.items():
        text = text_of(kind, server.messages[-1])
        assert "138＊＊＊＊5678" in text and "110105＊＊＊＊＊＊＊＊1234" in text, kind  # not read as bold
        assert "13812345678" not in text and "110105199001011234" not in text, kind


def test_a_failed_post_is_retried_next_run_and_the_admin_told_when_it_keeps_failing(office, servers):
    wecom = servers["wecom"]
    wecom.fail_next(1, "invalid_key")
    res = cli(office, "digest")
    assert res.code == 1 and "企业微信群" in res.err and "webhook 地址无效" in res.err
    assert len(servers["dingtalk"].messages) == 1  # the others still went
    assert cli(office, "digest").code == 0 and len(wecom.messages) == 1  # retried once, next run
    wecom.fail_next(100, "rate_limited")  # from now on WeCom refuses: each run retries the day's post
    codes = [cli(office, "remind", today="2026-11-23").code for _ in range(3)]
    assert codes == [1, 1, 1]
    alerts = [m for m in outbox(office) if "机器人推送失败" in m["Subject"]]
    assert len(alerts) == 1 and alerts[0]["To"].addresses[0].addr_spec == "admin@example.gov.cn"
    body = alerts[0].get_body(("plain",)).get_content()
    assert "企业微信群" in body and "assistant robots test" in body and "T_WECOM" in body
    assert "key=" not in body  # the webhook's key is never written out


def test_an_unknown_outcome_is_not_posted_again_until_forced(office, servers):
    ding = servers["dingtalk"]
    ding.drop_next(1)
    res = cli(office, "digest")
    assert res.code == 1 and "结果不明" in res.err
    assert cli(office, "digest").code == 1 and not ding.messages  # not repeated by itself
    assert cli(office, "digest", "--force").code == 0 and len(ding.messages) == 1


def test_a_webhook_on_another_host_is_refused_before_anything_is_sent(office, servers, monkeypatch):
    monkeypatch.setenv("T_FEISHU", "https://hooks.example.net/open-apis/bot/v2/hook/secret-token-123")
    res = cli(office, "digest")
    assert res.code == 2 and "hooks.example.net" in res.err and "allowed_hosts" in res.err
    assert "secret-token-123" not in res.err + res.out
    assert not outbox(office) and not any(s.messages for s in servers.values())


def test_the_official_hosts_are_the_default(tmp_path, servers):
    config = configure(tmp_path / "office")
    config.write_text(config.read_text(encoding="utf-8").replace('[robots_policy]\nallowed_hosts = ["127.0.0.1"]', ""),
                      encoding="utf-8")
    res = cli(config, "digest")
    assert res.code == 2 and "qyapi.weixin.qq.com" in res.err  # 127.0.0.1 is not WeCom's host


def test_an_unset_variable_says_how_to_set_it(office, servers, monkeypatch):
    monkeypatch.delenv("T_WECOM")
    res = cli(office, "digest")
    assert res.code == 0 and "T_WECOM" in res.out and "export T_WECOM" in res.out and "setx T_WECOM" in res.out
    assert not servers["wecom"].messages and len(servers["feishu"].messages) == 1


def test_robots_test_shows_the_platforms_answer(office, servers, monkeypatch):
    res = run_cli("robots", "test", "钉钉群", "--config", office)
    assert res.code == 0 and "成功" in res.out and len(servers["dingtalk"].messages) == 1
    monkeypatch.setenv("T_DING_SECRET", "SECwrong")
    res = run_cli("robots", "test", "钉钉群", "--config", office)
    assert res.code == 1 and "加签" in res.err
    res = run_cli("robots", "test", "钉丁群", "--config", office)
    assert res.code == 2 and "钉钉群" in res.err  # did you mean
    listed = run_cli("robots", "list", "--config", office)
    assert listed.code == 0 and "T_FEISHU" in listed.out and "已设置" in listed.out


@pytest.mark.parametrize(("robot", "message"), [
    ('name = "群"\nkind = "wechat"\nwebhook_env = "X"', "wecom"),
    ('name = "群"\nkind = "wecom"\nwebhook_env = "X"\nsecret_env = "Y"', "secret_env"),
    ('name = "群"\nkind = "dingtalk"\nwebhook_env = "https://oapi.dingtalk.com/robot/send?access_token=abc"', "环境变量"),
    ('name = "群"\nkind = "feishu"\nwebhook_env = "X"\njobs = ["digets"]', "digest"),
    ('name = "群"\nkind = "feishu"\nwebhook_env = "X"\nscope = { "分官领导" = "李明" }', "分管领导"),
])
def test_a_wrong_robot_table_is_a_message_naming_it(tmp_path, robot, message):
    make_office(tmp_path / "office")
    config = tmp_path / "office" / "assistant.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"\n[[robots]]\n{robot}\n", encoding="utf-8")
    res = run_cli("check", "--config", config)
    assert res.code == 2 and "robots[0]" in res.err and message in res.err and "Traceback" not in res.err


def duty_sheet(config: Path, rows: list[list]) -> None:
    book = config.parent / "data" / WORKBOOK
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("值班表")
    ws.append(["日期", "值班人员", "带班领导", "值班电话"])
    for row in rows:
        ws.append(row)
    wb.save(book)


def test_the_duty_reminder_the_evening_before(office, servers):
    office.write_text(office.read_text(encoding="utf-8") + "\n[jobs.duty]\n", encoding="utf-8")
    duty_sheet(office, [[dt.datetime(2026, 11, 21), "王芳", "张建国", "025-57123456"],
                        [dt.datetime(2026, 11, 22), "赵磊", "李明", "025-57123456"]])
    res = run_cli("jobs", "run", "duty", "--config", office, "--today", "2026-11-20")
    assert res.code == 0, res.err + res.out
    mails = {m["To"].addresses[0].addr_spec: m for m in outbox(office)}
    assert set(mails) == {"user3@example.gov.cn", "user1@example.gov.cn"}  # 王芳 on duty, 张建国 in charge
    body = mails["user3@example.gov.cn"].get_body(("plain",)).get_content()
    assert "2026-11-21" in body and "星期六" in body and "025-57123456" in body and "赵磊" in body
    for kind, server in servers.items():
        text = text_of(kind, server.messages[-1])
        assert "王芳" in text and "025-57123456" in text and "赵磊" in text, kind


def test_no_one_on_duty_tomorrow_alerts_the_admin_and_the_director(office, servers):
    office.write_text(office.read_text(encoding="utf-8") + "\n[jobs.duty]\n", encoding="utf-8")
    duty_sheet(office, [[dt.datetime(2026, 11, 21), "王芳", "张建国", "025-57123456"]])
    res = run_cli("jobs", "run", "duty", "--config", office, "--today", "2026-11-21")  # the 22nd: nobody
    assert res.code == 1
    mails = {m["To"].addresses[0].addr_spec: m for m in outbox(office)}
    assert set(mails) == {"admin@example.gov.cn", "user2@example.gov.cn"}  # the admin and 李明, the director
    assert all("无人值班" in m["Subject"] and "2026-11-22" in m["Subject"] for m in mails.values())
    assert not any(s.messages for s in servers.values())  # an alert for them, not for the group


def test_the_demo_posts_to_a_robot_when_its_variable_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_ROBOT_WEBHOOK", raising=False)
    res = run_cli("demo", tmp_path / "demo1")
    assert res.code == 0 and "ASSISTANT_ROBOT_WEBHOOK" in res.out and "export ASSISTANT_ROBOT_WEBHOOK" in res.out
    with RobotServer("wecom") as server:
        monkeypatch.setenv("ASSISTANT_ROBOT_WEBHOOK", server.webhook)
        res = run_cli("demo", tmp_path / "demo2")
        assert res.code == 0, res.out + res.err
        assert server.messages and "督办" in text_of("wecom", server.messages[0])


def test_the_rate_limit_holds_across_overlapping_runs(tmp_path):
    """Two runs post to one WeCom robot (20 a minute) at the same time, each with its own ledger
    connection: 30 messages, none refused by the platform; the second minute waited for."""
    from assistant.config_robots import RobotConfig, RobotsPolicy
    from assistant.ledger import Ledger
    from assistant.robots.poster import Message, RobotPoster

    start = 1_800_000_000.0
    now = [start]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with RobotServer("wecom", clock=lambda: now[0]) as server, \
            Ledger(tmp_path / "ledger.sqlite") as one, Ledger(tmp_path / "ledger.sqlite") as two:
        robot = RobotConfig("群", "wecom", "W")
        posters = [RobotPoster([robot], RobotsPolicy(("127.0.0.1",)), ledger, env={"W": server.webhook},
                               clock=lambda: now[0], sleep=sleep) for ledger in (one, two)]
        for n in range(15):
            for i, poster in enumerate(posters):
                out = poster.post("remind", robot, f"run{i}-{n}", Message("提醒", [f"事项 {n}"]))
                assert out.status == "posted", out.message()
        assert len(server.messages) == 30
        assert not [r for r in server.requests if r.answer and r.answer.get("errcode")]
    assert 60 <= now[0] - start < 70


def test_the_bulletin_goes_to_the_groups_with_its_ranking(office, servers):
    assert cli(office, "flag").code in (0, 1)  # one cycle in the history
    res = cli(office, "report", "bulletin", "--mail", "--period", "2026-W47")
    assert res.code == 0, res.err + res.out
    posted = {kind: len(server.messages) for kind, server in servers.items()}
    assert posted["wecom"] > 1 and posted["dingtalk"] == posted["feishu"] == 1  # WeCom's 4096 bytes: in parts
    for kind, server in servers.items():
        text = "\n".join(text_of(kind, m) for m in server.messages)
        assert "督查督办事项办理情况的通报" in text and "排名" in text and "下步要求" in text, kind
        assert "DB-2026-001" in text and "党政办" in text, kind  # the overdue list, the units
    again = cli(office, "report", "bulletin", "--mail", "--period", "2026-W47")
    assert again.code == 0 and {k: len(s.messages) for k, s in servers.items()} == posted


def test_a_block_longer_than_a_whole_message_is_cut_at_a_line_with_an_ellipsis():
    from assistant.robots.split import split

    def size(s: str) -> int:
        return len(s.encode("utf-8"))

    lines = "\n".join(["第一行内容", "第二行内容", "长" * 40])
    parts = split("通报", ["开头", lines, "长" * 100, "结尾"], 60, size)
    assert [t for t, _ in parts] == ["通报（1/3）", "通报（2/3）", "通报（3/3）"]
    assert all(size(body) <= 60 for _, body in parts)
    assert parts[0][1] == "开头\n第一行内容\n第二行内容…"  # cut at a line end
    assert parts[1][1] == "长" * 19 + "…" and parts[2][1] == "结尾"  # one line alone: cut at a character
