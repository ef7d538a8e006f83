"""[calendar] and [writeback] in assistant.toml: parsed into dates, every mistake names the file
and the key and makes `assistant check` exit 2."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.config import load_config


@pytest.fixture
def folder(minimal_office):
    return minimal_office


def calendar_file(folder, text: str, name: str = "calendar.toml"):
    path = folder.root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_calendar_and_writeback_parsed(folder):
    calendar_file(folder, '[holidays]\n"2027-02-11" = "春节"\n"2027-02-07" = "文件里写成放假"\n'
                          '[workdays]\n2027-02-20 = "调休上班"\n')  # a bare TOML key is text too
    folder.write_config('[calendar]\nfile = "calendar.toml"\n'
                        '[calendar.holidays]\n"2027-02-08" = "春节"\n'
                        '[calendar.workdays]\n"2027-02-07" = "调休上班"\n'
                        '[writeback]\nkeep_backups = 3\n')
    config = load_config(folder.config)
    cal = config.calendar
    assert cal.holidays == {dt.date(2027, 2, 8): "春节", dt.date(2027, 2, 11): "春节"}
    # The config's own section wins over the shared file for the same day.
    assert cal.workdays == {dt.date(2027, 2, 7): "调休上班", dt.date(2027, 2, 20): "调休上班"}
    assert cal.file == (folder.root / "calendar.toml").resolve()
    assert config.keep_backups == 3
    assert folder.check().code == 0


def test_defaults(folder):
    folder.write_config()
    config = load_config(folder.config)
    assert config.keep_backups == 10
    assert config.calendar.holidays == {} and config.calendar.workdays == {} and config.calendar.file is None


@pytest.mark.parametrize("extra, key, expected", [
    ('[calendar.holidays]\n"2027-13-01" = "春节"\n', 'calendar.holidays."2027-13-01"', "YYYY-MM-DD"),
    ('[calendar.holidays]\n"2027-02-30" = "春节"\n', 'calendar.holidays."2027-02-30"', "YYYY-MM-DD"),
    ('[calendar.workdays]\n"2027-2-7" = "调休"\n', 'calendar.workdays."2027-2-7"', "YYYY-MM-DD"),
    ('[calendar.workdays]\n"20270207" = "调休"\n', 'calendar.workdays."20270207"', "YYYY-MM-DD"),
    ('[calendar.holidays]\n"2027-02-08" = true\n', 'calendar.holidays."2027-02-08"', "YYYY-MM-DD"),
    ('[calendar]\nholidays = ["2027-02-08"]\n', "calendar.holidays", "表"),
    ('[calendar]\nholiday = {}\n', "calendar.holiday", "是不是“holidays”"),
    ('[calendar]\nfile = 3\n', "calendar.file", "文字"),
    ('[calendar]\nfile = "nope.toml"\n', "calendar.file", "nope.toml"),
    ('[calendar]\nholidays = { "2027-02-08" = "春节" }\nworkdays = { "2027-02-08" = "上班" }\n',
     'calendar.workdays."2027-02-08"', "holidays"),
    ('[writeback]\nkeep_backups = 0\n', "writeback.keep_backups", "正整数"),
    ('[writeback]\nkeep_backups = "5"\n', "writeback.keep_backups", "整数"),
    ('[writeback]\nkeep_backups = true\n', "writeback.keep_backups", "整数"),
    ('[writeback]\nkeep_backup = 5\n', "writeback.keep_backup", "是不是“keep_backups”"),
])
def test_mistakes_in_the_config_name_file_and_key(folder, extra, key, expected):
    folder.write_config(extra)
    res = folder.check()
    assert res.code == 2, res.out
    assert "assistant.toml" in res.err and key in res.err and expected in res.err, res.err
    assert "Traceback" not in res.err + res.out


@pytest.mark.parametrize("text, key, expected", [
    ('[holidays]\n"2027-13-01" = "春节"\n', 'holidays."2027-13-01"', "YYYY-MM-DD"),
    ('[workdays]\n"2027-02-07" = 1\n', 'workdays."2027-02-07"', "YYYY-MM-DD"),
    ('[holidayz]\n"2027-02-08" = "春节"\n', "holidayz", "是不是“holidays”"),
    ('[holidays]\n"2027-02-08" = "春节"\n[workdays]\n"2027-02-08" = "上班"\n', 'workdays."2027-02-08"', "holidays"),
])
def test_mistakes_in_the_calendar_file_name_that_file(folder, text, key, expected):
    calendar_file(folder, text, "节假日.toml")
    folder.write_config('[calendar]\nfile = "节假日.toml"\n')
    res = folder.check()
    assert res.code == 2
    assert "节假日.toml" in res.err and key in res.err and expected in res.err, res.err
    assert "calendar.file" not in res.err  # the problem is inside the file, not the setting


def test_calendar_file_that_is_not_toml(folder):
    calendar_file(folder, '[holidays\n"2027-02-08" = "春节"\n')
    folder.write_config('[calendar]\nfile = "calendar.toml"\n')
    res = folder.check()
    assert res.code == 2 and "calendar.toml" in res.err and "格式有误" in res.err


def test_calendar_file_relative_to_the_config_not_the_working_directory(folder, tmp_path, monkeypatch):
    (folder.root / "conf").mkdir(parents=True)
    calendar_file(folder, '[workdays]\n"2027-02-07" = "调休上班"\n', "conf/cal.toml")
    folder.write_config('[calendar]\nfile = "conf/cal.toml"\n')
    monkeypatch.chdir(tmp_path)
    assert load_config(folder.config).calendar.workdays == {dt.date(2027, 2, 7): "调休上班"}


def test_english_messages(folder):
    folder.write_config('[calendar.holidays]\n"2027-13-01" = "春节"\n')
    res = folder.check("--lang", "en")
    assert res.code == 2 and 'calendar.holidays."2027-13-01"' in res.err and "not a valid date" in res.err
