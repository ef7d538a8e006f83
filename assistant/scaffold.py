"""`assistant init DIR`: the working folder an admin owns (docs/design.md §4)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from assistant.errors import UsageError
from assistant.i18n import tr
from assistant.resources import defaults
from assistant.sample import write_sample

CONFIG_TEMPLATE = """\
# {office}党政办 · office-assistant 配置文件
# 路径都相对于本文件所在的文件夹。密码等机密不要直接写在这里，用 {{ env = "变量名" }}。

[office]
name = "{office}党政办"
timezone = "Asia/Shanghai"
schemas = "sheets_schema"          # 台账格式（YAML），改完运行 assistant schema lint

[[workbooks]]                       # 每个乡镇或办公室一个工作簿，可以有多个
name = "{office}"
source = "data/{office}.xlsx"       # 或 "gsheets:<表格 key>"，或 Google 表格的完整网址
# registers = ["tasks", "roster"]   # 可选：这个工作簿里有哪些台账；不写则按工作表名自动识别
# credentials = {{ env = "GOOGLE_APPLICATION_CREDENTIALS" }}   # Google 表格：服务账号密钥文件（或其路径）
# api_url = "https://sheets-gw.example.gov.cn"                 # 经网关访问 Google 时（也可用环境变量 ASSISTANT_SHEETS_API_URL）

[mail]
transport = "file"                  # "file"：邮件写到 outbox/ 文件夹；"smtp"：真正发送
sender = "党政办 <dzb@example.gov.cn>"
allowed_domains = ["example.gov.cn"]
# host = "smtp.example.gov.cn"
# port = 465
# security = "ssl"                  # ssl | starttls | none
# user = "dzb@example.gov.cn"
# password = {{ env = "ASSISTANT_SMTP_PASSWORD" }}

[[recipients]]
name = "张书记"
email = "zhangjg@example.gov.cn"
scope = "all"

[[recipients]]
name = "李镇长"
email = "liming@example.gov.cn"
scope = {{ "分管领导" = "李明" }}

[jobs.digest]
cron = "30 8 * * mon"
workdays_only = true

[[robots]]                          # 群机器人：企业微信 wecom、钉钉 dingtalk、飞书 feishu
name = "督办工作群"
kind = "wecom"
webhook_env = "ASSISTANT_ROBOT_WEBHOOK"    # 机器人的 webhook 地址放在这个环境变量里，不写进本文件
jobs = ["digest", "remind", "report_bulletin"]
# secret_env = "ASSISTANT_ROBOT_SECRET"    # 钉钉、飞书开启“加签”时：密钥所在的环境变量
# scope = {{ "责任单位" = "党政办" }}        # 只推送这些事项（同收件人的 scope）

[robots_policy]                     # 机器人地址只能指向这些主机，防止数据被发往别处
allowed_hosts = ["qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "127.0.0.1"]   # 127.0.0.1：本机中转或测试
"""


def init_folder(folder: Path, *, force: bool = False, today: dt.date | None = None, office: str = "凤凰镇") -> list[Path]:
    """Create the working folder; refuses to overwrite files unless `force`. Returns what it wrote."""
    today = today or dt.date.today()
    folder = folder.absolute()
    schemas_src = defaults("sheets_schema")
    plan: dict[Path, object] = {folder / "assistant.toml": CONFIG_TEMPLATE.format(office=office)}
    for src in sorted(schemas_src.glob("*.yaml")):
        plan[folder / "sheets_schema" / src.name] = src
    sample = folder / "data" / f"{office}.xlsx"
    plan[sample] = None
    existing = [p for p in plan if p.exists()]
    if existing and not force:
        names = "、".join(str(p.relative_to(folder)) for p in existing)
        raise UsageError(tr("init.exists", folder=folder, files=names), hint=tr("init.exists_hint"))
    for sub in ("sheets_schema", "templates", "data", "outbox", ".assistant/backups", ".assistant/logs"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for target, content in plan.items():
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        elif isinstance(content, Path):
            shutil.copyfile(content, target)
    write_sample(sample, today, office)
    return list(plan)
