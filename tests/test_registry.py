"""registry.yaml is the index of every plugin: each entry must resolve, and nothing may be unlisted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ifteval.errors import ConfigError, UnknownNameError
from ifteval.judges import judge_kinds, load_spec
from ifteval.registry import Registry, load_registry, plugin_root

ROOT = Path(__file__).resolve().parents[1]


def test_plugin_root_is_the_checkout() -> None:
    assert plugin_root() == ROOT


def test_every_judge_preset_is_named_by_its_file_stem() -> None:
    index = load_registry()
    assert index.judge_paths == [ROOT / "ifteval_judges"]
    assert "gold" in index.judges and "gpt4" in index.judges
    for name, path in index.judges.items():
        spec = load_spec(name)
        assert spec.name == name == path.stem
        assert spec.kind in index.judge_kinds, f"judge '{name}' has unregistered kind '{spec.kind}'"


def test_every_judge_kind_imports() -> None:
    kinds = judge_kinds()
    for kind in kinds.names():
        assert callable(kinds.get(kind)), kind


def test_every_preset_file_is_registered_and_the_old_folder_name_works() -> None:
    """registry.yaml lists the folder; judges/ (the design card's name) is a link to ifteval_judges/."""
    registered = {p.resolve() for p in load_registry().judges.values()}
    on_disk = {p.resolve() for p in (ROOT / "ifteval_judges").glob("*.yaml")}
    assert on_disk == registered and len(on_disk) == 16
    old, new = load_spec(str(ROOT / "judges" / "gpt4.yaml")), load_spec("gpt4")
    assert (old.name, old.kind, old.args) == (new.name, new.kind, new.args) == ("gpt4", "llm", new.args)
    assert {p.resolve() for p in (ROOT / "judges").glob("*.yaml")} == on_disk


def test_preset_name_field_must_repeat_the_file_stem(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("kind: rouge\nargs: {rouge_type: rouge2}\n")
    assert load_spec(str(tmp_path / "mine.yaml")).name == "mine"
    (tmp_path / "other.yaml").write_text("name: mine\nkind: rouge\n")
    with pytest.raises(ConfigError, match=r"other.yaml: field 'name' is 'mine', but a preset's name is its"
                                          r" file stem 'other'"):
        load_spec(str(tmp_path / "other.yaml"))


def test_registry_judges_must_be_folders(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text("version: 1\njudges:\n  gold: judges/gold.yaml\n")
    with pytest.raises(ConfigError, match=r"registry.yaml: field 'judges' must be a list of folder paths"):
        load_registry(path)
    path.write_text("version: 1\njudges: [nowhere]\n")
    with pytest.raises(ConfigError, match=r"field 'judges' lists .*nowhere, which is not a folder"):
        load_registry(path)


def test_every_task_yaml_stem_matches_its_task_name() -> None:
    folders = load_registry().task_paths
    assert folders and all(folder.is_dir() for folder in folders)
    found = 0
    for folder in folders:
        for path in folder.rglob("*.yaml"):
            data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # tolerate !function tags
            if isinstance(data, dict) and "group" in data:
                assert data["group"] == path.stem, f"{path}: group '{data['group']}' != file name"
            elif isinstance(data, dict) and "task" in data:
                assert data["task"] == path.stem, f"{path}: task '{data['task']}' != file name"
                found += 1
    assert found >= 20  # 7 paper tasks + 13 Alpaca categories


def test_registry_collision_names_both_targets() -> None:
    registry: Registry[str] = Registry("judge")
    registry.register("rouge1", "a.b:c", origin="one.yaml")
    with pytest.raises(ConfigError, match="one.yaml.*two.yaml"):
        registry.register("rouge1", "x.y:z", origin="two.yaml")


def test_unknown_name_suggests_the_closest() -> None:
    registry: Registry[str] = Registry("judge")
    registry.register("rouge1", "a.b:c")
    with pytest.raises(UnknownNameError, match="Did you mean 'rouge1'"):
        registry.get("rogue1")


def test_bad_registry_key_is_reported_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text("version: 1\njudgess: {}\n")
    with pytest.raises(ConfigError, match=r"registry.yaml: unknown key 'judgess'. Did you mean 'judges'"):
        load_registry(path)
