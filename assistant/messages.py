"""Every sentence a person reads, as (Chinese, English). Keys are stable; wording may improve.

One dict per area, all assembled into CATALOG at the end of this file (and nowhere else). Every
entry is a str.format template — `tr` always formats it — so a literal brace is written doubled:
"{{ env = \"NAME\" }}" shows as { env = "NAME" }.
"""

from __future__ import annotations

from assistant.messages_cli import CLI
from assistant.messages_doc import DOC
from assistant.messages_gsheets import GSHEETS
from assistant.messages_help import HELP
from assistant.messages_history import HISTORY
from assistant.messages_infer import INFER
from assistant.messages_mail import DELIVERY, DIGEST
from assistant.messages_migrate import MIGRATE
from assistant.messages_reports import REPORTS
from assistant.messages_robots import ROBOTS
from assistant.messages_schedule import CRON, SCHEDULER
from assistant.messages_sources import LEDGER, SOURCES
from assistant.messages_template import TEMPLATE

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
    "check.two_row_header": ("（表头似乎占两行，第{upper}–{lower}行：在台账格式里写 header_rows: 2{also}）",
                             " (the header seems to take two rows, {upper}–{lower}: write header_rows: 2 in the schema{also})"),
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
    "check.not_among": ("{column}{value}不在{among}之列", "{column} {value} is not among {among}"),
    "check.among": ("{register}的“{field}”", "the \"{field}\" of {register}"),
    "check.among_where": ("{register}中{where}的“{field}”", "the \"{field}\" of {register} rows where {where}"),
    "check.missing_row": ("{register}中的{of}{value}在{here}中没有一行", "{of} {value} of {register} has no row in {here}"),
    "check.disagrees_with_latest": ("{field}{value}与{register}最近一条不符：{date} {change}（{row}），应为{want}",
                                    "{field} {value} disagrees with the latest row of {register}: {date} {change} ({row}); expected {want}"),
    "check.row_here": ("第{row}行", "row {row}"),
    "check.row_in": ("{workbook}第{row}行", "{workbook} row {row}"),
    "check.unstaffed": ("{fields}都不在{among}之列", "none of {fields} is among {among}"),
    "check.partly_staffed": ("{fields}中只有{n}个在{among}之列", "only {n} of {fields} is among {among}"),
    "check.compare_failed": ("{left}（{lv}）应{op}{right}（{rv}）", "{left} ({lv}) should be {op} {right} ({rv})"),
    "check.required_if": ("{when}时，必须填写{field}", "{field} is required when {when}"),
    "check.empty_unless": ("{field}只有在{when}时才填写，请核对", "{field} should be empty unless {when}"),
    "check.duplicate_combination": ("{fields}组合{value}与第{row}行重复", "{fields} combination {value} repeats row {row}"),
    "check.sequence_repeat": ("{field}{value}与第{row}行重号", "{field} {value} repeats the number in row {row}"),
    "check.sequence_gap": ("{field}{value}之前缺号：{missing}", "{field} {value}: numbers missing before it: {missing}"),
    "check.overlap": ("{key}{value}在 {start} 至 {end} 的登记与第{row}行时间重叠",
                      "{key} {value}: {start} to {end} overlaps row {row}"),
    "check.coverage_gap": ("{field}缺少 {date} 的记录", "{field}: no row for {date}"),
    "check.below_previous": ("{field}{value}小于上一条记录（第{row}行）的{previous} {prev}",
                             "{field} {value} is below {previous} {prev} of the previous row (row {row})"),
    "check.not_above_previous": ("{field}{value}没有大于上一条记录（第{row}行）的{previous} {prev}",
                                 "{field} {value} is not above {previous} {prev} of the previous row (row {row})"),
    "check.listed_twice": ("{names}同时列在{fields}中", "{names} listed in both {fields}"),
    "check.exactly_when_missing": ("{when}时，{field}应为{value}", "{field} should be {value} when {when}"),
    "check.exactly_when_extra": ("{field}为{value}只适用于{when}的情形", "{field} is {value} only when {when}"),
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
    "flag.col.status": ("状态", "Status"), "flag.col.days": ("剩余\n工作日", "Working\ndays"),
    "flag.col.key": ("编号", "Key"), "flag.col.row": ("行", "Row"), "flag.col.due": ("完成时限", "Due"),
    "flag.col.owner": ("责任人", "Owner"), "flag.col.leader": ("分管领导", "Leader"), "flag.col.where": ("台账", "Register"),
    "flag.summary": ("共跟踪 {n} 项：{parts}", "{n} items tracked: {parts}"),
    "flag.findings": ("另有校验问题：{error} 个错误，{warning} 个警告（见 assistant check）",
                      "Validation: {error} errors, {warning} warnings (see assistant check)"),
    "flag.written": ("已写回 {location}：{cells} 个单元格", "Written back to {location}: {cells} cells"),
    "flag.backup": ("，写入前的内容备份在 .assistant/backups/{path}", "; what was there before is backed up in .assistant/backups/{path}"),
    "flag.dry_run": ("（试运行：没有写入任何文件）", "(dry run: no file was written)"),
    "write.locked": ("{path} 正被打开（发现锁文件 {lock}，修改于 {when}），这次没有写入，数据未改动",
                     "{path} is open (lock file {lock}, last modified {when}); nothing was written and the file is untouched"),
    "write.locked_hint": ("请关闭 Excel/WPS/LibreOffice 中的这个文件，下次运行时会自动写入。"
                          "如果确认没有人打开着它（例如 Excel/WPS 异常退出后留下的锁文件），可以删除 {lock}；助手不会自动删除锁文件",
                          "close it in Excel/WPS/LibreOffice; the next run writes it. If you are sure nobody has it open "
                          "(a lock left by a crashed Excel/WPS), you may delete {lock}; the assistant never deletes a lock file"),
    "lock.when": ("{time}，{age}前", "{time}, {age} ago"),
    "lock.age.moments": ("不到 1 分钟", "less than a minute"),
    "lock.age.minutes": ("{n} 分钟", "{n} min"),
    "lock.age.hours": ("{n} 小时", "{n} h"),
    "lock.age.days": ("{n} 天", "{n} days"),
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
    "write.merged": ("{path} 工作表“{sheet}”的 {cells} 是合并单元格，盖住了助手要写的“{column}”列，这次没有写入，数据未改动",
                     "{path}, sheet \"{sheet}\": the merged cells {cells} cover the assistant's column \"{column}\"; nothing was written and the file is untouched"),
    "write.merged_hint": ("请取消合并 {cells}（助手的列每行各写一个值），下次运行即可写回",
                          "unmerge {cells} (the assistant writes one value per row in its columns); the next run writes it"),
    "write.read_only": ("{path} 只读，未写入：文件设为了只读（或助手的账号没有写权限），数据未改动",
                        "{path} is read-only, not written: the file is marked read-only (or the assistant's account may not write it); the file is untouched"),
    "write.read_only_hint": ("要写回状态，请让它可写：Windows 右键 → 属性 → 取消勾选“只读”；Linux/macOS 用 chmod u+w 文件名（或给助手的账号写权限）。"
                             "若它应保持只读，可以不处理：状态照常列出、检查和摘要照常进行，只是不写入这个文件，每次运行都会这样提示",
                             "to have statuses written, make it writable: on Windows, right-click → Properties → untick \"Read-only\"; on Linux/macOS, chmod u+w FILE (or give the assistant's account write permission). "
                             "If it must stay read-only, nothing else is needed: statuses are still listed, checks and digests still run, only this file is not written, and each run says so"),
    "write.format": ("{path} 是{kind}格式，写回需要 .xlsx；检查和摘要照常进行，这次没有写入，文件未改动",
                     "{path} is in {kind} format and write-back needs .xlsx; the check and the digests still run; nothing was written and the file is untouched"),
    "write.format_hint": ("在 WPS 或 Excel 中打开它，文件 → 另存为 → 文件类型选“Excel 工作簿 (*.xlsx)”，"
                          "再把 assistant.toml 中这个工作簿的 source 改为新的 .xlsx 文件",
                          "open it in WPS or Excel, File → Save As → file type \"Excel Workbook (*.xlsx)\" (in Chinese WPS: \"Excel 工作簿 (*.xlsx)\"), "
                          "then point this workbook's source in assistant.toml at the new .xlsx file"),
    "write.kind.xls": ("Excel 97-2003 或 WPS 表格（.xls/.et）", "Excel 97-2003 or WPS (.xls/.et)"),
    "write.kind.ods": ("OpenDocument 表格（.ods）", "OpenDocument (.ods)"),
    "write.kind.xlsb": ("Excel 二进制工作簿（.xlsb）", "Excel binary (.xlsb)"),
    "write.kind.other": ("“{suffix}”", "\"{suffix}\""),
    "write.conflict": ("{path} 在写入的同一刻被人保存了，无法确定哪一份应当留下：那次保存完整地保留在 {kept}，工作簿里是另一份",
                       "{path} was saved by someone at the very moment we wrote it, and which version should stay cannot be told: that save is kept whole in {kept}, the workbook holds the other one"),
    "write.conflict_hint": ("打开这两份文件核对，把应当保留的修改合并进工作簿，然后再运行 assistant flag",
                            "compare the two files, merge the changes that should stay into the workbook, then run assistant flag again"),
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
    "config.duplicate_robot": ("有两个机器人都叫“{name}”，名称须各不相同", "two robots are named \u201c{name}\u201d; names must differ"),
    "config.robot_kind": ("机器人类型“{kind}”无法识别，可用：{known}", "unknown robot kind \u201c{kind}\u201d; known: {known}"),
    "config.robot_no_secret": ("企业微信机器人不加签（密钥在 webhook 地址中），请删去 secret_env",
                               "WeCom robots do not sign (the key is in the webhook URL): remove secret_env"),
    "config.robot_job": ("机器人不能用于任务“{job}”，可用：{known}", "a robot cannot post for job \u201c{job}\u201d; it can for: {known}"),
    "config.robot_env_name": ("这里填环境变量的名字（如 ASSISTANT_ROBOT_URL），不要把网址或密钥写进配置文件",
                              "give the name of an environment variable (e.g. ASSISTANT_ROBOT_URL), never the URL or secret itself"),
    "config.unknown_recipient": ("没有名为“{name}”的收件人（[[recipients]] 的 name）", "no recipient is named \u201c{name}\u201d (the name of a [[recipients]])"),
    "config.job_recipients_reports_only": ("只有报表任务（report_…）可以指定 recipients；其他任务按各收件人的 scope 发送",
                                           "only report jobs (report_…) take recipients; the other jobs mail by each recipient's scope"),
    "config.owner_every_remind_only": ("只有 [jobs.remind] 可以设置 owner_every（逾期升级后多久再提醒一次责任人）",
                                       "only [jobs.remind] takes owner_every (how often an escalated item's owner is reminded again)"),
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
    "type.positive_integer": ("正整数", "a whole number ≥ 1"), "type.fraction": ("0 到 1 之间的数（如 0.3 表示 30%）", "a number from 0 to 1 (0.3 is 30%)"), "type.value": ("一个值（文字、数字或日期）", "a value (text, number or date)"),
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
    # The sheet's fills (assistant/status.py), named for the legend on the status column's header.
    "sheet.fill.overdue": ("珊瑚红", "coral"), "sheet.fill.due_soon": ("黄", "yellow"),
    "sheet.fill.behind_pace": ("浅橙", "peach"), "sheet.fill.invalid": ("紫", "violet"),
    "sheet.fill.on_track": ("蓝", "blue"), "sheet.fill.done_late": ("褐灰", "taupe"),
    "sheet.fill.done": ("灰", "grey"), "sheet.fill.error": ("品红", "magenta"), "sheet.fill.warning": ("米黄", "cream"),
    "sheet.legend": ("颜色：{statuses}；填写有误的单元格为{error}，只有提醒的校验提示为{warning}",
                     "Colours: {statuses}; a wrongly filled cell is {error}, a hint with warnings only {warning}"),
    "sheet.legend_item": ("{label}={colour}", "{label} = {colour}"),
    "sheet.legend_separator": ("、", ", "),
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
    "schema.not_a_choice": ("“{value}”不是{register}“{field}”的可选值（{choices}）",
                            "\"{value}\" is not a choice of {register} \"{field}\" ({choices})"),
    "schema.unknown_field_in": ("{register} 里没有名为“{name}”的字段", "{register} has no field named \"{name}\""),
    "schema.unknown_register": ("没有名为“{name}”的台账", "no register named \"{name}\""),
    "schema.expected": ("应为{what}", "expected {what}"),
    "schema.header_rows": ("应为 1 或 2（表头占几行）", "expected 1 or 2 (how many rows the header takes)"),
    "schema.header_row_upper": ("header_rows: 2 时 header_row 是下面那行（列名所在的行），至少为 2",
                                "with header_rows: 2, header_row is the lower row (the one naming the columns), so at least 2"),
    "schema.expected_field_name": ("应为字段名", "expected a field name"),
    "schema.expected_field_list": ("应为字段名列表，如 [姓名, 单位]", "expected a list of field names such as [姓名, 单位]"),
    "schema.expected_when": ("应为 {{ 字段: 值 }} 或 {{ 字段: [值1, 值2] }}", "expected {{ field: value }} or {{ field: [value1, value2] }}"),
    "schema.bad_op": ("op 应为 {ops} 之一", "op must be one of {ops}"),
    "schema.bad_regex": ("正则表达式有误：{detail}", "invalid regular expression: {detail}"),
    "schema.right_or_value": ("compare 需要 right（另一个字段）或 value（固定值）二者之一",
                              "compare needs exactly one of right (another field) or value (a constant)"),
    "schema.compare_kinds": ("left 和 right 的类型不同，无法比较", "left and right have different types and cannot be compared"),
    "schema.reference_form": ("应为 {{ register: 台账, field: 字段 }}，可另加 where、when",
                              "expected {{ register: id, field: name }}, optionally with where, when"),
    "schema.needs_date_field": ("“{name}”应是日期字段", "\"{name}\" must be a date field"),
    "schema.needs_number_field": ("“{name}”应是数字或百分比字段", "\"{name}\" must be a number or percent field"),
    "schema.output_is_field": ("“{name}”是录入列，不能作为助手写入的列", "\"{name}\" is a data column and cannot be an output column"),
    "schema.outputs_need_key": ("写回列（outputs）需要先设定 key：写回时按 key 找到每一行",
                                "outputs need a key: write-back finds each row by its key"),
    "schema.duplicate_register": ("与 {other} 的 register 重复", "same register id as {other}"),
    "schema.no_schemas": ("{folder} 里没有台账格式文件（*.yaml）", "no register schemas (*.yaml) in {folder}"),
    "schema.mask_on_person": ("“{name}”设了 mask: true，不能作为提醒对象：提醒按姓名找人",
                              "\"{name}\" has mask: true and cannot be the person reminded: reminders find people by name"),
    "schema.due_default_count": ("due_default 需要 working_days（工作日）或 days（自然日）二者之一",
                                 "due_default needs one of working_days or days"),
    "schema.due_default_map": ("按“{by}”取值时，应为 {{ 取值: 天数 }}，如 {{ 特急: 1, 平件: 10 }}",
                               "with by \"{by}\", expected {{ value: days }} such as {{ urgent: 1, normal: 10 }}"),
}


CATALOG: Catalog = assemble(_FINDINGS, _REPORT, _FLAG, SCHEDULER, _CLI, _CONFIG, _DEADLINES, _SCHEMA,
                            SOURCES, LEDGER, DIGEST, DELIVERY, CRON, GSHEETS, REPORTS, HISTORY, ROBOTS, CLI, HELP,
                            DOC, TEMPLATE, INFER, MIGRATE)
