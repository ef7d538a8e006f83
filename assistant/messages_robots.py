"""The sentences of the group robots (assistant/robots/) and the duty reminder (jobs/duty.py), as
(Chinese, English)."""

ROBOTS: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    # --- what a run says about each robot ---
    "robot.outcome.posted": ("已推送{job}到机器人“{robot}”（{parts} 条）", "Posted {job} to robot \u201c{robot}\u201d ({parts} message(s))"),
    "robot.outcome.already_posted": ("机器人“{robot}”本期的{job}已推送过，未重复推送",
                                     "{job} was already posted to robot \u201c{robot}\u201d this period; not posted again"),
    "robot.outcome.failed": ("推送{job}到机器人“{robot}”失败：{error}（下次运行会重试）",
                             "Posting {job} to robot \u201c{robot}\u201d failed: {error} (retried next run)"),
    "robot.outcome.uncertain": ("推送{job}到机器人“{robot}”结果不明：{error}。为免重复不会自动重发；确认群里没有收到后用 --force 重发",
                                "Posting {job} to robot \u201c{robot}\u201d has an unknown outcome: {error}. Not repeated by "
                                "itself; if the group did not get it, rerun with --force"),
    "robot.outcome.unset": ("机器人“{robot}”未推送{job}：环境变量 {error} 未设置",
                            "Robot \u201c{robot}\u201d did not post {job}: the environment variable {error} is not set"),
    "robot.set_env": ("把机器人的 webhook 地址（或加签密钥）放进环境变量 {env}：Linux 运行 export {env}='地址'，"
                      "Windows 运行 setx {env} \"地址\" 后重新打开命令窗口；地址不要写进 assistant.toml",
                      "put the robot's webhook URL (or signing secret) in the environment variable {env}: on Linux "
                      "export {env}='URL', on Windows setx {env} \"URL\" and open a new command window; never write "
                      "it in assistant.toml"),
    "robot.env_missing": ("机器人“{robot}”的环境变量 {env} 未设置", "robot \u201c{robot}\u201d: the environment variable {env} is not set"),
    "robot.host_refused": ("机器人“{robot}”的地址（环境变量 {env}）指向 {host}，不在允许的主机之内（{allowed}），为防数据外发已拒绝",
                           "robot \u201c{robot}\u201d: its URL (environment variable {env}) points to {host}, which is not "
                           "an allowed host ({allowed}); refused so the office's data does not go elsewhere"),
    "robot.host_refused_hint": ("检查环境变量中的 webhook 地址；确需使用其他主机（如政务版部署），把它加入 [robots_policy] allowed_hosts",
                                "check the webhook URL in the environment variable; if another host is really meant (a "
                                "government deployment), add it to [robots_policy] allowed_hosts"),
    "robot.part_unknown": ("第 {part} 条的结果还不明（上次可能已推送），其后各条暂不推送",
                           "part {part}'s outcome is still unknown (it may have been posted), so the parts after it wait"),
    "robot.no_answer": ("请求已发出但没有收到回应（{detail}）", "the request went out but no answer came ({detail})"),
    "robot.unreachable": ("连不上机器人服务器（{detail}）", "cannot reach the robot's server ({detail})"),
    "robot.error.ok": ("成功", "ok"),
    "robot.error.rate_limited": ("发送太频繁，被平台限流（错误码 {code}：{detail}）", "sent too often: the platform's rate limit (code {code}: {detail})"),
    "robot.error.bad_signature": ("加签校验失败，检查加签密钥和本机时间（错误码 {code}：{detail}）",
                                  "the signature was refused: check the signing secret and this machine's clock (code {code}: {detail})"),
    "robot.error.invalid_key": ("webhook 地址无效或机器人已被移出群（错误码 {code}：{detail}）",
                                "the webhook URL is invalid or the robot was removed from the group (code {code}: {detail})"),
    "robot.error.too_long": ("消息超过平台长度限制（错误码 {code}：{detail}）", "the message is over the platform's length limit (code {code}: {detail})"),
    "robot.error.keyword": ("消息不含机器人安全设置中的关键词（错误码 {code}：{detail}）",
                            "the message lacks the keyword the robot's security settings require (code {code}: {detail})"),
    "robot.error.rejected": ("平台拒收（错误码 {code}：{detail}）", "refused by the platform (code {code}: {detail})"),
    "robot.error.http": ("平台返回 HTTP {code}：{detail}", "the platform answered HTTP {code}: {detail}"),
    "robot.test_title": ("office-assistant 测试消息", "office-assistant test message"),
    "robot.test_body": ("这是一条测试消息：机器人已接通，督办提醒和通报会推送到本群。", "A test message: the robot works; reminders and bulletins will be posted to this group."),
    "robots.test_ok": ("机器人“{robot}”（{kind}）已收到测试消息，平台答复：成功", "Robot \u201c{robot}\u201d ({kind}) took the test message: the platform answered ok"),
    "robots.test_failed": ("机器人“{robot}”（{kind}）测试失败：{error}", "Robot \u201c{robot}\u201d ({kind}) test failed: {error}"),
    "robots.unknown": ("没有名为“{name}”的机器人（[[robots]] 的 name）；已配置：{known}",
                       "no robot is named \u201c{name}\u201d (the name of a [[robots]]); configured: {known}"),
    "robots.none": ("assistant.toml 中没有配置机器人（[[robots]]）", "assistant.toml has no robots ([[robots]])"),
    "robots.list_line": ("{name}（{kind}）：任务 {jobs}；地址 {env}：{state}", "{name} ({kind}): jobs {jobs}; URL {env}: {state}"),
    "robots.env_set": ("已设置", "set"),
    "robots.env_unset": ("未设置", "not set"),

    # --- what the robots post ---
    "robot.item.days_over": ("逾期 {n} 个工作日", "{n} working days overdue"),
    "robot.item.due": ("时限 {due}", "due {due}"),
    "robot.more": ("……另有 {n} 项，详见台账", "… and {n} more, see the register"),
    "robot.digest.lead": ("截至 {date}，督办事项共 {total} 项：{counts}", "As of {date}, {total} tracked items: {counts}"),
    "robot.remind.title": ("【督办提醒】{office} {date}", "[Reminder] {office} {date}"),
    "robot.remind.lead": ("以下 {n} 项事项临近或已超过完成时限，请责任人及时办理并更新台账。",
                          "These {n} items are due soon or overdue; owners, please act and update the register."),
    "robot.remind.ask": ("请 {names} 尽快办理逾期事项。", "{names}: please deal with your overdue items."),
    "robot.failing.subject": ("【机器人推送失败】{office}：{robot}", "[Robot failing] {office}: {robot}"),
    "robot.failing.body": ("机器人“{robot}”（{kind}）推送{job}已连续失败 {attempts} 次，最近一次：{error}\n\n"
                           "请检查环境变量 {env} 中的 webhook 地址、加签密钥和机器人是否仍在群里，然后运行 "
                           "assistant robots test {robot} 测试。",
                           "Robot \u201c{robot}\u201d ({kind}) has failed to post {job} {attempts} times in a row; the "
                           "last time: {error}\n\nCheck the webhook URL in the environment variable {env}, the signing "
                           "secret and whether the robot is still in the group, then run assistant robots test {robot}."),
    "robot.mention_text": ("请以上逾期事项的责任人尽快办理。", "Owners of the overdue items above, please act now."),
    "robot.admin": ("管理员", "admin"),
    "kind.robot_failing": ("机器人失败通知", "robot failure notice"),

    # --- the duty reminder (jobs/duty.py) ---
    "kind.duty": ("值班提醒", "duty reminder"),
    "kind.duty_gap": ("无人值班警告", "no-one-on-duty alert"),
    "duty.admin": ("管理员", "admin"),
    "duty.subject": ("【值班提醒】{date}（{weekday}）由您值班", "[Duty] You are on duty on {date} ({weekday})"),
    "duty.body": ("{name}：您好！\n\n{workbook} 明天 {date}（{weekday}）的值班安排：值班人员 {person}，带班领导 {leader}，"
                  "值班电话 {phone}。\n后一天（交接班）值班人员：{next}。\n\n请按时到岗，保持值班电话畅通。\n\n{office}",
                  "Dear {name},\n\n{workbook}'s duty tomorrow, {date} ({weekday}): on duty {person}, leader in charge "
                  "{leader}, duty phone {phone}.\nOn duty the day after (handover): {next}.\n\nPlease be on time and "
                  "keep the duty phone reachable.\n\n{office}"),
    "duty_group.subject": ("【值班安排】{date}（{weekday}）", "[Duty] {date} ({weekday})"),
    "duty_group.body": ("值班人员：{person}\n带班领导：{leader}\n值班电话：{phone}\n后一天值班：{next}",
                        "On duty: {person}\nLeader in charge: {leader}\nDuty phone: {phone}\nOn duty the day after: {next}"),
    "duty_gap.subject": ("【无人值班】{workbook} {date}（{weekday}）还没有安排值班", "[No one on duty] {workbook} {date} ({weekday}) has no one on duty"),
    "duty_gap.body": ("{name}：您好！\n\n值班表中 {workbook} 明天 {date}（{weekday}）没有安排值班人员。请今天安排好并填入值班表。\n\n{office}",
                      "Dear {name},\n\nThe duty roster of {workbook} has no one on duty tomorrow, {date} ({weekday}). Please "
                      "arrange it today and enter it in the roster.\n\n{office}"),
    **{f"duty.weekday.{i}": (zh, en) for i, (zh, en) in enumerate(zip(
        ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))},
}
