"""docgen init and finding the workspace."""

from __future__ import annotations

import tomllib

from click.testing import CliRunner

from docgen.cli.main import cli


def test_init_creates_config_registry_archive_and_index(tmp_path):
    home = tmp_path / "office"
    result = CliRunner().invoke(cli, ["--home", str(home), "init"])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((home / "docgen.toml").read_text(encoding="utf-8"))
    assert config["archive"]["fonds"] == "Z001"
    assert config["archive"]["category_code"] == "WS"
    assert config["archive"]["org_code"] == "XF"
    assert (home / "registry.sqlite").is_file()
    assert (home / "archive").is_dir() and (home / "index").is_dir()


def test_init_twice_keeps_the_edited_config(tmp_path):
    runner = CliRunner()
    runner.invoke(cli, ["--home", str(tmp_path), "init"])
    cfg = tmp_path / "docgen.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("示例县人大常委会", "桐庐县人大常委会", 1),
                   encoding="utf-8")
    result = runner.invoke(cli, ["--home", str(tmp_path), "init"])
    assert result.exit_code == 0
    assert "桐庐县人大常委会" in cfg.read_text(encoding="utf-8")


def test_commands_outside_a_workspace_say_so_with_exit_1(tmp_path):
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "list"])
    assert result.exit_code == 1
    assert "不是 docgen 工作区" in result.stderr
    assert "Traceback" not in result.output


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_HOME", str(tmp_path / "envhome"))
    result = CliRunner().invoke(cli, ["init", "--json"])
    assert result.exit_code == 0
    assert (tmp_path / "envhome" / "docgen.toml").is_file()


def test_broken_config_is_a_clear_error(tmp_path):
    runner = CliRunner()
    runner.invoke(cli, ["--home", str(tmp_path), "init"])
    (tmp_path / "docgen.toml").write_text("[office\nname=", encoding="utf-8")
    result = runner.invoke(cli, ["--home", str(tmp_path), "list"])
    assert result.exit_code == 1
    assert "配置文件" in result.stderr
