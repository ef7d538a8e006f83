"""`--help` in the reader's language: Chinese by default, English with `--lang en`.

The help of every command and option is a catalog key (assistant/messages_help.py), translated when
the help is shown, not when the command is defined. The language is the `--lang` given on the
command line (anywhere in it: `assistant check --help --lang en`), else Chinese: help comes before
any config is read, so `[office] lang` cannot decide it, and neither does $LANG (one default for
everyone, as for every other message).

Descriptions are wrapped by display width (a Chinese character takes two columns) and never cut
with "…" (click shortens a command's description in a group's list).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click

from assistant.i18n import LANGS, tr, using
from assistant.messages import CATALOG

# click's own help texts, as catalog keys
_CLICK = {"Show this message and exit.": "help.opt.help"}
LANG_KEY = "assistant.lang"  # where a group's --lang is kept for the command run under it (ctx.meta)


def lang_in(args: Sequence[str]) -> str:
    """The language `args` ask for with --lang (the last one wins), else Chinese."""
    lang = "zh"
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:] if arg.startswith("--lang=") else None
        if value in LANGS:
            lang = value
    return lang


def text(key: str | None) -> str:
    """A help key in the current language (a text that is no key is shown as it is)."""
    if not key:
        return ""
    key = _CLICK.get(key, key)
    if key not in CATALOG:
        return key
    raw = CATALOG[key][0] + CATALOG[key][1]
    return tr(key, jobs=_job_names() if "{jobs}" in raw else "")


def _job_names() -> str:
    from assistant.jobs import JOBS  # the registry loads only for the help that lists it

    return ", ".join(JOBS)


@contextlib.contextmanager
def _translated(param: click.Parameter) -> Iterator[None]:
    """`param`'s help translated while click formats it."""
    key = getattr(param, "help", None)
    if not key:
        yield
        return
    setattr(param, "help", text(key))  # an Option's attribute; click's type of Parameter lacks it  # noqa: B010
    try:
        yield
    finally:
        setattr(param, "help", key)  # noqa: B010


class _Formatter(click.HelpFormatter):
    """click's formatter, measuring text in terminal columns and wrapping Chinese between characters."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{tr('help.heading', name=heading)}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=tr("help.usage") if prefix is None else prefix)

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for n, paragraph in enumerate(text.split("\n\n")):
            if n:
                self.write("\n")
            for line in wrap(paragraph, max(self.width - self.current_indent, 11)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        from rich.cells import cell_len

        rows = list(rows)  # click 8.4 passes a sequence, 8.5 any iterable: read twice here
        first_col = min(max((cell_len(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cell_len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent, 10))
            self.write(f"{lines[0]}\n" if lines else "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")  # a Chinese character, or a word
_CLOSING = set("，。、：；）」』！？…")  # never at the start of a line: the character before it goes along


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal columns (a Chinese character takes two): broken
    between words and between Chinese characters, a word longer than a line cut, closing
    punctuation never at the start of a line."""
    from rich.cells import cell_len

    lines: list[str] = []
    for paragraph in text.splitlines():
        line, end = "", 0
        for m in _TOKEN.finditer(paragraph):
            token = m.group()
            gap = " " if line and m.start() > end else ""
            end = m.end()
            if not line or cell_len(line + gap + token) <= width:
                line += gap + token
                continue
            carried = line[-1] if token in _CLOSING and not gap and len(line) > 1 else ""
            lines.append(line[:len(line) - len(carried)])
            line = carried + token
            while cell_len(line) > width:  # a word longer than a line: cut
                cut = next(i for i in range(len(line), 0, -1) if cell_len(line[:i]) <= width)
                lines.append(line[:cut])
                line = line[cut:]
        if line or not lines:
            lines.append(line)
    return lines


class _Context(click.Context):
    formatter_class = _Formatter


class _Translated:
    """For a click command or group: its help, its options' help and click's headings translated."""

    help: str | None
    context_class: type[click.Context] = _Context

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first paragraph of the help, whole: a group lists its commands with it."""
        return text(self.help).split("\n\n")[0].strip()

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text(self.help))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            with _translated(param):
                record = param.get_help_record(ctx)
            if record is not None:
                rows.append(record)
        if rows:
            with formatter.section(tr("help.options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class TrCommand(_Translated, click.Command):
    pass


class TrGroup(_Translated, click.Group):
    command_class = TrCommand

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str()))
        if rows:
            with formatter.section(tr("help.commands")):
                formatter.write_dl(rows)


TrGroup.group_class = TrGroup  # sub-groups translate their help too


class RootGroup(TrGroup):
    """The program: help in the language the command line asks for (`lang_in`)."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kw: Any) -> Any:
        import sys

        with using(lang_in(sys.argv[1:] if args is None else list(args))):
            return super().main(args, *rest, **kw)


def remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """A group's --lang (`assistant --lang en check`): the command under it speaks it too."""
    if value:
        ctx.meta[LANG_KEY] = value


group_lang = click.option("--lang", type=click.Choice(list(LANGS)), default=None, expose_value=False,
                          callback=remember_lang, help="help.opt.lang")
