"""Every sentence a person reads, as (Chinese, English). Keys are stable; wording may improve.

One dict per area, all assembled into CATALOG at the end of this file (and nowhere else). Every
entry is a str.format template — `tr` always formats it — so a literal brace is written doubled:
"{{ env = \"NAME\" }}" shows as { env = "NAME" }.
"""

from __future__ import annotations

from assistant.messages_gsheets import GSHEETS

Catalog = dict[str, tuple[str, str]]


def assemble(*parts: Catalog) -> Catalog:
    """The areas as one catalog; a key defined in two areas is a mistake, not an override."""
    out: Catalog = {}
    for part in parts:
        if twice := out.keys() & part.keys():
            raise ValueError(f"message keys defined twice: {sorted(twice)}")
        out.update(part)
    return out


# --- cell findings ---
_FINDINGS: Catalog = {
    "check.invalid_date": ("{column}{value}不是有效日期", "{column} {value} is not a valid date"),
    "check.invalid_datetime": ("{column}{value}不是有效的日期时间", "{column} {value} is not a valid date and time"),
    "check.invalid_integer": ("{column}{value}不是整数，请填阿拉伯数字，如 {example}",
                              "{column} {value} is not a whole number; write digits such as {example}"),
    "check.invalid_number": ("{column}{value}不是数字，请填阿拉伯数字，如 {example}",
                             "{column} {value} is not a number; write digits such as {example}"),
    "check.invalid_percent": ("{column}{value}不是百分比，请填如 35% 或 35",
                              "{column} {value} is not a percentage; write 35% or 35"),
    "check.invalid_boolean": ("{column}{value}应填“是”或“否”", "{column} {value} should be 是 (yes) or 否 (no)"),
    "check.invalid_phone": ("{column}{value}不是11位手机号码", "{column} {value} is not an 11-digit mobile number"),
    "check.invalid_email": ("{column}{value}不是有效的邮箱地址", "{column} {value} is not a valid e-mail address"),
    "check.invalid_id_card": ("{column}{value}不是18位身份证号码", "{column} {value} is not an 18-character ID number"),
    "check.id_card_checksum": ("{column}{value}校验位不对或出生日期无效，请核对",
                               "{column} {value} fails the check digit or birth date; please verify it"),
    "check.id_card_as_number": ("{column}{value}被存成了数字，末几位已丢失；请把单元格设为文本后重新录入",
                                "{column} {value} was stored as a number and lost its last digits; set the cell to text and type it again"),
    "check.invalid_string": ("{column}{value}无法识别", "{column} {value} cannot be read"),
    "check.missing_value": ("{column}未填写", "{column} is empty"),
    "check.missing_column": ("工作表“{sheet}”缺少“{column}”列，相关检查已跳过",
                             "sheet \"{sheet}\" has no column \"{column}\"; its checks were skipped"),
    "check.duplicate_value": ("{column}{value}与第{row}行重复", "{column} {value} repeats row {row}"),
    "check.not_in_enum": ("{column}{value}不在可选值中（{choices}）", "{column} {value} is not one of: {choices}"),
    "check.pattern_mismatch": ("{column}{value}格式不对，应如：{example}", "{column} {value} has the wrong form; expected: {example}"),
    "check.below_minimum": ("{column}{value}小于下限 {bound}", "{column} {value} is below the minimum {bound}"),
    "check.above_maximum": ("{column}{value}大于上限 {bound}", "{column} {value} is above the maximum {bound}"),
    "check.too_short": ("{column}{value}太短（{length}个字，至少{bound}个）",
                        "{column} {value} is too short ({length} characters, at least {bound})"),
    "check.too_long": ("{column}太长（{length}个字，最多{bound}个）", "{column} is too long ({length} characters, at most {bound})"),
    "check.unknown_reference": ("{column}{value}在{register}的“{field}”列中找不到",
                                "{column} {value} is not found in {register}'s \"{field}\""),
    "check.compare_failed": ("{left}（{lv}）应{op}{right}（{rv}）", "{left} ({lv}) should be {op} {right} ({rv})"),
    "check.required_if": ("{when}时，必须填写{field}", "{field} is required when {when}"),
    "check.empty_unless": ("{field}只有在{when}时才填写，请核对", "{field} should be empty unless {when}"),
    "check.duplicate_combination": ("{fields}组合{value}与第{row}行重复", "{fields} combination {value} repeats row {row}"),
    "check.sequence_repeat": ("{field}{value}与第{row}行重号", "{field} {value} repeats the number in row {row}"),
    "check.sequence_gap": ("{field}{value}之前缺号：{missing}", "{field} {value}: numbers missing before it: {missing}"),
    "check.overlap": ("{key}{value}在 {start} 至 {end} 的登记与第{row}行时间重叠",
                      "{key} {value}: {start} to {end} overlaps row {row}"),
    "check.coverage_gap": ("{field}缺少 {date} 的记录", "{field}: no row for {date}"),
    "check.not_monotonic": ("{field}{value}小于此前记录（第{row}行）的 {prev}，应只增不减",
                            "{field} {value} is less than the earlier {prev} (row {row}); it should only grow"),
    "check.not_increasing": ("{field}{value}没有大于此前记录（第{row}行）的 {prev}，应逐条增加",
                             "{field} {value} is not greater than the earlier {prev} (row {row}); it should increase"),
    "check.quota_shortfall": ("{unit} {period}只有 {n} 条，至少应有 {min} 条",
                              "{unit}: {n} rows in {period}, at least {min} expected"),
    "op.date.<": ("早于", "before"), "op.date.<=": ("不晚于", "on or before"),
    "op.date.>": ("晚于", "after"), "op.date.>=": ("不早于", "on or after"),
    "op.date.==": ("等于", "equal to"), "op.date.!=": ("不同于", "different from"),
    "op.number.<": ("小于", "less than"), "op.number.<=": ("不大于", "at most"),
    "op.number.>": ("大于", "greater than"), "op.number.>=": ("不小于", "at least"),
    "op.number.==": ("等于", "equal to"), "op.number.!=": ("不等于", "different from"),
    "period.week": ("{start} 那一周", "the week of {start}"),
    "period.month": ("{y}年{m}月", "{y}-{m:02d}"),
    "period.quarter": ("{y}年第{q}季度", "{y} Q{q}"),
    "period.year": ("{y}年", "{y}"),
    "word.today": ("今天", "today"),
    "word.and": ("且", " and "),
    "word.is": ("为", " is "),
    "word.list_sep": ("、", ", "),
    "word.etc": ("等{n}个", " ({n} in all)"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
}

# --- check report ---
_REPORT: Catalog = {
    "report.notice": ("提示：", "Note: "),
    "report.sheet_head": ("{workbook} · {sheet}（{register}，{rows} 行）", "{workbook} · {sheet} ({register}, {rows} rows)"),
    "report.colon": ("：", ": "),
    "report.clean": ("没有发现问题", "no problems found"),
    "report.counts": ("{error} 个错误，{warning} 个警告", "{error} errors, {warning} warnings"),
    "report.col.cell": ("单元格", "Cell"),
    "report.col.key": ("编号", "Key"),
    "report.col.column": ("列", "Column"),
    "report.col.severity": ("级别", "Severity"),
    "report.col.message": ("说明", "Message"),
    "report.total": ("合计：{error} 个错误，{warning} 个警告。", "Total: {error} errors, {warning} warnings."),
    "report.all_clean": ("全部台账检查通过。", "All registers passed."),
}

# --- flag and write-back ---
_FLAG: Catalog = {
    "flag.col.status": ("状态", "Status"), "flag.col.days": ("剩余工作日", "Working days"),
    "flag.col.key": ("编号", "Key"), "flag.col.row": ("行", "Row"), "flag.col.due": ("完成时限", "Due"),
    "flag.col.owner": ("责任人", "Owner"), "flag.col.leader": ("分管领导", "Leader"), "flag.col.where": ("台账", "Register"),
    "flag.summary": ("共跟踪 {n} 项：{parts}", "{n} items tracked: {parts}"),
    "flag.findings": ("另有校验问题：{error} 个错误，{warning} 个警告（见 assistant check）",
                      "Validation: {error} errors, {warning} warnings (see assistant check)"),
    "flag.written": ("已写回 {location}：{cells} 个单元格", "Written back to {location}: {cells} cells"),
    "flag.backup": ("，写入前的内容备份在 .assistant/backups/{path}", "; what was there before is backed up in .assistant/backups/{path}"),
    "flag.dry_run": ("（试运行：没有写入任何文件）", "(dry run: no file was written)"),
    "write.locked": ("{path} 正被打开（发现锁文件 {lock}），这次没有写入，数据未改动",
                     "{path} is open (lock file {lock}); nothing was written and the file is untouched"),
    "write.locked_hint": ("请关闭 Excel/WPS/LibreOffice 中的这个文件，下次运行时会自动写入",
                          "close it in Excel/WPS/LibreOffice; the next run writes it"),
    "write.stale": ("{path} 在读取后被修改了", "{path} changed after it was read"),
    "write.gave_up_written": ("{workbook} 在写入时一直被改动或出错（已重试 {attempts} 次，最后一次：{detail}）；助手的列可能还没有完全更新，下次运行会更正，其他单元格没有改动",
                              "{workbook} kept changing or failing while we wrote ({attempts} attempts; the last: {detail}); the assistant's columns may not be fully updated until the next run, no other cell was changed"),
    "write.gave_up": ("{workbook} 一直在被修改（已重试 {attempts} 次），这次没有写入，数据未改动",
                      "{workbook} kept changing ({attempts} attempts); nothing was written and the file is untouched"),
    "write.layout": ("工作表的结构不常见（如行或单元格没有编号），无法安全地写回",
                     "the worksheet is laid out unusually (rows or cells without numbers) and cannot be written safely"),
    "write.layout_hint": ("用 Excel 或 WPS 打开这个文件并保存一次，下次运行即可写回",
                          "open the file in Excel or WPS and save it once; the next run can write it"),
    "write.unpatchable": ("无法写回 {path}：{detail}；文件未改动", "cannot write back to {path}: {detail}; the file is untouched"),
}

# --- digests and reminders ---
_DIGEST: Catalog = {
    "digest.subject": ("【督办周报】{office} {date}", "[Supervision weekly] {office} {date}"),
    "digest.greeting": ("{name}：您好！", "Dear {name},"),
    "digest.lead": ("截至 {date}，您关注的督办事项共 {total} 项，情况如下。", "As of {date}, {total} tracked items in your scope:"),
    "digest.overdue_head": ("逾期事项（{n} 项，逾期最久的在前）", "Overdue ({n}, most overdue first)"),
    "digest.due_soon_head": ("临期事项（{n} 项）", "Due soon ({n})"),
    "digest.behind_head": ("进度滞后（{n} 项，低于序时进度）", "Behind pace ({n}, below expected progress)"),
    "digest.all_well": ("本期没有逾期、临期或滞后的事项。", "Nothing is overdue, due soon or behind pace."),
    "digest.units_head": ("各责任单位情况", "By unit"),
    "digest.errors_head": ("台账填报问题", "Data-entry problems in the registers"),
    "digest.attachment_note": ("逾期事项清单见附件（Excel）。", "The overdue items are attached as an Excel file."),
    "digest.footer": ("本邮件由 {office} 督办助手自动生成，请勿直接回复。", "Sent automatically by the {office} assistant; please do not reply."),
    "digest.more": ("另有 {n} 项未列出。", "{n} more not listed."),
    "digest.more_attached": ("另有 {n} 项未列出，完整清单见附件。", "{n} more not listed; the attachment has them all."),
    "digest.no_unit": ("（未填单位）", "(no unit)"),
    "digest.attachment_sheet": ("逾期事项", "Overdue"),
    "digest.attachment_name": ("逾期事项-{office}-{date}.xlsx", "overdue-{office}-{date}.xlsx"),
    # plain-text lines: the punctuation differs by language, so whole lines are messages
    "digest.count": ("{label} {n}", "{n} {label}"),
    "digest.text_item": ("{key} {content}（{unit}，责任人：{owner}，分管领导：{leader}）完成时限 {due}，{days}",
                         "{key} {content} ({unit}; owner: {owner}, leader: {leader}) due {due}, {days}"),
    "digest.text_unit": ("{unit}：{total}（{parts}）", "{unit}: {total} ({parts})"),
    "digest.text_errors": ("{workbook} · {register}：{error} 个错误，{warning} 个警告",
                           "{workbook} · {register}: {error} errors, {warning} warnings"),
    "digest.text_days_late": ("逾期 {n} 个工作日", "{n} working days overdue"),
    "digest.text_days_left": ("剩余 {n} 个工作日", "{n} working days left"),
    "digest.col.workbook": ("工作簿", "Workbook"), "digest.col.register": ("台账", "Register"),
    "digest.col.key": ("编号", "Key"), "digest.col.content": ("事项", "Item"), "digest.col.unit": ("责任单位", "Unit"),
    "digest.col.owner": ("责任人", "Owner"), "digest.col.leader": ("分管领导", "Leader"),
    "digest.col.due": ("完成时限", "Due"), "digest.col.days": ("剩余工作日", "Working days left"),
    "digest.col.days_late": ("逾期工作日", "Working days overdue"), "digest.col.status": ("状态", "Status"),
    "digest.col.bar": ("构成", "Breakdown"), "digest.col.total": ("合计", "Total"),
    "digest.col.overdue": ("逾期", "Overdue"), "digest.col.errors": ("错误", "Errors"), "digest.col.warnings": ("警告", "Warnings"),
    "remind.subject": ("【督办提醒】{office} {date}：{n} 项事项临近或超过时限", "[Reminder] {office} {date}: {n} items due or overdue"),
    "escalate.subject": ("【逾期督办】{office} {date}：{n} 项事项已逾期", "[Escalation] {office} {date}: {n} items overdue"),
    "remind.greeting": ("{name}：您好！", "Dear {name},"),
    "remind.lead": ("您负责的以下 {n} 项事项临近或已超过完成时限：", "These {n} items you are responsible for are due soon or overdue:"),
    "remind.escalate_lead": ("您分管的以下 {n} 项事项逾期已超过规定的工作日数，请督促办理：",
                             "These {n} items in your area are overdue beyond the allowed working days; please follow up:"),
    "remind.ask": ("请及时办理，并在台账中更新进度和办理状态。", "Please act on them and update the progress and status in the register."),
    "send.sent": ("已发送 {kind} 给 {name} <{email}>", "Sent {kind} to {name} <{email}>"),
    "send.written": ("已写入发件箱 {kind}：{name} <{email}>", "Written to the outbox {kind}: {name} <{email}>"),
    "send.already": ("{name} 本期的{kind}已发送过，跳过（需要重发请加 --force）", "{kind} for {name} was already sent this period; skipped (--force resends)"),
    "send.in_flight": ("{name} 的{kind}上次发送时中断，结果不明，为免重复没有再发（确认后可加 --force）",
                       "{kind} for {name} was interrupted last time and may have gone out; not resent (use --force after checking)"),
    "send.failed": ("发送给 {name} <{email}> 的{kind}失败：{error}（下次运行会重试）", "{kind} to {name} <{email}> failed: {error} (retried next run)"),
    "send.blocked": ("{name} <{email}> 不在允许的邮件域名（allowed_domains）内，没有发送", "{name} <{email}> is outside allowed_domains; not sent"),
    "send.no_address": ("找不到 {name} 的邮箱（人员名册或 [[recipients]]），{kind}没有发送", "no e-mail address for {name} (roster or [[recipients]]); {kind} not sent"),
    "send.preview": ("预览已写入 {path}", "Preview written to {path}"),
    "send.dry_run": ("（试运行：没有发送任何邮件）", "(dry run: no mail was sent)"),
    "send.nothing": ("今天没有需要提醒的事项。", "Nothing to remind anyone of today."),
    "kind.digest": ("督办周报", "digest"), "kind.remind": ("督办提醒", "reminder"), "kind.escalate": ("逾期督办", "escalation"),
    "kind.alert": ("出错通知", "failure alert"),
}

# --- scheduler ---
_SCHEDULER: Catalog = {
    "run.bad_catch_up": ("[jobs.{job}] catch_up = \"{value}\" 应写成如 \"12h\"、\"30m\"、\"2d\"", "[jobs.{job}] catch_up = \"{value}\" should look like \"12h\", \"30m\" or \"2d\""),
    "run.unknown_job": ("没有名为“{name}”的任务（有：{known}）", "no job named \"{name}\" (known: {known})"),
    "run.unknown_option": ("作业 {job} 不接受选项 {options}（可用：{known}）", "job {job} takes no option {options} (it takes: {known})"),
    "run.disabled": ("任务 {name} 在配置中被停用（enabled = false）", "job {name} is disabled in the config (enabled = false)"),
    "run.already": ("{folder} 已有一个 assistant run 在运行（进程 {pid}），这个没有启动", "an assistant run is already running for {folder} (process {pid}); this one did not start"),
    "run.already_hint": ("同一个文件夹只能运行一个调度器；如需重启，先停止原来的进程", "one scheduler per folder: stop the other process first to restart"),
    "run.alert_subject": ("【督办助手】{office} 的任务 {job} 运行出错", "[Assistant] job {job} of {office} failed"),
    "jobs.next": ("下次：", "next: "),
}

# --- command line ---
_CLI: Catalog = {
    "cli.error": ("错误：", "Error: "),
    "cli.hint": ("提示：", "Hint: "),
    "cli.bad_today": ("日期“{value}”应写成 YYYY-MM-DD，如 2026-11-20", "date \"{value}\" should be YYYY-MM-DD, e.g. 2026-11-20"),
    "cli.internal_error": ("内部错误：程序出现了意外问题。设置环境变量 ASSISTANT_DEBUG=1 后重试可看到详细信息，请反馈给管理员。",
                           "Internal error: something unexpected went wrong. Set ASSISTANT_DEBUG=1 and retry to see details, and report it."),
    "cli.schema_errors": ("台账格式（schema）有 {n} 处问题：", "The register schemas have {n} problem(s):"),
    "init.done": ("已创建工作文件夹 {folder}\n配置文件：{config}\n下一步：assistant check --config {config}",
                  "Created the working folder {folder}\nConfig: {config}\nNext: assistant check --config {config}"),
    "init.exists": ("{folder} 里已有这些文件：{files}，未做任何修改", "{folder} already has: {files}; nothing was changed"),
    "init.exists_hint": ("确需覆盖请加 --force（会覆盖上述文件）", "add --force to overwrite those files"),
    "lint.ok": ("{n} 个文件检查通过：{registers}", "{n} file(s) passed: {registers}"),
    "demo.created": ("已创建演示文件夹 {folder}", "Created the demo folder {folder}"),
    "demo.check_head": ("—— 校验结果（assistant check）——", "—— Check results (assistant check) ——"),
    "demo.flag_head": ("—— 时限预警与写回（assistant flag）——", "—— Deadlines and write-back (assistant flag) ——"),
    "demo.digest_head": ("—— 督办周报（assistant digest，写入发件箱）——", "—— Digests (assistant digest, into the outbox) ——"),
    "demo.where": ("打开 {workbook} 看看写回的预警状态、剩余工作日和校验提示；领导收到的周报在 {outbox}（.eml 文件，可用邮件程序打开）；配置在 {config}。样例里的错误是故意留的，用来演示。",
                   "Open {workbook} to see the statuses, working days left and hints written back; the leaders' digests are in {outbox} (.eml files, open them in a mail program); the config is {config}. The sample's mistakes are deliberate."),
    "hint.did_you_mean": ("（是不是“{name}”？）", " (did you mean \"{name}\"?)"),
}

# --- config ---
_CONFIG: Catalog = {
    "config.not_found": ("找不到配置文件 {path}", "config file {path} not found"),
    "config.not_found_hint": ("用 --config 指定，或设置 ASSISTANT_CONFIG；新建可运行 assistant init 文件夹名",
                              "pass --config, set ASSISTANT_CONFIG, or create one with: assistant init FOLDER"),
    "config.not_utf8": ("配置文件 {path} 不是 UTF-8 编码，请用 UTF-8 保存", "config file {path} is not UTF-8; save it as UTF-8"),
    "config.syntax": ("配置文件 {path} 格式有误：{detail}", "config file {path} is not valid TOML: {detail}"),
    "config.problem": ("配置文件 {path} 的 {key}：{message}", "config file {path}, key {key}: {message}"),
    "config.unknown_key": ("不认识这个键（可用：{allowed}）", "unknown key (allowed: {allowed})"),
    "config.required": ("必须填写", "is required"),
    "config.expected": ("应为{expected}", "expected {expected}"),
    "config.expected_got": ("应为{expected}，实际是 {got}", "expected {expected}, got {got}"),
    "config.one_of": ("应为以下之一：{choices}", "must be one of: {choices}"),
    "config.bad_timezone": ("不是有效的时区名，如 Asia/Shanghai", "not a valid time zone name such as Asia/Shanghai"),
    "config.bad_email": ("不是有效的邮箱地址", "not a valid e-mail address"),
    "config.secret_form": ("机密只能写成 {{ env = \"变量名\" }}，不能直接写在文件里",
                           "secrets must be written as {{ env = \"NAME\" }}, never literally"),
    "config.scope_form": ("scope 应为 \"all\" 或 {{ \"字段\" = \"值\" }}", "scope must be \"all\" or {{ \"field\" = \"value\" }}"),
    "config.calendar_form": ("应为 \"YYYY-MM-DD\" = \"说明\" 的形式", "expected entries of the form \"YYYY-MM-DD\" = \"note\""),
    "config.calendar_bad_date": ("不是有效日期，应写成 YYYY-MM-DD，如 \"2027-02-08\"",
                                 "not a valid date; write YYYY-MM-DD such as \"2027-02-08\""),
    "config.calendar_both": ("这一天同时写在了 holidays 和 workdays 里，请只保留一处",
                             "this day is listed under both holidays and workdays; keep only one"),
    "config.calendar_file_missing": ("找不到节假日文件 {path}（路径相对于配置文件）",
                                     "calendar file {path} not found (the path is relative to the config file)"),
    "config.duplicate_workbook": ("工作簿名“{name}”重复", "workbook name \"{name}\" is used twice"),
    "config.no_workbooks": ("至少要有一个 [[workbooks]]", "at least one [[workbooks]] entry is needed"),
    "type.text": ("文字", "text"), "type.integer": ("整数", "an integer"), "type.true/false": ("true 或 false", "true or false"),
    "type.number": ("数字", "a number"), "type.list": ("列表", "a list"), "type.table": ("表（{{ … }}）", "a table ({{ … }})"),
    "type.list_of_text": ("文字列表", "a list of text"), "type.nonneg_integer": ("非负整数", "a whole number ≥ 0"),
    "type.date_or_today": ("日期（如 2026-01-01）或 today", "a date (such as 2026-01-01) or today"),
    "type.positive_integer": ("正整数", "a whole number ≥ 1"), "type.value": ("一个值（文字、数字或日期）", "a value (text, number or date)"),
}

# --- calendar and deadlines ---
_DEADLINES: Catalog = {
    "calendar.estimated": ("{years} 年的放假和调休安排尚未收录，其工作日为估算（{basis}）。"
                           "安排公布后，请在 assistant.toml 的 [calendar] 中填写 holidays 和 workdays"
                           "（或用 file = \"calendar.toml\" 指定一个文件）",
                           "the official holiday and swapped-working-day schedule for {years} is not known yet, so "
                           "its working days are estimated ({basis}). Once it is published, list the days "
                           "under holidays and workdays in the [calendar] section of assistant.toml "
                           "(or point file = \"calendar.toml\" at a file)"),
    "calendar.basis.holidays": ("按法定节日推算，未含调休上班日", "statutory holidays only, no swapped working days"),
    "calendar.basis.weekends": ("只按周一至周五计算", "Monday to Friday only"),
    "deadline.status.overdue": ("逾期", "overdue"),
    "deadline.status.due_soon": ("临期", "due soon"),
    "deadline.status.on_track": ("正常", "on track"),
    "deadline.status.behind_pace": ("滞后", "behind pace"),
    "deadline.status.done": ("已办结", "done"),
    "deadline.status.done_late": ("逾期办结", "done late"),
    "deadline.status.invalid": ("待核实", "to verify"),
}

# --- schema ---
_SCHEMA: Catalog = {
    "schema.yaml_syntax": ("YAML 格式错误：{detail}", "YAML syntax error: {detail}"),
    "schema.empty_file": ("文件是空的", "the file is empty"),
    "schema.unreadable": ("无法读取：{detail}", "cannot be read: {detail}"),
    "schema.not_mapping": ("顶层应是键值对（register: …, fields: …）", "the top level must be a mapping (register: …, fields: …)"),
    "schema.register_id": ("register 必须是小写英文标识，如 tasks", "register must be a lowercase ASCII id such as tasks"),
    "schema.unknown_key": ("不认识这个键（可用：{allowed}）", "unknown key (allowed: {allowed})"),
    "schema.duplicate_key": ("这个键写了两次", "this key appears twice"),
    "schema.fields_required": ("fields 必须是非空列表", "fields must be a non-empty list"),
    "schema.field_needs_name": ("每个字段都要有 name（表头文字）", "every field needs a name (its header text)"),
    "schema.duplicate_field": ("字段“{name}”与 fields[{other}] 重名", "field \"{name}\" duplicates fields[{other}]"),
    "schema.unknown_type": ("不认识的类型（可用：{types}）", "unknown type (known: {types})"),
    "schema.option_not_for_type": ("{option} 不适用于 {type} 类型", "{option} does not apply to type {type}"),
    "schema.rule_needs_kind": ("每条规则都要有 kind（可用：{kinds}）", "every rule needs a kind (known: {kinds})"),
    "schema.unknown_kind": ("不认识的规则类型（可用：{kinds}）", "unknown rule kind (known: {kinds})"),
    "schema.option_required": ("{kind} 必须有 {option}", "{kind} needs {option}"),
    "schema.unknown_field": ("没有名为“{name}”的字段", "no field named \"{name}\""),
    "schema.unknown_field_in": ("{register} 里没有名为“{name}”的字段", "{register} has no field named \"{name}\""),
    "schema.unknown_register": ("没有名为“{name}”的台账", "no register named \"{name}\""),
    "schema.expected": ("应为{what}", "expected {what}"),
    "schema.expected_field_name": ("应为字段名", "expected a field name"),
    "schema.expected_field_list": ("应为字段名列表，如 [姓名, 单位]", "expected a list of field names such as [姓名, 单位]"),
    "schema.expected_when": ("应为 {{ 字段: 值 }} 或 {{ 字段: [值1, 值2] }}", "expected {{ field: value }} or {{ field: [value1, value2] }}"),
    "schema.bad_op": ("op 应为 {ops} 之一", "op must be one of {ops}"),
    "schema.bad_regex": ("正则表达式有误：{detail}", "invalid regular expression: {detail}"),
    "schema.right_or_value": ("compare 需要 right（另一个字段）或 value（固定值）二者之一",
                              "compare needs exactly one of right (another field) or value (a constant)"),
    "schema.compare_kinds": ("left 和 right 的类型不同，无法比较", "left and right have different types and cannot be compared"),
    "schema.reference_form": ("应为 {{ register: 台账, field: 字段 }}", "expected {{ register: id, field: name }}"),
    "schema.needs_date_field": ("“{name}”应是日期字段", "\"{name}\" must be a date field"),
    "schema.needs_number_field": ("“{name}”应是数字或百分比字段", "\"{name}\" must be a number or percent field"),
    "schema.output_is_field": ("“{name}”是录入列，不能作为助手写入的列", "\"{name}\" is a data column and cannot be an output column"),
    "schema.outputs_need_key": ("写回列（outputs）需要先设定 key：写回时按 key 找到每一行",
                                "outputs need a key: write-back finds each row by its key"),
    "schema.duplicate_register": ("与 {other} 的 register 重复", "same register id as {other}"),
    "schema.no_schemas": ("{folder} 里没有台账格式文件（*.yaml）", "no register schemas (*.yaml) in {folder}"),
}

# --- office and sources ---
_SOURCES: Catalog = {
    "office.unknown_register": ("没有名为“{name}”的台账（已有：{known}）", "no register named \"{name}\" (known: {known})"),
    "office.register_not_held": ("没有哪个工作簿包含台账 {register}（工作表“{sheet}”），已跳过",
                                 "no workbook holds register {register} (sheet \"{sheet}\"); skipped"),
    "source.file_missing": ("找不到工作簿 {path}", "workbook {path} not found"),
    "source.file_missing_hint": ("检查 assistant.toml 里 [[workbooks]] 的 source 路径（相对于配置文件）",
                                 "check the source path in [[workbooks]] of assistant.toml (relative to the config file)"),
    "source.is_folder": ("这是一个文件夹", "it is a folder"),
    "source.not_zip": ("文件已损坏，或不是真正的 xlsx", "the file is damaged or not a real xlsx"),
    "source.not_workbook": ("{path} 不是可读取的工作簿：{detail}", "{path} is not a readable workbook: {detail}"),
    "source.not_workbook_hint": ("用 Excel 或 WPS 打开后另存为 .xlsx 再试", "open it in Excel or WPS, save as .xlsx and retry"),
    "source.password": ("{path} 设置了打开密码，无法读取", "{path} is password-protected and cannot be read"),
    "source.password_hint": ("请在 Excel/WPS 中取消打开密码（文件 → 信息 → 保护工作簿）",
                             "remove the open password in Excel/WPS (File → Info → Protect Workbook)"),
    "source.sheet_missing": ("工作簿 {workbook} 里没有工作表“{sheet}”（现有：{sheets}）",
                             "workbook {workbook} has no sheet \"{sheet}\" (it has: {sheets})"),
    "source.sheet_missing_hint": ("把工作表改回这个名字，或修改台账格式里的 sheet", "rename the sheet back, or change sheet: in the schema"),
    "source.sheet_unreadable": ("{path} 的工作表“{sheet}”无法读取：{detail}", "sheet \"{sheet}\" of {path} cannot be read: {detail}"),
    "source.nothing": ("（无）", "(none)"),
    "source.no_header": ("工作表“{sheet}”前30行里找不到表头（应包含 {fields} 等列）",
                         "sheet \"{sheet}\": no header row in the first 30 rows (expected columns such as {fields})"),
    "source.no_header_hint": ("确认列标题与台账格式里的字段名一致", "make sure the column headers match the field names of the schema"),
    "source.header_beyond": ("工作表“{sheet}”只有 {rows} 行，header_row: {row} 超出范围",
                             "sheet \"{sheet}\" has only {rows} rows; header_row: {row} is beyond it"),
    "source.duplicate_header": ("工作表“{sheet}”第{row}行：“{name}”出现了两次（{first}列和{second}列）",
                                "sheet \"{sheet}\" row {row}: \"{name}\" appears twice (columns {first} and {second})"),
    "source.duplicate_header_hint": ("删掉或改名其中一列", "delete or rename one of the two columns"),
    "source.missing_columns": ("工作表“{sheet}”缺少必填列：{names}（第{row}行的表头是：{found}）",
                               "sheet \"{sheet}\" lacks required columns: {names} (headers in row {row}: {found})"),
    "source.missing_columns_hint": ("补上这些列，或在台账格式里用 aliases 写上现在的列名",
                                    "add these columns, or list the current header under aliases in the schema"),
}

# --- ledger (assistant/ledger.py) ---
_LEDGER: Catalog = {
    "ledger.unreadable": ("运行记录库 {path} 无法使用：{detail}", "the ledger {path} cannot be used: {detail}"),
    "ledger.locked": ("运行记录库 {path} 被另一个进程占用，等待 {seconds} 秒后放弃",
                      "the ledger {path} is held by another process; gave up after {seconds} s"),
    "ledger.locked_hint": ("稍后再试；如果一直如此，检查是否有卡住的 assistant 进程",
                           "try again later; if it persists, look for a stuck assistant process"),
    "ledger.corrupt": ("运行记录库 {path} 已损坏，或不是 assistant 的记录文件",
                       "the ledger {path} is damaged or is not an assistant ledger"),
    "ledger.corrupt_hint": ("可把该文件改名留存后重新运行，将新建空的记录库；但以前的发送记录随之丢失，本期邮件可能重发",
                            "rename the file to keep it and run again to start an empty ledger; past sends are then "
                            "forgotten and this period's mail may go out again"),
    "ledger.too_new": ("运行记录库 {path} 由更新版本的 assistant 创建（格式版本 {found}，本版本最高支持 {supported}），请升级",
                       "the ledger {path} was written by a newer assistant (format {found}; this version reads up to "
                       "{supported}); please upgrade"),
}

# --- mail delivery (assistant/delivery/mail.py) ---
_DELIVERY: Catalog = {
    "mail.bad_address": ("邮件地址“{address}”无效", "\"{address}\" is not a valid e-mail address"),
    "mail.no_recipients": ("这封邮件没有收件人", "the message has no recipients"),
    "mail.bad_transport": ("[mail] transport 应为 file 或 smtp，实际是 {value}", "[mail] transport must be file or smtp, got {value}"),
    "mail.bad_security": ("[mail] security 应为 ssl、starttls 或 none，实际是 {value}",
                          "[mail] security must be ssl, starttls or none, got {value}"),
    "mail.no_host": ("[mail] 设置了 transport = \"smtp\"，但没有填写 host（邮件服务器地址）",
                     "[mail] has transport = \"smtp\" but no host (the mail server)"),
    "mail.no_host_hint": ("在 assistant.toml 的 [mail] 中填写 host、port 和 security，如 host = \"smtp.example.gov.cn\"",
                          "set host, port and security in [mail] of assistant.toml, e.g. host = \"smtp.example.gov.cn\""),
    "mail.password_not_configured": ("[mail] 设置了登录用户 {user}，但没有设置 password", "[mail] sets the login user {user} but no password"),
    "mail.password_not_configured_hint": ("在 [mail] 中加入 password = {{ env = \"ASSISTANT_SMTP_PASSWORD\" }} 并设置这个环境变量；服务器不需要登录时删掉 user",
                                          "add password = {{ env = \"ASSISTANT_SMTP_PASSWORD\" }} to [mail] and set that environment variable; "
                                          "remove user if the server needs no login"),
    "mail.password_missing": ("邮箱密码应放在环境变量 {env} 里，但这个环境变量没有设置（或为空）",
                              "the mail password should be in the environment variable {env}, which is not set (or is empty)"),
    "mail.password_missing_hint": ("设置环境变量 {env} 后再运行（邮箱要求时用“客户端授权码”）；密码不要写进配置文件",
                                   "set {env} and run again (use the mailbox's app password if it requires one); never put the password in the config file"),
    "mail.ca_file_bad": ("无法读取证书文件 {path}：{detail}", "cannot read the CA file {path}: {detail}"),
    "mail.ca_file_bad_hint": ("检查 [mail] ca_file 的路径，文件应是 PEM 格式的 CA 证书", "check the path in [mail] ca_file; it should be a CA certificate in PEM form"),
    "mail.refused": ("邮件服务器 {server} 拒绝连接", "the mail server {server} refused the connection"),
    "mail.refused_hint": ("检查 [mail] 的 host 和 port 是否正确、邮件服务器是否在运行、防火墙是否放行这个端口",
                          "check host and port in [mail], that the server is running, and that no firewall blocks the port"),
    "mail.timeout": ("邮件服务器 {server} 在 {timeout} 秒内没有响应", "the mail server {server} did not answer within {timeout} seconds"),
    "mail.timeout_hint": ("检查 host、port 和网络；端口与 security 不匹配（465 端口应配 ssl，587 端口应配 starttls）也会这样；网络慢时可调大 [mail] timeout",
                          "check host, port and the network; a port that does not match security (465 goes with ssl, 587 with starttls) "
                          "looks like this too; on a slow network raise [mail] timeout"),
    "mail.unknown_host": ("找不到邮件服务器 {host}（域名无法解析）", "the mail server {host} cannot be found (the name does not resolve)"),
    "mail.unknown_host_hint": ("检查 [mail] host 的拼写，以及本机的网络和 DNS 设置", "check the spelling of [mail] host and this machine's network and DNS settings"),
    "mail.connect_failed": ("无法连接邮件服务器 {server}：{detail}", "cannot connect to the mail server {server}: {detail}"),
    "mail.connect_failed_hint": ("检查 [mail] 的 host、port 和 security，以及本机能否访问这个服务器",
                                 "check host, port and security in [mail], and that this machine can reach the server"),
    "mail.tls_verify": ("邮件服务器 {server} 的证书无法验证：{detail}", "the certificate of the mail server {server} cannot be verified: {detail}"),
    "mail.tls_verify_hint": ("确认 host 与证书上的名字一致；服务器用的是单位内部或自签名证书时，在 [mail] 中用 ca_file 指定签发它的 CA 证书",
                             "make sure host matches the name on the certificate; for an internal or self-signed certificate, "
                             "point [mail] ca_file at the CA certificate that issued it"),
    "mail.tls_failed": ("与邮件服务器 {server} 建立加密连接失败：{detail}", "the encrypted connection to the mail server {server} failed: {detail}"),
    "mail.tls_failed_hint": ("检查 [mail] security 是否与端口相符：465 端口通常用 ssl，587 端口用 starttls，25 端口用 starttls 或 none",
                             "check that [mail] security matches the port: 465 is usually ssl, 587 starttls, 25 starttls or none"),
    "mail.starttls_unsupported": ("邮件服务器 {server} 不支持 STARTTLS 加密", "the mail server {server} does not offer STARTTLS"),
    "mail.starttls_unsupported_hint": ("465 端口请把 security 设为 ssl；确认服务器确实不支持加密时才设为 none",
                                       "for port 465 set security = \"ssl\"; set security = \"none\" only if the server really offers no encryption"),
    "mail.auth_failed": ("邮件服务器 {server} 拒绝了用户 {user} 的登录：{detail}", "the mail server {server} rejected the login of {user}: {detail}"),
    "mail.auth_failed_hint": ("检查 [mail] user 和环境变量 {env} 中的密码；许多邮箱要求使用“客户端授权码”而不是网页登录密码",
                              "check [mail] user and the password in the environment variable {env}; many mailboxes require an app password "
                              "instead of the web login password"),
    "mail.auth_unsupported": ("邮件服务器 {server} 不接受登录（AUTH）：{detail}", "the mail server {server} does not accept a login (AUTH): {detail}"),
    "mail.auth_unsupported_hint": ("多数服务器只在加密连接上允许登录：把 security 设为 ssl 或 starttls；服务器不需要登录时删掉 [mail] user",
                                   "most servers allow a login only over an encrypted connection: set security to ssl or starttls; "
                                   "if the server needs no login, remove [mail] user"),
    "mail.server_error": ("邮件服务器 {server} 回答：{detail}", "the mail server {server} answered: {detail}"),
    "mail.connection_lost": ("与邮件服务器 {server} 的连接中断：{detail}", "the connection to the mail server {server} was lost: {detail}"),
    "mail.connection_lost_hint": ("这封邮件可能没有发出，请稍后核实或重试", "this message may not have been sent; check or retry later"),
    "mail.attempts": ("（已尝试 {n} 次）", " ({n} attempts)"),
    "mail.rejected_recipients": ("邮件服务器 {server} 拒收了收件人 {recipients}：{detail}",
                                 "the mail server {server} refused the recipient(s) {recipients}: {detail}"),
    "mail.rejected_recipients_hint": ("核对收件人的邮箱地址；这封邮件没有发出", "check the recipients' addresses; this message was not sent"),
    "mail.rejected_partial": ("邮件服务器 {server} 拒收了收件人 {recipients}：{detail}；其余收件人（{accepted}）已收到",
                              "the mail server {server} refused the recipient(s) {recipients}: {detail}; the others ({accepted}) got it"),
    "mail.rejected_partial_hint": ("核对被拒收的邮箱地址", "check the refused addresses"),
    "mail.rejected_sender": ("邮件服务器 {server} 拒绝了发件人 {sender}：{detail}", "the mail server {server} refused the sender {sender}: {detail}"),
    "mail.rejected_sender_hint": ("检查 [mail] sender：很多服务器只允许用登录账号本身的地址发信",
                                  "check [mail] sender: many servers only accept the login account's own address as sender"),
    "mail.rejected_message": ("邮件服务器 {server} 拒收了发给 {recipients} 的邮件：{detail}",
                              "the mail server {server} refused the message to {recipients}: {detail}"),
    "mail.rejected_message_hint": ("可能是邮件过大或被判为垃圾邮件；请联系邮件管理员", "it may be too large or taken for spam; ask the mail administrator"),
    "mail.send_failed": ("发给 {recipients} 的邮件发送失败：{detail}", "sending the message to {recipients} failed: {detail}"),
    "mail.outbox_failed": ("无法把邮件写入发件箱 {path}：{detail}", "cannot write the message to the outbox {path}: {detail}"),
    "mail.outbox_failed_hint": ("检查这个文件夹是否可写、磁盘是否已满", "check that the folder is writable and the disk is not full"),
    "mail.login_not_ascii": ("[mail] user（{user}）或环境变量 {env} 中的密码含有中文、全角或其他非 ASCII 字符，SMTP 登录无法发送",
                             "[mail] user ({user}) or the password in the environment variable {env} has Chinese, full-width or other "
                             "non-ASCII characters, which an SMTP login cannot send"),
    "mail.login_not_ascii_hint": ("检查是否误用了全角字符；必要时在邮箱设置里改用只含英文字母、数字和符号的密码（或客户端授权码）",
                                  "look for full-width characters typed by mistake; if needed, use a password (or app password) "
                                  "of plain letters, digits and symbols"),
}

# --- cron expressions (assistant/cron.py) ---
_CRON: Catalog = {
    "cron.bad": ("cron 表达式{expr}有误：{problem}", "cron expression {expr} is wrong: {problem}"),
    "cron.bad_hint": ("顺序为“分 时 日 月 周”，如 \"30 8 * * mon\"（每周一 08:30）、\"0 9 * * 1-5\"（周一至周五 09:00）；周日写 0 或 7",
                      "the order is \"minute hour day-of-month month day-of-week\", e.g. \"30 8 * * mon\" (Mondays at 08:30) "
                      "or \"0 9 * * 1-5\" (Monday to Friday at 09:00); Sunday is 0 or 7"),
    "cron.empty": ("是空的", "it is empty"),
    "cron.field_count": ("应有 5 个字段（分 时 日 月 周），或在最前加秒共 6 个，实际有 {n} 个",
                         "expected 5 fields (minute hour day-of-month month day-of-week), or 6 with a leading "
                         "seconds field; got {n}"),
    "cron.bad_value": ("{field}字段的{value}无法识别", "{value} in the {field} field is not understood"),
    "cron.out_of_range": ("{field}字段的{value}超出范围 {lo}–{hi}", "{value} in the {field} field is outside {lo}-{hi}"),
    "cron.bad_step": ("{field}字段{value}的步长应为正整数", "the step in {value} ({field} field) must be a positive whole number"),
    "cron.backwards": ("{field}字段的范围{value}起点大于终点", "the range {value} in the {field} field runs backwards"),
    "cron.both_days": ("同时限定了日（{dom}）和星期（{dow}）：标准 cron 在两者之一满足时就运行，容易误解，本程序不支持；"
                       "请把其中一个写成 *，或拆成两个任务",
                       "both day-of-month ({dom}) and day-of-week ({dow}) are restricted: standard cron then runs on "
                       "days matching either, which is easily misread and not supported here; write * in one of them, "
                       "or use two jobs"),
    "cron.never": ("日（{dom}）在所选月份（{month}）里不存在，永远不会运行",
                   "day-of-month {dom} does not occur in the month(s) {month}: it would never run"),
    "cron.bad_timezone": ("时区{tz}无效，应如 Asia/Shanghai", "the time zone {tz} is not valid; use one such as Asia/Shanghai"),
    "cron.bad_alias": ("不认识{value}（可用：{known}）", "{value} is not known (known: {known})"),
    "cron.field.second": ("秒", "second"),
    "cron.field.minute": ("分钟", "minute"),
    "cron.field.hour": ("小时", "hour"),
    "cron.field.dom": ("日", "day-of-month"),
    "cron.field.month": ("月", "month"),
    "cron.field.dow": ("星期", "day-of-week"),
    "cron.words": ("{days} {times}", "{days} at {times}"),
    "cron.every_day": ("每天", "every day"),
    "cron.weekly": ("每{days}", "{days}"),
    "cron.weekday_range": ("每{first}至{last}", "{first} to {last}"),
    "cron.monthly": ("每月{days}", "on the {days} of every month"),
    "cron.yearly": ("每年{m}月{d}日", "every year on {month} {d}"),
    "cron.day_of_month": ("{n}日", "{n}"),
    "cron.as_expression": ("按 cron 表达式 {expr}", "on the cron schedule {expr}"),
    "cron.workdays_only": ("，仅工作日", ", working days only"),
    "cron.weekday.0": ("周日", "Sunday"), "cron.weekday.1": ("周一", "Monday"), "cron.weekday.2": ("周二", "Tuesday"),
    "cron.weekday.3": ("周三", "Wednesday"), "cron.weekday.4": ("周四", "Thursday"), "cron.weekday.5": ("周五", "Friday"),
    "cron.weekday.6": ("周六", "Saturday"),
    "cron.weekdays.0": ("周日", "Sundays"), "cron.weekdays.1": ("周一", "Mondays"), "cron.weekdays.2": ("周二", "Tuesdays"),
    "cron.weekdays.3": ("周三", "Wednesdays"), "cron.weekdays.4": ("周四", "Thursdays"), "cron.weekdays.5": ("周五", "Fridays"),
    "cron.weekdays.6": ("周六", "Saturdays"),
}


CATALOG: Catalog = assemble(_FINDINGS, _REPORT, _FLAG, _DIGEST, _SCHEDULER, _CLI, _CONFIG, _DEADLINES, _SCHEMA,
                            _SOURCES, _LEDGER, _DELIVERY, _CRON, GSHEETS)
