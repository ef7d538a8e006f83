"""The sentences of the terminal (issue 15): previews and dry runs of the jobs that send, `run
--once`, `jobs list`, `flag`'s long lists and the demo's next steps, as (Chinese, English). The
help texts are in assistant/messages_help.py."""

CLI: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    # --- flag in a terminal ---
    "flag.more": ("……另有 {n} 项未列出（{parts}）；全部见 assistant flag --format json",
                  "… and {n} more not listed ({parts}); assistant flag --format json lists them all"),

    # --- demo ---
    "demo.next": ("接下来可以试试：", "Next, try:"),

    # --- run --once, jobs list ---
    "run.ran": ("已运行 {job}（计划于 {fire}）：{outcome}", "Ran {job} (due {fire}): {outcome}"),
    "run.nothing_due": ("现在没有到时的任务；下一次：{job}，{when}", "Nothing due now; next: {job} at {when}"),
    "run.nothing_scheduled": ("现在没有到时的任务，也没有排入日程的任务", "Nothing due now, and no job is scheduled"),
    "run.outcome.ok": ("正常", "ok"),
    "run.outcome.data_errors": ("数据有错误或有邮件未送达", "data errors, or a send failed"),
    "run.outcome.problem": ("出了问题（见上方或日志）", "a problem (see above or the log)"),
    "run.outcome.error": ("内部错误（见日志）", "an internal error (see the log)"),
    "run.outcome.skipped": ("跳过（非工作日）", "skipped (not a working day)"),

    # --- previews and dry runs (assistant/rehearsal.py) ---
    "plan.head": ("试运行（没有发送任何邮件，也没有记入发送记录）：将发送 {send} 封，将跳过 {skip} 封",
                  "Dry run (nothing was sent or recorded): {send} message(s) would be sent, {skip} skipped"),
    "plan.none": ("试运行：本次没有要发送的邮件", "Dry run: no message would be sent"),
    "plan.send": ("将发送", "Would send"),
    "plan.skip": ("将跳过", "Would skip"),
    "plan.fail": ("无法生成", "Cannot build"),
    "plan.post": ("将推送", "Would post"),
    "plan.unset": ("不会推送", "Would not post"),
    "plan.line": ("{action} {kind} → {name} <{email}>", "{action} {kind} → {name} <{email}>"),
    "plan.reason.new": ("（本期尚未发送）", " (not sent yet)"),
    "plan.reason.retry": ("（上次发送失败，将重试）", " (the last try failed: tried again)"),
    "plan.reason.force": ("（已发送过，--force 再发一次）", " (already sent; --force sends it again)"),
    "plan.reason.already_sent": ("（本期已发送过）", " (already sent this period)"),
    "plan.reason.in_flight": ("（上次发送结果不明，不会自动重发）", " (the last send's outcome is unknown: not repeated by itself)"),
    "plan.reason.maybe_sent": ("（上次发送结果不明，不会自动重发）", " (the last send's outcome is unknown: not repeated by itself)"),
    "plan.reason.blocked": ("（不在允许的邮件域名 allowed_domains 内）", " (outside allowed_domains)"),
    "plan.reason.no_address": ("（找不到邮箱：人员名册或 [[recipients]]）", " (no e-mail address: roster or [[recipients]])"),
    "plan.reason.build_failed": ("（生成邮件时出错）", " (building the message failed)"),
    "plan.error": ("  错误：{error}", "  error: {error}"),
    "plan.subject": ("  主题：{subject}", "  subject: {subject}"),
    "plan.items": ("  事项：{parts}", "  items: {parts}"),
    "plan.no_items": ("  事项：无", "  items: none"),
    "plan.attachments": ("  附件：{names}", "  attachment: {names}"),
    "plan.partly": ("  另有 {n} 项今天已提醒过，不再重复", "  {n} more item(s) already sent today: not repeated"),
    "plan.robot": ("{action} 机器人“{robot}”（{platform}）：{parts} 段", "{action} robot \"{robot}\" ({platform}): {parts} part(s)"),
    "plan.robot_part": ("  第 {n} 段：{title}", "  part {n}: {title}"),
    "plan.robot_part_skip": ("（本期已推送过）", " (already posted)"),
    "plan.robot_unset": ("  （环境变量 {env} 未设置）", "  (the variable {env} is not set)"),
    "plan.json_only_dry_run": ("--format json 只用于 --dry-run（列出将要发送的邮件）",
                               "--format json goes with --dry-run (the list of what would be sent)"),
    "plan.json_only_dry_run_hint": ("加上 --dry-run，或去掉 --format json", "add --dry-run, or leave out --format json"),
}
