"""The robot platforms (assistant/robots/platforms.py) against loopback robots that check posts as
WeCom, DingTalk and Feishu do (tests/robot_servers.py), over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import unquote

import pytest
import requests

from assistant.robots.platforms import PLATFORMS, Answer, Request, sign_dingtalk, sign_feishu
from tests.robot_servers import SCRIPTED, Clock, RobotServer

SECRET = "SECa1b2c3d4e5f6-test-secret"
TITLE = "督查督办逾期提醒"
MARKDOWN = "**城建办** 2 项逾期：\n- 背街小巷整治（逾期 3 个工作日）\n- 路灯维修（逾期 1 个工作日）"
MOBILES = ("13800000000", "13900000001")
SIGNED = ("dingtalk", "feishu")
Server = Callable[..., RobotServer]


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never a proxy: these posts go to 127.0.0.1
        yield session


def send(http: requests.Session, kind: str, request: Request) -> Answer:
    """What the lead's poster does: post the bytes, hand the answer back to the platform."""
    response = http.post(request.url, data=request.data, timeout=5,
                         headers={"Content-Type": "application/json; charset=utf-8"})
    return PLATFORMS[kind].answer(response.status_code, response.text)


def deliver(http: requests.Session, kind: str, webhook: str, secret: str | None, now: float, *,
            title: str = TITLE, markdown: str = MARKDOWN, mobiles: Sequence[str] = (),
            mention_text: str = "") -> list[Answer]:
    posts = PLATFORMS[kind].requests(webhook, secret, title, markdown, mobiles, now, mention_text=mention_text)
    return [send(http, kind, post) for post in posts]


def kinds(answers: list[Answer]) -> list[str]:
    return [a.kind for a in answers]


# --- signatures: the documents give no worked example, so the expected values were computed once
# by each document's own Python sample with these fixed inputs (the sample's `time.time()` replaced
# by the timestamp) and pasted here.

def test_dingtalk_sign_matches_the_documents_python_sample() -> None:
    # DingTalk 自定义机器人安全设置 / 加签, "签名计算代码示例(Python)", secret = 'this is secret' as in
    # the sample; 1700000000001 chosen because its signature holds "+" and "/" (URL-encoding matters).
    assert sign_dingtalk("this is secret", 1700000000000) == "sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0%3D"
    assert sign_dingtalk("this is secret", 1700000000001) == "aOZ0Y%2FR7BCg4xs87AcG5MYf26YmwfVRTLD0z3X%2Bp%2FmM%3D"


def test_feishu_sign_matches_the_documents_python_sample() -> None:
    # Feishu 自定义机器人使用指南 / 签名校验, the Python gen_sign(timestamp, secret) sample; 1599360473 is
    # the document's example timestamp, "你的密钥" its placeholder secret (non-ASCII: UTF-8 matters).
    assert sign_feishu("你的密钥", 1599360473) == "LGQ8uyis9+PUlaQz4PLURvxr+NWlGF+dpzH2lNT3ISQ="
    assert sign_feishu("this is secret", 1700000000) == "OfGzRzoUICBOoc8wVra1e4A1hPfbZ9zqXozA8CWVUuY="


# --- accepted messages -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_an_unsigned_message_is_accepted_as_the_group_would_show_it(robot_server: Server, http: requests.Session,
                                                                      kind: str) -> None:
    robot = robot_server(kind)
    answers = deliver(http, kind, robot.webhook, None, 1_700_000_000.0)
    assert kinds(answers) == ["ok"] and answers[0].ok and answers[0].code == 0
    [received] = robot.messages
    shown = json.dumps(received, ensure_ascii=False)
    assert TITLE in shown and "背街小巷整治（逾期 3 个工作日）" in shown


@pytest.mark.parametrize("kind", SIGNED)
def test_a_signed_message_is_accepted(robot_server: Server, http: requests.Session, kind: str) -> None:
    clock = Clock()
    robot = robot_server(kind, secret=SECRET, clock=clock)
    assert kinds(deliver(http, kind, robot.webhook, SECRET, clock.now)) == ["ok"]
    assert len(robot.messages) == 1
    where = robot.requests[0].query if kind == "dingtalk" else robot.requests[0].body
    assert {"timestamp", "sign"} <= set(where)


@pytest.mark.parametrize("kind, code", [("dingtalk", 310000), ("feishu", 19021)])
def test_a_wrong_secret_is_refused_with_the_sign_error(robot_server: Server, http: requests.Session, kind: str,
                                                       code: int) -> None:
    clock = Clock()
    robot = robot_server(kind, secret=SECRET, clock=clock)
    [answer] = deliver(http, kind, robot.webhook, "SECnot-the-right-one", clock.now)
    assert (answer.ok, answer.kind, answer.code) == (False, "bad_signature", code)
    assert robot.messages == []


@pytest.mark.parametrize("kind", SIGNED)
def test_a_signature_older_than_an_hour_or_missing_is_refused(robot_server: Server, http: requests.Session,
                                                              kind: str) -> None:
    clock = Clock()
    robot = robot_server(kind, secret=SECRET, clock=clock)
    assert kinds(deliver(http, kind, robot.webhook, SECRET, clock.now - 3590)) == ["ok"]
    assert kinds(deliver(http, kind, robot.webhook, SECRET, clock.now - 3610)) == ["bad_signature"]
    assert kinds(deliver(http, kind, robot.webhook, None, clock.now)) == ["bad_signature"]
    assert len(robot.messages) == 1


def test_wecom_takes_no_secret() -> None:
    with pytest.raises(ValueError, match="not signed"):
        PLATFORMS["wecom"].requests("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "SECx", TITLE,
                                    MARKDOWN, (), 1_700_000_000.0)


@pytest.mark.parametrize("kind, code", [("wecom", 93000), ("dingtalk", 300001), ("feishu", 19001)])
def test_a_wrong_token_is_an_invalid_key(robot_server: Server, http: requests.Session, kind: str, code: int) -> None:
    robot = robot_server(kind, token="the-right-token")
    wrong = robot.webhook.replace("the-right-token", "a-removed-robot")
    [answer] = deliver(http, kind, wrong, None, 1_700_000_000.0)
    assert (answer.kind, answer.code) == ("invalid_key", code)
    assert robot.messages == []


# --- size and rate ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, refused", [("wecom", ("too_long", 40058)), ("dingtalk", ("too_long", 460101)),
                                           ("feishu", ("rejected", 9499))])
def test_size_counts_exactly_what_the_platform_limits(robot_server: Server, http: requests.Session, kind: str,
                                                      refused: tuple[str, int]) -> None:
    platform, clock = PLATFORMS[kind], Clock()
    secret = SECRET if kind in SIGNED else None
    robot = robot_server(kind, secret=secret, clock=clock)
    mobiles = MOBILES if kind == "dingtalk" else ()  # DingTalk's body carries them: they count
    fill = platform.limit - platform.size(MARKDOWN, TITLE, mobiles)
    at_limit = MARKDOWN + "x" * fill
    assert platform.size(at_limit, TITLE, mobiles) == platform.limit
    assert kinds(deliver(http, kind, robot.webhook, secret, clock.now, markdown=at_limit, mobiles=mobiles))[0] == "ok"
    [answer] = deliver(http, kind, robot.webhook, secret, clock.now, markdown=at_limit + "x", mobiles=mobiles)
    assert (answer.kind, answer.code) == refused
    assert len(robot.messages) == 1


@pytest.mark.parametrize("kind, code", [("wecom", 45009), ("dingtalk", 130101)])
def test_the_21st_message_within_a_minute_is_rate_limited(robot_server: Server, http: requests.Session, kind: str,
                                                          code: int) -> None:
    clock = Clock()
    robot = robot_server(kind, clock=clock)
    assert PLATFORMS[kind].per_minute == 20
    for _ in range(20):
        assert kinds(deliver(http, kind, robot.webhook, None, clock.now)) == ["ok"]
        clock.advance(2)
    answer = deliver(http, kind, robot.webhook, None, clock.now)[0]  # 40 s after the first
    assert (answer.kind, answer.code) == ("rate_limited", code)
    clock.advance(20)  # the first message is now a minute old: one place is free again
    assert kinds(deliver(http, kind, robot.webhook, None, clock.now)) == ["ok"]
    assert kinds(deliver(http, kind, robot.webhook, None, clock.now)) == ["rate_limited"]
    assert len(robot.messages) == 21


def test_feishu_allows_five_a_second_and_a_hundred_a_minute(robot_server: Server, http: requests.Session) -> None:
    clock = Clock()
    robot = robot_server("feishu", clock=clock)
    assert (PLATFORMS["feishu"].per_second, PLATFORMS["feishu"].per_minute) == (5, 100)
    for _ in range(5):
        assert kinds(deliver(http, "feishu", robot.webhook, None, clock.now)) == ["ok"]
    answer = deliver(http, "feishu", robot.webhook, None, clock.now)[0]
    assert (answer.kind, answer.code) == ("rate_limited", 11232)
    clock.advance(1)
    for _ in range(95):  # four a second: never five within one second
        assert kinds(deliver(http, "feishu", robot.webhook, None, clock.now)) == ["ok"]
        clock.advance(0.25)
    assert kinds(deliver(http, "feishu", robot.webhook, None, clock.now)) == ["rate_limited"]  # the 101st in 25 s
    clock.advance(60)
    assert kinds(deliver(http, "feishu", robot.webhook, None, clock.now)) == ["ok"]


# --- mentions --------------------------------------------------------------------------------

def test_dingtalk_mentions_carry_at_mobiles_and_the_at_in_the_text(robot_server: Server,
                                                                   http: requests.Session) -> None:
    robot = robot_server("dingtalk")
    assert kinds(deliver(http, "dingtalk", robot.webhook, None, 1_700_000_000.0, mobiles=MOBILES)) == ["ok"]
    [message] = robot.messages
    assert message["at"]["atMobiles"] == list(MOBILES)
    assert message["markdown"]["title"] == TITLE
    assert message["markdown"]["text"].startswith(MARKDOWN)
    assert "@13800000000" in message["markdown"]["text"] and "@13900000001" in message["markdown"]["text"]


def test_wecom_mentions_come_as_a_second_text_request(robot_server: Server, http: requests.Session) -> None:
    robot = robot_server("wecom")
    assert kinds(deliver(http, "wecom", robot.webhook, None, 1_700_000_000.0, mobiles=MOBILES)) == ["ok", "ok"]
    markdown, mention = robot.messages
    assert markdown == {"msgtype": "markdown", "markdown": {"content": f"**{TITLE}**\n{MARKDOWN}"}}
    assert mention == {"msgtype": "text", "text": {"content": TITLE, "mentioned_mobile_list": list(MOBILES)}}
    deliver(http, "wecom", robot.webhook, None, 1_700_000_000.0, mobiles=MOBILES[:1], mention_text="请及时办理")
    assert robot.messages[-1]["text"] == {"content": "请及时办理", "mentioned_mobile_list": ["13800000000"]}
    assert kinds(deliver(http, "wecom", robot.webhook, None, 1_700_000_000.0)) == ["ok"]  # no mobiles, no text post


def test_feishu_sends_one_card_and_ignores_mobiles(robot_server: Server, http: requests.Session) -> None:
    robot = robot_server("feishu")
    assert kinds(deliver(http, "feishu", robot.webhook, None, 1_700_000_000.0, mobiles=MOBILES)) == ["ok"]
    [message] = robot.messages
    assert message == {"msg_type": "interactive",
                       "card": {"header": {"title": {"tag": "plain_text", "content": TITLE}},
                                "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": MARKDOWN}}]}}
    assert PLATFORMS["feishu"].mentions_by_mobile is False


def test_the_body_is_posted_as_utf8_not_escaped() -> None:
    [post] = PLATFORMS["dingtalk"].requests("https://oapi.dingtalk.com/robot/send?access_token=t", None, TITLE,
                                            MARKDOWN, (), 0.0)
    assert TITLE.encode("utf-8") in post.data and b"\\u" not in post.data
    assert json.loads(post.data) == post.body
    assert len(post.data) == PLATFORMS["dingtalk"].size(MARKDOWN, TITLE)


# --- answers ---------------------------------------------------------------------------------

DOCUMENTED = [
    ("wecom", 200, {"errcode": 0, "errmsg": "ok"}, "ok"),
    ("wecom", 200, {"errcode": 45009, "errmsg": "api freq out of limit, hint: [1], from ip: 1.2.3.4"}, "rate_limited"),
    ("wecom", 200, {"errcode": 45033, "errmsg": "接口并发调用超过限制"}, "rate_limited"),
    ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1]"}, "invalid_key"),
    ("wecom", 200, {"errcode": 93004, "errmsg": "机器人被停用"}, "invalid_key"),
    ("wecom", 200, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096. invalid Request Parameter"},
     "too_long"),
    ("wecom", 200, {"errcode": 40058, "errmsg": "invalid Request Parameter"}, "rejected"),
    ("wecom", 200, {"errcode": 45002, "errmsg": "消息内容大小超过限制"}, "too_long"),
    ("wecom", 200, {"errcode": 44004, "errmsg": "Warning: wrong json format. empty content"}, "rejected"),
    ("wecom", 200, {"errcode": 40008, "errmsg": "invalid message type"}, "rejected"),
    ("dingtalk", 200, {"errcode": 0, "errmsg": "ok"}, "ok"),
    ("dingtalk", 200, {"status": 1111, "wait": 5, "errcode": 130101,
                       "errmsg": "send too fast, exceed 20 times per minute"}, "rate_limited"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"},
     "bad_signature"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳"},
     "bad_signature"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "invalid timestamp, more: [https://ding-doc.dingtalk.com/doc]"},
     "bad_signature"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "keywords not in content, more: [https://ding-doc.dingtalk.com/doc]"},
     "keyword"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "错误描述:关键词不匹配;解决方案:请联系群管理员查看此机器人的关键词"}, "keyword"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "ip 1.2.3.4 not in whitelist"}, "rejected"),
    ("dingtalk", 200, {"errcode": 300001, "errmsg": "token is not exist"}, "invalid_key"),
    ("dingtalk", 200, {"errcode": 300005, "errmsg": "token is not exist"}, "invalid_key"),
    ("dingtalk", 200, {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}, "too_long"),
    ("dingtalk", 200, {"errcode": 400402, "errmsg": "错误描述:参数 markdown --》 title 缺失"}, "rejected"),
    ("dingtalk", 200, {"errcode": 40035, "errmsg": "缺少参数 json"}, "rejected"),
    ("feishu", 200, {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}, "ok"),
    ("feishu", 200, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"}, "ok"),
    ("feishu", 200, {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour from current time"},
     "bad_signature"),
    ("feishu", 200, {"code": 19024, "msg": "Key Words Not Found"}, "keyword"),
    ("feishu", 200, {"code": 19022, "msg": "Ip Not Allowed"}, "rejected"),
    ("feishu", 400, {"code": 9499, "data": {}, "msg": "Bad Request"}, "rejected"),
    ("feishu", 400, {"code": 9499, "data": {}, "msg": "too many request"}, "rate_limited"),
    ("feishu", 200, {"code": 11232, "data": {}, "msg": "frequency limited"}, "rate_limited"),
    ("feishu", 429, {"code": 99991400, "msg": "request trigger frequency limit"}, "rate_limited"),
    ("feishu", 200, {"code": 19001, "data": {}, "msg": "param invalid: incoming webhook access token invalid"},
     "invalid_key"),
    ("feishu", 200, {"code": 19036, "msg": "The message exceeds the size limit of 30KB"}, "too_long"),
    ("feishu", 200, {"code": 230001, "msg": "something new"}, "rejected"),
]


@pytest.mark.parametrize("kind, status, body, expected", DOCUMENTED)
def test_each_documented_answer_is_classified(kind: str, status: int, body: dict, expected: str) -> None:
    answer = PLATFORMS[kind].answer(status, json.dumps(body, ensure_ascii=False))
    code = body.get("errcode", body.get("code", body.get("StatusCode")))
    message = body.get("errmsg", body.get("msg", body.get("StatusMessage")))
    assert answer == Answer(expected == "ok", expected, code, message)


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_an_answer_without_json_is_an_http_failure(kind: str) -> None:
    platform = PLATFORMS[kind]
    assert platform.answer(502, "<html><body>502 Bad Gateway</body></html>") == \
        Answer(False, "http", 502, "<html><body>502 Bad Gateway</body></html>")
    assert platform.answer(404, "") == Answer(False, "http", 404, "")
    assert platform.answer(200, "ok") == Answer(False, "http", 200, "ok")
    assert platform.answer(500, '{"error": "internal"}') == Answer(False, "http", 500, '{"error": "internal"}')
    assert platform.answer(200, "{}").kind == "rejected"


def test_the_detail_is_at_most_300_characters() -> None:
    answer = PLATFORMS["wecom"].answer(200, json.dumps({"errcode": 40058, "errmsg": "参数" * 400}))
    assert answer.kind == "rejected" and len(answer.detail) == 300


# --- the servers' scripting ------------------------------------------------------------------

@pytest.mark.parametrize("kind, failure", [(k, f) for k in SCRIPTED for f in SCRIPTED[k]])
def test_fail_next_answers_with_the_platforms_error_then_recovers(robot_server: Server, http: requests.Session,
                                                                  kind: str, failure: str) -> None:
    robot = robot_server(kind)
    robot.fail_next(2, failure)
    assert kinds(deliver(http, kind, robot.webhook, None, 1_700_000_000.0)) == [failure]
    assert kinds(deliver(http, kind, robot.webhook, None, 1_700_000_000.0)) == [failure]
    assert kinds(deliver(http, kind, robot.webhook, None, 1_700_000_000.0)) == ["ok"]
    assert len(robot.messages) == 1 and len(robot.requests) == 3


def test_wecom_has_no_signature_to_fail() -> None:
    with pytest.raises(ValueError, match="bad_signature"):
        RobotServer("wecom").fail_next(1, "bad_signature")
    with pytest.raises(ValueError, match="secret"):
        RobotServer("wecom", secret=SECRET)


@pytest.mark.parametrize("delivered", [False, True])
def test_drop_next_closes_the_connection_without_an_answer(robot_server: Server, http: requests.Session,
                                                           delivered: bool) -> None:
    robot = robot_server("dingtalk")
    robot.drop_next(1, delivered=delivered)
    [post] = PLATFORMS["dingtalk"].requests(robot.webhook, None, TITLE, MARKDOWN, (), 1_700_000_000.0)
    with pytest.raises(requests.ConnectionError):
        send(http, "dingtalk", post)
    assert robot.requests[0].status is None and robot.requests[0].body == post.body
    assert robot.messages == ([post.body] if delivered else [])
    assert kinds(deliver(http, "dingtalk", robot.webhook, None, 1_700_000_000.0)) == ["ok"]


# --- a wrong client fails as it would on the platform -----------------------------------------

def test_dingtalk_refuses_a_sign_that_is_not_url_encoded(robot_server: Server, http: requests.Session) -> None:
    clock = Clock(1_700_000_000.006)  # timestamp 1700000000006: its Base64 signature holds a "+"
    robot = robot_server("dingtalk", secret=SECRET, clock=clock)
    [post] = PLATFORMS["dingtalk"].requests(robot.webhook, SECRET, TITLE, MARKDOWN, (), clock.now)
    stamp = post.url.split("timestamp=")[1].split("&")[0]
    raw_sign = unquote(sign_dingtalk(SECRET, int(stamp)))
    assert "+" in raw_sign  # unencoded, the platform reads it as a space
    unencoded = Request(f"{robot.webhook}&timestamp={stamp}&sign={raw_sign}", post.body)
    assert send(http, "dingtalk", unencoded).kind == "bad_signature"
    assert send(http, "dingtalk", post).kind == "ok"


def test_feishu_refuses_a_millisecond_timestamp(robot_server: Server, http: requests.Session) -> None:
    clock = Clock()
    robot = robot_server("feishu", secret=SECRET, clock=clock)
    stamp = int(clock.now * 1000)  # DingTalk's unit used for Feishu
    body = {"timestamp": str(stamp), "sign": sign_feishu(SECRET, stamp), **PLATFORMS["feishu"].requests(
        robot.webhook, None, TITLE, MARKDOWN, (), clock.now)[0].body}
    assert send(http, "feishu", Request(robot.webhook, body)).kind == "bad_signature"


@pytest.mark.parametrize("kind, body, code", [
    ("wecom", {"msgtype": "markdown", "markdown": {"title": TITLE, "text": MARKDOWN}}, 44004),  # DingTalk's shape
    ("wecom", {"msgtype": "image", "image": {"base64": "", "md5": ""}}, 40008),
    ("wecom", {"msgtype": "text", "text": {"content": TITLE, "mentioned_mobile_list": "13800000000"}}, 40058),
    ("dingtalk", {"msgtype": "markdown", "markdown": {"text": MARKDOWN}}, 400402),  # no title
    ("dingtalk", {"msgtype": "markdown", "markdown": {"title": TITLE, "text": MARKDOWN}, "at": {"atMobiles": "138"}},
     400402),
    ("dingtalk", {"msgtype": "card", "card": {}}, 400402),
    ("feishu", {"msg_type": "interactive", "content": {"text": MARKDOWN}}, 9499),  # the card under "content"
    ("feishu", {"msg_type": "interactive", "card": {"elements": [{"tag": "div", "text": {"tag": "markdown",
                                                                                          "content": MARKDOWN}}]}}, 9499),
    ("feishu", {"msg_type": "markdown", "content": {"text": MARKDOWN}}, 9499),
])
def test_a_message_of_the_wrong_shape_is_rejected(robot_server: Server, http: requests.Session, kind: str,
                                                  body: dict, code: int) -> None:
    robot = robot_server(kind)
    answer = send(http, kind, Request(robot.webhook, body))
    assert (answer.kind, answer.code) == ("rejected", code)
    assert robot.messages == []


@pytest.mark.parametrize("kind, code", [("dingtalk", 310000), ("feishu", 19024)])
def test_a_message_without_a_keyword_is_refused(robot_server: Server, http: requests.Session, kind: str,
                                                code: int) -> None:
    robot = robot_server(kind, keywords=("值班",))
    [answer] = deliver(http, kind, robot.webhook, None, 1_700_000_000.0)
    assert (answer.kind, answer.code) == ("keyword", code)
    assert kinds(deliver(http, kind, robot.webhook, None, 1_700_000_000.0, title="值班提醒")) == ["ok"]
