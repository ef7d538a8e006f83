"""Loopback group-chat robots that answer like WeCom, DingTalk and Feishu webhooks, for tests.

    with RobotServer("dingtalk", secret="SEC…", clock=clock) as robot:
        requests.post(robot.webhook + "&timestamp=…&sign=…", data=…)
        robot.messages        # the decoded bodies the "group" received (accepted posts only)
        robot.requests        # every post: path, query, body, status, answer

Or the `robot_server` fixture: `robot_server("wecom")` is started now and stopped after the test.

Each server is a `ThreadingHTTPServer` on 127.0.0.1 (a free port) and checks a post the way its
platform documents it, with its OWN implementation of the checks (it imports nothing from
assistant.robots, so a client that is wrong fails here as it would on the platform):

    wecom      POST /cgi-bin/webhook/send?key=TOKEN; no signature. markdown.content at most 4096
               bytes, text.content at most 2048 (mentioned_list / mentioned_mobile_list: lists of
               strings); 20 messages a minute.
    dingtalk   POST /robot/send?access_token=TOKEN[&timestamp=MS&sign=URLENCODED]; with a secret
               the sign must be Base64(HmacSHA256(key=secret, timestamp + "\\n" + secret)) and
               the timestamp within one hour of `clock`. markdown (title and text) or text; the
               body at most 20000 bytes; 20 messages a minute.
    feishu     POST /open-apis/bot/v2/hook/TOKEN; with a secret the body's `timestamp` (seconds)
               and `sign` = Base64(HmacSHA256(key=timestamp + "\\n" + secret, empty message)),
               within one hour. interactive (a card whose elements each have a tag; a div's text
               is plain_text or lark_md) or text; the body at most 20000 bytes ("20 KB"); 100
               messages a minute and 5 a second.

`keywords=` (DingTalk, Feishu) is the "custom keywords" security setting: a message none of whose
strings holds one of them is refused. Rate limits count accepted messages over a sliding window
measured with `clock` (default time.time; pass a `Clock` to move time by hand).

Answers are the platforms' own bodies (fields and codes as documented or seen in public issue
threads; see assistant/robots/platforms.py for the sources): success {"errcode":0,"errmsg":"ok"} /
Feishu {"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}; errors with
their codes, HTTP 200 except Feishu's 9499 (HTTP 400). Message types our client never sends (WeCom
image/news/file/template_card, DingTalk link/actionCard/feedCard, Feishu post/image/share_chat) are
not modelled and are refused like an unknown type. Where the exact wording of an error is not
known (Feishu 11232, DingTalk's answer to an unknown msgtype) the text is modelled on the
platform's other messages; the code is the documented one.

Scripting: `fail_next(n, kind)` answers the next n posts with that kind's real error body
("rate_limited", "invalid_key", "bad_signature", "rejected", "too_long", "keyword"), whatever
they hold; `drop_next(n)` reads the next n posts and closes the connection without an answer (an
outcome the client cannot know); `drop_next(n, delivered=True)` also lets the message reach the
group first, the case where only the answer is lost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

HOST = "127.0.0.1"
KINDS = ("wecom", "dingtalk", "feishu")
TOKEN = "3f0c9d2e-robot-token"
HOUR = 3600.0
Result = tuple[int, dict, bool]  # HTTP status, answer body, accepted


class Clock:
    """A hand-moved clock for the servers' rate limits and signature windows."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Received:
    """One post as the server saw it."""

    path: str
    query: dict[str, str]
    body: Any  # the decoded JSON, or the raw text when it was not JSON
    status: int | None = None  # None: dropped without an answer
    answer: dict | None = None


# --- the platforms' answers ----------------------------------------------------------------------

def _wecom(code: int, message: str) -> dict:
    # WeCom appends a request hint and a link to its error-code lookup to every errmsg.
    return {"errcode": code, "errmsg": f"{message}, hint: [{uuid.uuid4().int % 10**25}], from ip: {HOST}, "
                                       f"more info at https://open.work.weixin.qq.com/devtool/query?e={code}"}


DINGTALK_SIGN = ("description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的网址中，"
                 "请确认机器人的密钥加密和填写正确;link:请参考本接口对应文档获得具体要求，或者在https://open.dingtalk.com/document/  搜索相关文档;")
DINGTALK_STALE = "invalid timestamp, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"
DINGTALK_KEYWORD = "错误描述:关键词不匹配;解决方案:请联系群管理员查看此机器人的关键词，并在发送的信息中包含此关键词;"


def _dingtalk_param(name: str) -> dict:
    return {"errcode": 400402, "errmsg": f"错误描述:参数 {name} 缺失，或者参数格式不正确; 解决方案:请填充上对应参数;"
                                         "参考链接:请参考本接口对应文档查看参数获取方式，或者在https://open.dingtalk.com/document/  搜索对应文档;"}


def _feishu(code: int, message: str) -> dict:
    return {"code": code, "data": {}, "msg": message}


SUCCESS = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
           "feishu": {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}}
FEISHU_BAD_REQUEST: Result = (400, _feishu(9499, "Bad Request"), False)

# fail_next(kind): each platform's own answer for that kind of failure.
SCRIPTED: dict[str, dict[str, Callable[[], Result]]] = {
    "wecom": {"rate_limited": lambda: (200, _wecom(45009, "api freq out of limit"), False),
              "invalid_key": lambda: (200, _wecom(93000, "invalid webhook url"), False),
              "rejected": lambda: (200, _wecom(44004, "Warning: wrong json format. empty content"), False),
              "too_long": lambda: (200, _wecom(40058, "markdown.content exceed max length 4096. "
                                                      "invalid Request Parameter"), False)},
    "dingtalk": {"rate_limited": lambda: (200, {"status": 1111, "wait": 5, "source": "x5", "punish": "deny",
                                                "uuid": uuid.uuid4().hex, "errcode": 130101,
                                                "errmsg": "send too fast, exceed 20 times per minute"}, False),
                 "invalid_key": lambda: (200, {"errcode": 300001, "errmsg": "token is not exist"}, False),
                 "bad_signature": lambda: (200, {"errcode": 310000, "errmsg": DINGTALK_SIGN}, False),
                 "keyword": lambda: (200, {"errcode": 310000, "errmsg": DINGTALK_KEYWORD}, False),
                 "rejected": lambda: (200, {"errcode": 40035, "errmsg": "缺少参数 json"}, False),
                 "too_long": lambda: (200, {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}, False)},
    "feishu": {"rate_limited": lambda: (200, _feishu(11232, "frequency limited"), False),
               "invalid_key": lambda: (200, _feishu(19001, "param invalid: incoming webhook access token invalid"), False),
               "bad_signature": lambda: (200, _feishu(19021, "sign match fail or timestamp is not within one hour "
                                                             "from current time"), False),
               "keyword": lambda: (200, _feishu(19024, "Key Words Not Found"), False),
               "rejected": lambda: FEISHU_BAD_REQUEST,
               "too_long": lambda: (200, _feishu(19036, "The message exceeds the size limit of 30KB"), False)},
}


# --- the checks ------------------------------------------------------------------------------------

def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _hmac_b64(key: str, message: str) -> str:
    return base64.b64encode(hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()).decode()


class RobotServer:
    """One robot of one platform on 127.0.0.1; a context manager (or `start()` / `stop()`)."""

    def __init__(self, kind: str, *, secret: str | None = None, token: str = TOKEN,
                 clock: Callable[[], float] = time.time, keywords: Sequence[str] = ()):
        if kind not in KINDS:
            raise ValueError(f"unknown robot kind {kind!r}: one of {', '.join(KINDS)}")
        if kind == "wecom" and (secret or keywords):
            raise ValueError("a WeCom robot has neither a signing secret nor keywords")
        self.kind, self.secret, self.token, self.clock, self.keywords = kind, secret, token, clock, tuple(keywords)
        self.messages: list[dict] = []
        self.requests: list[Received] = []
        self._accepted: deque[float] = deque()  # when each accepted message arrived, by `clock`
        self._failures: deque[str] = deque()
        self._drops: deque[bool] = deque()  # one per post to drop: delivered first or not
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # -- life --
    def start(self) -> RobotServer:
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                result = robot._receive(self.path, raw)
                if result is None:  # dropped: the request was read, no answer will ever come
                    return
                status, body = result
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer((HOST, 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name=f"robot-{self.kind}", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> RobotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def webhook(self) -> str:
        """The URL an admin would paste, with this server's host and port."""
        assert self._httpd is not None, "start the server first"
        base = f"http://{HOST}:{self._httpd.server_address[1]}"
        return {"wecom": f"{base}/cgi-bin/webhook/send?key={self.token}",
                "dingtalk": f"{base}/robot/send?access_token={self.token}",
                "feishu": f"{base}/open-apis/bot/v2/hook/{self.token}"}[self.kind]

    # -- scripting --
    def fail_next(self, n: int, kind: str) -> None:
        if kind not in SCRIPTED[self.kind]:
            raise ValueError(f"{self.kind} has no {kind!r} failure: one of {', '.join(SCRIPTED[self.kind])}")
        with self._lock:
            self._failures.extend([kind] * n)

    def drop_next(self, n: int, *, delivered: bool = False) -> None:
        with self._lock:
            self._drops.extend([delivered] * n)

    # -- one post --
    def _receive(self, target: str, raw: bytes) -> tuple[int, dict] | None:
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        try:
            body: Any = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        with self._lock:
            seen = Received(url.path, query, body if body is not None else raw.decode("utf-8", "replace"))
            self.requests.append(seen)
            if self._drops:
                if self._drops.popleft():
                    self.messages.append(body)
                return None
            if self._failures:
                status, answer, accepted = SCRIPTED[self.kind][self._failures.popleft()]()
            else:
                check = {"wecom": self._wecom, "dingtalk": self._dingtalk, "feishu": self._feishu}[self.kind]
                status, answer, accepted = check(url.path, query, raw, body)
            if accepted:
                self.messages.append(body)
                self._accepted.append(self.clock())
            seen.status, seen.answer = status, answer
            return status, answer

    def _too_fast(self, per_minute: int, per_second: int | None = None) -> bool:
        now = self.clock()
        while self._accepted and now - self._accepted[0] >= 60:
            self._accepted.popleft()
        last_second = sum(1 for t in self._accepted if now - t < 1)
        return len(self._accepted) >= per_minute or (per_second is not None and last_second >= per_second)

    def _keyword_missing(self, body: dict) -> bool:
        return bool(self.keywords) and not any(k in s for s in _strings(body) for k in self.keywords)

    def _wecom(self, path: str, query: dict[str, str], raw: bytes, body: Any) -> Result:
        if path != "/cgi-bin/webhook/send" or query.get("key") != self.token:
            return 200, _wecom(93000, "invalid webhook url"), False
        if not isinstance(body, dict):
            return 200, _wecom(44004, "Warning: wrong json format. empty content"), False
        if self._too_fast(20):
            return 200, _wecom(45009, "api freq out of limit"), False
        msgtype, limits = body.get("msgtype"), {"markdown": 4096, "text": 2048}
        if msgtype not in limits:
            return 200, _wecom(40008, "invalid message type"), False
        part = body.get(msgtype)
        content = part.get("content") if isinstance(part, dict) else None
        if not _text(content):
            return 200, _wecom(44004, "Warning: wrong json format. empty content"), False
        if len(content.encode("utf-8")) > limits[msgtype]:
            return 200, _wecom(40058, f"{msgtype}.content exceed max length {limits[msgtype]}. "
                                      "invalid Request Parameter"), False
        if msgtype == "text" and not all(_string_list(part.get(f, [])) for f in ("mentioned_list", "mentioned_mobile_list")):
            return 200, _wecom(40058, "invalid Request Parameter"), False
        return 200, SUCCESS["wecom"], True

    def _dingtalk(self, path: str, query: dict[str, str], raw: bytes, body: Any) -> Result:
        if path != "/robot/send" or query.get("access_token") != self.token:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}, False
        if self.secret is not None:
            stamp, sign = query.get("timestamp", ""), query.get("sign", "")  # the sign arrives URL-decoded
            if not stamp.isdigit() or abs(self.clock() * 1000 - int(stamp)) > HOUR * 1000:
                return 200, {"errcode": 310000, "errmsg": DINGTALK_STALE}, False
            if not hmac.compare_digest(sign, _hmac_b64(self.secret, f"{stamp}\n{self.secret}")):
                return 200, {"errcode": 310000, "errmsg": DINGTALK_SIGN}, False
        if len(raw) > 20000:
            return 200, {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}, False
        if not isinstance(body, dict):
            return 200, {"errcode": 40035, "errmsg": "缺少参数 json"}, False
        if self._keyword_missing(body):
            return 200, {"errcode": 310000, "errmsg": DINGTALK_KEYWORD}, False
        if self._too_fast(20):
            return 200, SCRIPTED["dingtalk"]["rate_limited"]()[1], False
        msgtype = body.get("msgtype")
        fields = {"markdown": ("title", "text"), "text": ("content",)}.get(str(msgtype))
        if fields is None:
            return 200, _dingtalk_param("msgtype"), False
        part = body.get(msgtype)
        for name in fields:
            if not (isinstance(part, dict) and _text(part.get(name))):
                return 200, _dingtalk_param(f"{msgtype} --》 {name}"), False
        at = body.get("at", {})
        if not (isinstance(at, dict) and _string_list(at.get("atMobiles", []))
                and isinstance(at.get("isAtAll", False), bool)):
            return 200, _dingtalk_param("at"), False
        return 200, SUCCESS["dingtalk"], True

    def _feishu(self, path: str, query: dict[str, str], raw: bytes, body: Any) -> Result:
        if path != f"/open-apis/bot/v2/hook/{self.token}":
            return SCRIPTED["feishu"]["invalid_key"]()
        if len(raw) > 20000 or not isinstance(body, dict):
            return FEISHU_BAD_REQUEST
        if self.secret is not None:
            stamp, sign = str(body.get("timestamp", "")), body.get("sign")
            expected = _hmac_b64(f"{stamp}\n{self.secret}", "")
            if (not stamp.isdigit() or abs(self.clock() - int(stamp)) > HOUR or not isinstance(sign, str)
                    or not hmac.compare_digest(sign, expected)):
                return SCRIPTED["feishu"]["bad_signature"]()
        if self._keyword_missing(body):
            return SCRIPTED["feishu"]["keyword"]()
        if self._too_fast(100, per_second=5):
            return SCRIPTED["feishu"]["rate_limited"]()
        msg_type = body.get("msg_type")
        if msg_type == "text":
            content = body.get("content")
            ok = isinstance(content, dict) and _text(content.get("text"))
        elif msg_type == "interactive":
            ok = _card(body.get("card"))
        else:
            ok = False
        return (200, SUCCESS["feishu"], True) if ok else FEISHU_BAD_REQUEST


def _card(card: Any) -> bool:
    """A legacy message card: optional header with a plain_text title, a list of tagged elements."""
    if isinstance(card, str):  # some clients send the card as a JSON string; the platform takes both
        try:
            card = json.loads(card)
        except ValueError:
            return False
    if not isinstance(card, dict):
        return False
    header = card.get("header", {})
    title = header.get("title") if isinstance(header, dict) else None
    if header and not (isinstance(title, dict) and title.get("tag") == "plain_text" and isinstance(title.get("content"), str)):
        return False
    elements = card.get("elements")
    if not (isinstance(elements, list) and elements and all(isinstance(e, dict) and _text(e.get("tag")) for e in elements)):
        return False
    for element in elements:
        if element["tag"] == "div":
            text = element.get("text")
            if not (isinstance(text, dict) and text.get("tag") in ("plain_text", "lark_md")
                    and isinstance(text.get("content"), str)):
                return False
    return True


@pytest.fixture
def robot_server() -> Iterator[Callable[..., RobotServer]]:
    """A factory: `robot_server("feishu", secret=…)` is started now and stopped after the test."""
    started: list[RobotServer] = []

    def make(kind: str, **options: Any) -> RobotServer:
        server = RobotServer(kind, **options).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
