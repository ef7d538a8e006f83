"""The sentences of `assistant template` (assistant/template.py, assistant/template_gsheets.py) and of
the data-validation prompts (assistant/schema/entry.py), as (Chinese, English)."""

TEMPLATE: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    # --- what a cell may hold: the prompt shown while it is selected, the message when refused ---
    "entry.required": ("必填", "Required"),
    "entry.example": ("示例：{example}", "Example: {example}"),
    "entry.range.value": ("取值{range}", "Value {range}"),
    "entry.range.length": ("字数{range}", "Length {range}"),
    "entry.between": ("在 {low} 至 {high} 之间", "between {low} and {high}"),
    "entry.at_least": ("不小于 {low}", "at least {low}"),
    "entry.at_most": ("不大于 {high}", "at most {high}"),
    "entry.today": ("今天", "today"),
    "entry.references": ("须是台账 {register} 中已有的“{field}”", "Must be a \u201c{field}\u201d already in register {register}"),
    "entry.owned": ("由助手填写，请勿手工修改", "Filled in by the assistant; do not edit by hand"),
    "entry.yes": ("是", "yes"),
    "entry.no": ("否", "no"),
    "entry.error.list": ("请从下拉列表中选择", "Choose a value from the drop-down list"),
    "entry.error.whole": ("请填写整数", "Enter a whole number"),
    "entry.error.decimal": ("请填写数字", "Enter a number"),
    "entry.error.date": ("请填写日期，如 2026-11-05", "Enter a date such as 2026-11-05"),
    "entry.error.length": ("字数不符合要求", "The text has the wrong length"),
    "entry.error.range": ("（{range}）", " ({range})"),
    # --- assistant template ---
    "template.written": ("已生成空白的{title}：{path}（工作表“{sheet}”，表头在第 {row} 行，已为 {rows} 行设置填写规则）",
                         "Wrote a blank {title}: {path} (sheet \u201c{sheet}\u201d, header on row {row}, entry rules on "
                         "{rows} rows)"),
    "template.added": ("已在工作簿“{workbook}”中新建工作表“{sheet}”（表头在第 {row} 行，已为 {rows} 行设置填写规则）",
                       "Added the sheet \u201c{sheet}\u201d to workbook \u201c{workbook}\u201d (header on row {row}, entry "
                       "rules on {rows} rows)"),
    "template.choices_sheet": ("下拉选项", "Choices"),  # the hidden sheet of long drop-down lists
    "template.backup": ("原文件已备份到 {path}", "The file it replaced was backed up to {path}"),
    "template.exists": ("文件 {path} 已存在，未覆盖", "{path} already exists; not overwritten"),
    "template.exists_hint": ("换一个文件名，或加 --force 覆盖（原文件会先备份）",
                             "choose another name, or add --force to overwrite it (the file is backed up first)"),
    "template.is_register": ("{path} 是工作簿“{workbook}”（assistant.toml 的 [[workbooks]]），空白模板不会替换正在使用的台账",
                             "{path} is workbook \u201c{workbook}\u201d of assistant.toml's [[workbooks]]; a blank "
                             "template never replaces a register in use"),
    "template.is_register_hint": ("写到另一个文件，再把需要的内容复制过去", "write it to another file and copy across what you need"),
    "template.not_xlsx": ("模板只写成 .xlsx 文件：{path}", "A template is written as an .xlsx file only: {path}"),
    "template.not_xlsx_hint": ("把 -o 的文件名改为以 .xlsx 结尾", "give -o a file name ending in .xlsx"),
    "template.no_target": ("请指定写到哪里：-o 文件.xlsx，或 --workbook 工作簿名（Google 表格）",
                           "Say where to write it: -o FILE.xlsx, or --workbook NAME (a Google spreadsheet)"),
    "template.two_targets": ("-o 与 --workbook 只能用其中一个", "Give either -o or --workbook, not both"),
    "template.force_only_file": ("--force 只用于 -o 的文件：Google 表格中已有的工作表从不被替换",
                                 "--force is for an -o file only: a sheet already in a Google spreadsheet is never "
                                 "replaced"),
    "template.unknown_workbook": ("assistant.toml 中没有名为“{name}”的工作簿（可用：{known}）",
                                  "assistant.toml has no workbook named \u201c{name}\u201d (known: {known})"),
    "template.not_gsheets": ("工作簿“{workbook}”不是 Google 表格（source = {source}）",
                             "Workbook \u201c{workbook}\u201d is not a Google spreadsheet (source = {source})"),
    "template.not_gsheets_hint": ("本地文件请用 -o 文件.xlsx 生成模板", "for a local file, write the template with -o FILE.xlsx"),
    "template.sheet_exists": ("工作簿“{workbook}”中已有工作表“{sheet}”，未做任何改动",
                              "Workbook \u201c{workbook}\u201d already has a sheet \u201c{sheet}\u201d; nothing was changed"),
    "template.sheet_exists_hint": ("已有的工作表就是台账时无需模板；否则先在 Google 表格中给它改名",
                                   "if that sheet is the register, it needs no template; otherwise rename it in Google "
                                   "Sheets first"),
    "template.bad_sheet_name": ("台账 {register} 的工作表名“{sheet}”不能用作 Excel 工作表名（最多 31 个字符，不能含 []:*?/\\）",
                                "Register {register}'s sheet name \u201c{sheet}\u201d cannot name an Excel sheet (at most "
                                "31 characters, none of []:*?/\\)"),
    "template.bad_sheet_name_hint": ("在台账格式中用 sheet: 给一个较短的工作表名",
                                     "give a shorter sheet name with sheet: in the register's schema"),
    "template.cannot_write": ("无法写入 {path}：{detail}", "Cannot write {path}: {detail}"),
    "template.cannot_write_hint": ("检查文件夹是否存在、是否有写权限", "check that the folder exists and can be written"),
}
