"""Messages of the scheduler and of cron expressions in words (part of the catalog in assistant/messages.py)."""

# --- scheduler ---
SCHEDULER: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    "run.bad_catch_up": ("[jobs.{job}] catch_up = \"{value}\" 应写成如 \"12h\"、\"30m\"、\"2d\"", "[jobs.{job}] catch_up = \"{value}\" should look like \"12h\", \"30m\" or \"2d\""),
    "run.unknown_job": ("没有名为“{name}”的任务（有：{known}）", "no job named \"{name}\" (known: {known})"),
    "run.unknown_option": ("作业 {job} 不接受选项 {options}（可用：{known}）", "job {job} takes no option {options} (it takes: {known})"),
    "run.opt_in": ("任务 {name} 没有排入日程：它只在配置中写了 [jobs.{name}] 时运行", "job {name} is not scheduled: it runs only when the config has [jobs.{name}]"),
    "run.opt_in_hint": ("在 assistant.toml 中加上一行 [jobs.{name}]（不写 cron 则按默认时间）", "add a line [jobs.{name}] to assistant.toml (without cron it keeps its default schedule)"),
    "run.disabled": ("任务 {name} 在配置中被停用（enabled = false）", "job {name} is disabled in the config (enabled = false)"),
    "run.already": ("{folder} 已有一个 assistant run 在运行（进程 {pid}），这个没有启动", "an assistant run is already running for {folder} (process {pid}); this one did not start"),
    "run.already_hint": ("同一个文件夹只能运行一个调度器；如需重启，先停止原来的进程", "one scheduler per folder: stop the other process first to restart"),
    "run.alert_subject": ("【督办助手】{office} 的任务 {job} 运行出错", "[Assistant] job {job} of {office} failed"),
    "jobs.next": ("下次：", "next: "),
}

# --- cron expressions (assistant/cron.py) ---
CRON: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
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
