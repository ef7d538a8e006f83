"""`assistant schema …`: the admin's commands on register schemas (docs/commands.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli import Options, common, main, notices, say
from assistant.cli_help import group_lang
from assistant.errors import SchemaError
from assistant.i18n import tr


@main.group(help="help.schema")
@group_lang
def schema() -> None:
    pass


@schema.command("lint", help="help.schema_lint")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@common
def schema_lint(opts: Options, files: tuple[Path, ...]) -> int:
    from assistant.schema.loader import lint_files, office_schema_files

    if files:
        paths = list(files)
    else:
        from assistant.config import load_config

        paths = office_schema_files(load_config(opts.config_path).schemas_dir)
    registers, problems = lint_files(paths)
    if problems:
        raise SchemaError(problems)
    click.echo(tr("lint.ok", n=len(paths), registers=", ".join(registers)))
    return 0


@schema.command("export", help="help.schema_export")
@click.argument("register")
@common
def schema_export(opts: Options, register: str) -> int:
    from assistant.schema.export import table_schema

    office = opts.office()
    click.echo(json.dumps(table_schema(office.register(register)), ensure_ascii=False, indent=2))
    return 0


@schema.command("infer", help="help.schema_infer")
@click.argument("workbook", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--sheet", default=None, metavar="SHEET", help="help.opt.infer_sheet")
@click.option("--header-row", type=click.IntRange(min=1), default=None, metavar="N", help="help.opt.header_row")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="help.opt.infer_output")
@click.option("--register", "register", default=None, metavar="ID", help="help.opt.infer_register")
@click.option("--force", is_flag=True, help="help.opt.force_infer")
@common
def schema_infer(opts: Options, workbook: Path, sheet: str | None, header_row: int | None, output: Path | None,
                 register: str | None, force: bool) -> int:
    from assistant.schema.infer import infer_schema

    draft = infer_schema(workbook, sheet=sheet, header_row=header_row, register=register, lang=opts.lang,
                         output=output, force=force, config_path=opts.config_path)
    notices(draft.notices)
    if output is None:
        say(draft.yaml_text().rstrip("\n"))
    else:
        say(tr("infer.written", path=output), err=True)  # stdout holds results; the result is the file
    return 0


@schema.command("doc", help="help.schema_doc")
@click.argument("register", required=False)
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", help="help.opt.format_doc")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="help.opt.output_doc")
@click.option("--force", is_flag=True, help="help.opt.force_doc")
@common
def schema_doc(opts: Options, register: str | None, fmt: str, output: Path | None, force: bool) -> int:
    from assistant.schema.doc import make

    office = opts.office()
    text, written = make(office, register, fmt, opts.today(office), output, force)
    if written is None:
        click.echo(text, nl=False)
    else:
        click.echo(tr("reports.written", path=written), err=True)
    return 0


@main.command("template", help="help.template")
@click.argument("register")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.xlsx", help="help.opt.output_template")
@click.option("--workbook", default=None, metavar="NAME", help="help.opt.workbook_template")
@click.option("--rows", type=click.IntRange(1, 100_000), default=1000, metavar="N", help="help.opt.rows")
@click.option("--force", is_flag=True, help="help.opt.force_template")
@common
def template(opts: Options, register: str, output: Path | None, workbook: str | None, rows: int, force: bool) -> int:
    from assistant.template import make_template

    office = opts.office()
    done = make_template(office, register, opts.lang or "zh", output=output, workbook=workbook, rows=rows, force=force)
    if done.backup is not None:
        click.echo(tr("template.backup", path=done.backup))
    key = "template.written" if output is not None else "template.added"
    click.echo(tr(key, title=office.register(register).title, path=done.where, workbook=done.where,
                  sheet=done.sheet, row=done.header_row, rows=done.rows))
    return 0


@schema.command("diff", help="help.schema_diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="help.opt.format_diff")
@common
def schema_diff(opts: Options, old: Path, new: Path, fmt: str) -> int:
    from assistant.schema.diff import diff_files, diff_lines

    changes = diff_files(old, new)
    if fmt == "json":
        click.echo(json.dumps(changes.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in diff_lines(changes):
            say(line)
    return 0


@main.command("migrate", help="help.migrate")
@click.argument("register")
@click.option("--to", "to", required=True, type=click.Path(dir_okay=False, exists=False, path_type=Path),
              help="help.opt.migrate_to")
@click.option("--apply", "apply", is_flag=True, help="help.opt.migrate_apply")
@click.option("--workbook", default=None, metavar="NAME", help="help.opt.migrate_workbook")
@common
def migrate(opts: Options, register: str, to: Path, apply: bool, workbook: str | None) -> int:
    from assistant.migrate import migrate as run_migrate
    from assistant.migrate import migrate_lines, problem_lines

    office = opts.office()
    result = run_migrate(office, register, to, apply=apply, workbook=workbook, lang=opts.lang)
    for line in migrate_lines(result):
        say(line)
    for line in problem_lines(result):
        say(tr("cli.error") + line, err=True)
    return result.exit_code
