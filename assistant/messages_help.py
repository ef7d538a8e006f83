"""The help of every command and option (`--help`, assistant/cli_help.py), as (Chinese, English)."""

HELP: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    # --- click's words ---
    "help.usage": ("用法：", "Usage: "),
    "help.heading": ("{name}：", "{name}:"),
    "help.options": ("选项", "Options"),
    "help.commands": ("命令", "Commands"),

    # --- commands ---
    "help.main": ("office-assistant：按台账格式校验乡镇党政办的共享表格，按工作日标出临期、逾期事项并写回表格，"
                  "给领导发督办周报、给责任人发提醒。\n\n"
                  "选项写在命令名之后，如 assistant check --config assistant.toml；"
                  "assistant 命令 --help 显示该命令的帮助，--lang en 显示英文。",
                  "office-assistant: checks a township office's shared spreadsheets against their schemas, "
                  "flags items due soon or overdue in working days and writes the status back, mails leaders "
                  "their digests and owners their reminders.\n\n"
                  "Options come after the command's name, e.g. assistant check --config assistant.toml; "
                  "assistant COMMAND --help shows a command's help, --lang en in English."),
    "help.init": ("新建工作文件夹 FOLDER：配置文件 assistant.toml、台账格式、带样例数据的工作簿、发件箱。已有的文件不会被覆盖（除非加 --force）。",
                  "Create the working folder FOLDER: the config assistant.toml, the schemas, a sample workbook, "
                  "an outbox. Existing files are not overwritten (unless --force)."),
    "help.demo": ("在演示文件夹 FOLDER（默认 office-demo，没有则新建）上跑一遍完整流程：校验、写回、督办周报（写入发件箱），最后列出可以接着试的命令。",
                  "Run the whole cycle on the demo folder FOLDER (default office-demo, created if missing): check, "
                  "write-back, digests into the outbox; then the commands to try next."),
    "help.check": ("按台账格式校验每个工作簿的每个台账，指出有问题的单元格。不写入任何文件。",
                   "Validate every register of every workbook against its schema, naming each wrong cell. Nothing is written."),
    "help.flag": ("按工作日计算每个跟踪事项的时限状态（逾期、临期、滞后等），写回表格中助手专用的列，并记入状态历史。",
                  "Deadline status of every tracked item in working days (overdue, due soon, behind pace and so on), "
                  "written back into "
                  "the assistant's own columns and recorded in the status history."),
    "help.history": ("事项 KEY（如 DB-2026-002）的时间线：flag 记录下的每次状态、时限和人员的变化。",
                     "The timeline of the item KEY (e.g. DB-2026-002): each change of its status, due date or "
                     "people, as flag recorded it."),
    "help.digest": ("给每位领导发个人督办周报（按其分管范围），每期只发一次。",
                    "Each leader's personal digest (of their scope), sent once per period."),
    "help.remind": ("提醒临期、逾期事项的责任人；逾期较久的报分管领导。每个事项每天最多一次。",
                    "Reminders to the owners of items due soon or overdue; items long overdue go to their "
                    "leaders. Each item at most once a day."),
    "help.report": ("领导用的报表 NAME：staffing（编制与缺编）、quota（信息报送）、bulletin（督查通报）、district（乡镇汇总）。",
                    "The report NAME leaders act on: staffing, quota (information reports), bulletin (督查通报), "
                    "district (every township)."),
    "help.run": ("按日程运行每个任务，直到被停止（Ctrl-C 或 SIGTERM）。",
                 "Keep the office going: run every job on its schedule until stopped (Ctrl-C or SIGTERM)."),
    "help.jobs": ("定时任务：列出日程，立即运行一个。", "The scheduled jobs: list their schedules, run one now."),
    "help.jobs_list": ("每个任务、它的日程和接下来五次的运行时间。", "Each job, its schedule in words and its next five run times."),
    "help.jobs_run": ("立即运行任务 NAME，像定时运行一样记入发送记录。\n\nNAME 可以是：{jobs}。",
                      "Run the job NAME now, recorded in the ledger like a scheduled run.\n\nNAME is one of: {jobs}."),
    "help.schema": ("台账格式（schema）：检查、导出、生成填写说明、从工作表推断草稿。", "Register schemas: lint, export, a page for staff, infer a draft from a sheet."),
    "help.schema_lint": ("检查台账格式文件 FILES（默认：本办台账格式文件夹中的全部文件）。",
                         "Check the schema files FILES (default: every file of the office's schema folder)."),
    "help.schema_export": ("把台账 REGISTER 的格式导出为 Frictionless Table Schema JSON。",
                           "Print the schema of the register REGISTER as Frictionless Table Schema JSON."),
    "help.schema_infer": ("从已有的工作表推断一份台账格式草稿（列名、类型、必填、可选值、key），每列附注看到了什么，供管理员核对后使用。",
                          "Draft a register schema from an existing sheet (column names, types, required, enum, key), "
                          "with a comment on what each column held, for the admin to review."),
    "help.schema_doc": ("生成台账 REGISTER（不写则为全部台账）的填写说明，给填表的工作人员看：各列含义、是否必填、格式、可选值、规则、时限和示例行。",
                        "A page for the staff who fill in the register REGISTER (default: every register): what each "
                        "column means, whether it is required, what to type, allowed values, rules, deadlines and an example row."),
    "help.opt.format_doc": ("输出格式：md 为 Markdown（默认），html 为网页", "Output: md, Markdown (default); html, a web page"),
    "help.opt.output_doc": ("写入这个文件（已存在时需加 --force）；不写则输出到屏幕",
                            "Write into this file (an existing one only with --force); default: print it"),
    "help.opt.force_doc": ("覆盖 -o 指定的已有文件", "Overwrite the file given with -o"),
    "help.template": ("生成台账 REGISTER 的空白模板：标题、表头、下拉列表和填写规则、日期格式，写成 .xlsx 文件（-o），或在 Google 表格工作簿中新建工作表（--workbook）。",
                      "Write a blank, ready-to-use sheet for the register REGISTER: title, header, drop-down lists "
                      "and entry rules, date formats; as an .xlsx file (-o), or as a new sheet of a Google "
                      "spreadsheet (--workbook)."),
    "help.robots": ("群机器人（企业微信、钉钉、飞书）：列出，发一条测试消息。",
                    "Group robots (WeCom, DingTalk, Feishu): list them, post a test message."),
    "help.robots_list": ("每个机器人、它推送哪些任务，以及它的 webhook 环境变量是否已设置。",
                         "Each robot, the jobs it posts for and whether its webhook variable is set."),
    "help.robots_test": ("立即向机器人 NAME 发一条测试消息，并显示平台的答复。",
                         "Post a short test message to the robot NAME now and show the platform's answer."),

    # --- options ---
    "help.opt.help": ("显示本帮助并退出", "Show this help and exit"),
    "help.opt.version": ("显示版本号并退出", "Show the version and exit"),
    "help.opt.config": ("配置文件（默认：./assistant.toml，或环境变量 ASSISTANT_CONFIG）",
                        "The config file (default: ./assistant.toml, or $ASSISTANT_CONFIG)"),
    "help.opt.today": ("计算时限所依据的日期（默认：办公地时区的今天）",
                       "The date deadlines are counted from (default: today in the office time zone)"),
    "help.opt.lang": ("提示信息和帮助的语言：zh 中文（默认）、en 英文", "Language of messages and help: zh (default) or en"),
    "help.opt.force_init": ("覆盖已有的文件", "Overwrite files that already exist"),
    "help.opt.format_check": ("输出格式：text 按表格显示（默认），json 输出 JSON", "Output: text, a table per sheet (default); json"),
    "help.opt.format_flag": ("输出格式：text 显示最紧急的事项（默认），json 输出全部事项", "Output: text, the most urgent items (default); json, every item"),
    "help.opt.format_history": ("输出格式：table 表格（默认），json", "Output: table (default) or json"),
    "help.opt.format_report": ("输出格式：table 终端表格（默认）、json、html 网页、xlsx 工作簿",
                               "Output: table in the terminal (default), json, an html page, an xlsx workbook"),
    "help.opt.format_jobs": ("输出格式：text（默认）或 json", "Output: text (default) or json"),
    "help.opt.format_send": ("输出格式：text（默认）；json 与 --dry-run 一起用，以 JSON 列出将要发送的邮件",
                             "Output: text (default); json, with --dry-run: what would be sent, as JSON"),
    "help.opt.register": ("只看这个台账（台账 id，如 tasks）", "Only this register (its id, e.g. tasks)"),
    "help.opt.register_history": ("只看这个台账中的事项（台账 id，如 tasks）", "Only the item of this register (its id, e.g. tasks)"),
    "help.opt.workbook": ("只看这个工作簿中的事项（assistant.toml 中的 name）", "Only the item of this workbook (its name in assistant.toml)"),
    "help.opt.dry_run_flag": ("只计算和显示，不写入工作簿，也不记入状态历史", "Compute and print, but write nothing into the workbooks or the history"),
    "help.opt.preview_digest": ("把每位领导的周报写成 HTML 文件并显示路径，不发送", "Write each recipient's digest as an HTML file and print the paths; send nothing"),
    "help.opt.preview_remind": ("把每封提醒写成 HTML 文件并显示路径，不发送", "Write each reminder as an HTML file and print the paths; send nothing"),
    "help.opt.force_digest": ("本期已发送过也再发一次", "Send again even if this period's digest was already sent"),
    "help.opt.force_remind": ("今天已提醒过也再发一次", "Send again even if today's reminders were already sent"),
    "help.opt.force_report": ("与 --mail 一起用：本期已发送过也再发一次", "With --mail: send again even if this period's report was already sent"),
    "help.opt.to": ("只发给这个邮箱（可重复，不分大小写）；如 --force --to 地址 重发一封结果不明的邮件",
                    "Only to this address (repeatable, any case): e.g. --force --to ADDRESS resends one uncertain send"),
    "help.opt.to_report": ("与 --mail 一起用：只发给这个邮箱（可重复）", "With --mail: only to this address (repeatable)"),
    "help.opt.dry_run_send": ("不发送：列出每封将要发送的邮件（收件人、主题、各类事项数、附件，以及是否因本期已发送而跳过）和每个机器人将收到的内容",
                              "Send nothing: list each message that would be sent (recipient, subject, items per "
                              "section, attachment, and whether it would be skipped as already sent) and what each "
                              "robot would get"),
    "help.opt.period": ("报表的期间：week、month、quarter、last-week、last-month、last-quarter，或 2026-11、2026-W48、2026-Q4",
                        "The period: week, month, quarter, last-week, last-month, last-quarter, or 2026-11, 2026-W48, 2026-Q4"),
    "help.opt.output": ("写入的文件（json、html、xlsx），或 html 的文件夹：index.html 加每个乡镇一页",
                        "The file to write (json, html, xlsx), or a folder for html: index.html and a page per township"),
    "help.opt.mail": ("像定时任务一样立即发给每位收件人（每期一次）", "Mail it to every recipient now, as its job does (once per period)"),
    "help.opt.output_template": ("写入的 .xlsx 文件", "The .xlsx file to write"),
    "help.opt.force_template": ("文件已存在时覆盖它（先备份原文件）", "Overwrite the file if it exists (backed up first)"),
    "help.opt.workbook_template": ("在这个 Google 表格工作簿（assistant.toml 中的 name）中新建工作表",
                                   "Add the sheet to this Google spreadsheet (its name in assistant.toml)"),
    "help.opt.rows": ("设置填写规则的行数（默认 1000）", "How many rows get the entry rules (default 1000)"),
    "help.opt.once": ("运行现在到时的任务后退出，并说明运行了什么或下一次何时运行（给 cron 或 systemd 定时器用）",
                      "Run the jobs that are due now and exit, saying what ran or when the next run is (for cron or systemd timers)"),
    "help.opt.infer_sheet": ("要推断的工作表（默认：第一个）", "The sheet to infer from (default: the first)"),
    "help.opt.header_row": ("表头在第几行（默认：自动找）", "The header's row (default: found)"),
    "help.opt.infer_output": ("写入这个文件（默认：显示在屏幕上）", "Write the draft to this file (default: print it)"),
    "help.opt.infer_register": ("草稿的台账 id（小写英文，如 tasks；默认：register 加工作表序号）",
                                "The draft's register id (lowercase, e.g. tasks; default: register and the sheet's number)"),
    "help.opt.force_infer": ("覆盖已有的 -o 文件", "Overwrite the -o file if it exists"),
    "help.schema_diff": ("比较两个台账格式文件 OLD 和 NEW，列出新增、删除、改名（renamed_from）的字段，以及类型、必填、可选值、关键字段、输出列和规则的变化。",
                         "Compare two schema files OLD and NEW: fields added, removed and renamed (renamed_from), "
                         "and changes of type, required, allowed values, key, outputs and rules."),
    "help.migrate": ("把包含台账 REGISTER 的工作簿迁移到新格式 --to：改表头（renamed_from）、在已用区域右侧加新列、保留删除字段的列。默认只预演；加 --apply 才写入（先备份），全部成功后安装新格式文件。",
                     "Bring the workbooks holding register REGISTER to the new schema --to: rename headers "
                     "(renamed_from), add new columns right of everything used, keep removed fields' columns. "
                     "A dry run by default; --apply writes (after a backup) and, once every workbook succeeded, "
                     "installs the new schema file."),
    "help.opt.format_diff": ("输出格式：text（默认）或 json", "Output: text (default) or json"),
    "help.opt.migrate_to": ("新的台账格式文件（YAML）", "The new schema file (YAML)"),
    "help.opt.migrate_apply": ("执行：写入工作簿并安装新格式（默认只预演）", "Carry it out: write the workbooks and install the new schema (default: a dry run)"),
    "help.opt.migrate_workbook": ("只迁移配置中名为 NAME 的工作簿", "Only the workbook called NAME in the config"),
}
