"""The sentences `assistant migrate` prints about a new column's entry rule and number format, as
(Chinese, English)."""

WIRE: dict[str, tuple[str, str]] = {  # assembled into CATALOG by assistant.messages
    "migrate.entry": ("第 {first}–{last} 行设{what}", "rows {first}–{last} get {what}"),
    "migrate.entry.sep": ("、", ", "),
    "migrate.entry.list": ("下拉选择", "a drop-down list"),
    "migrate.entry.date": ("日期校验", "a date check"),
    "migrate.entry.whole": ("整数校验", "a whole-number check"),
    "migrate.entry.decimal": ("数字校验", "a number check"),
    "migrate.entry.length": ("字数校验", "a text-length check"),
    "migrate.entry.any": ("填写提示", "an input prompt"),
    "migrate.entry.format": ("格式 {format}", "the format {format}"),
}
