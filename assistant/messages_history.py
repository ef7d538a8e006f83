"""The sentences of the status history (assistant/history.py, assistant/timeline.py, `flag`'s
recording and `assistant history`), as (Chinese, English)."""

HISTORY: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    # --- the file (assistant/store.py names them by this prefix) ---
    "history.unreadable": ("历史记录库 {path} 无法使用：{detail}", "the history {path} cannot be used: {detail}"),
    "history.locked": ("历史记录库 {path} 被另一个进程占用，等待 {seconds} 秒后放弃",
                       "the history {path} is held by another process; gave up after {seconds} s"),
    "history.locked_hint": ("稍后再试；如果一直如此，检查是否有卡住的 assistant 进程",
                            "try again later; if it persists, look for a stuck assistant process"),
    "history.corrupt": ("历史记录库 {path} 已损坏，或不是 assistant 的历史记录文件",
                        "the history {path} is damaged or is not an assistant history"),
    "history.corrupt_hint": ("可把该文件改名留存后重新运行 assistant flag，将新建空的历史记录库；以前的状态变化随之不再参与统计",
                             "rename the file to keep it and run assistant flag again to start an empty history; "
                             "earlier status changes then no longer count in reports"),
    "history.too_new": ("历史记录库 {path} 由更新版本的 assistant 创建（格式版本 {found}，本版本最高支持 {supported}），请升级",
                        "the history {path} was written by a newer assistant (format {found}; this version reads up "
                        "to {supported}); please upgrade"),

    # --- recording a cycle (jobs/flag.py) ---
    "history.behind": ("历史记录已记到 {latest}，本次日期 {day} 更早，未记入历史（历史只向后记录）",
                       "the history already runs to {latest}; this run's date {day} is earlier and was not recorded "
                       "(the history only moves forward)"),
    "history.not_recorded": ("本次各事项状态未能记入历史（回写已完成）：{detail}",
                             "this run's statuses could not be recorded in the history (the write-back is done): "
                             "{detail}"),

    # --- assistant history KEY ---
    "history.none_yet": ("还没有历史记录（{path} 不存在）", "there is no history yet ({path} does not exist)"),
    "history.none_yet_hint": ("每次运行 assistant flag（--dry-run 除外）都会把各事项的状态记入历史",
                              "every run of assistant flag (except --dry-run) records each item's status in the "
                              "history"),
    "history.unknown_key": ("历史记录里没有编号为“{key}”的事项{where}", "the history holds no item with the key \"{key}\"{where}"),
    "history.unknown_key_hint": ("编号要与台账中的完全一致；事项要被 assistant flag 记录过才有历史",
                                 "write the key exactly as in the register; an item has a history once assistant "
                                 "flag has recorded it"),
    "history.in_where": ("（在{where}中）", " (in {where})"),
    "history.found_elsewhere": ("该编号的事项在：{places}", "items with that key are in: {places}"),
    "history.unknown_workbook": ("没有名为“{name}”的工作簿（可用：{known}）", "no workbook is named \"{name}\" (known: {known})"),
    "history.head": ("{workbook} · {register} · {key}", "{workbook} · {register} · {key}"),
    "history.removed": ("移出台账", "left the register"),
    "history.col.day": ("日期", "day"),
    "history.col.status": ("状态", "status"),
    "history.col.due": ("完成时限", "due"),
    "history.col.days": ("剩余工作日", "working days left"),
    "history.col.finished": ("办结日期", "done on"),
    "history.col.unit": ("责任单位", "unit"),
    "history.col.owner": ("责任人", "owner"),
    "history.col.leader": ("分管领导", "leader"),
    "history.since_first": ("自 {day} 起记录，共 {n} 次变化", "recorded since {day}; {n} changes"),
}
