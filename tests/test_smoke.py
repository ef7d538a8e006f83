from tests.conftest import run_cli


def test_cli_version():
    assert run_cli("--version").code == 0
