"""Checking where a command will write, before it does any work (issue 9: nothing lost).

Every command that writes calls `check_output_file` or `check_output_folder` first, with the paths it
reads: an output that is one of its inputs (compared after resolving `..` and symlinks), an existing
folder where a file is wanted (or a file where a folder is), a path under a file, or a place that
cannot be written is refused with one line naming the flag, so that no model is loaded and no scoring
is thrown away for want of a writable file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ifteval.errors import OutputPathError

PathLike = str | os.PathLike[str]


# what a command reads from a folder input (a run folder): its records; other files there (a judged.jsonl
# written beside them by an earlier command) may be written again
FOLDER_INPUTS = ("results.json", "samples_*.jsonl")


def input_files(paths: Iterable[PathLike | None]) -> list[Path]:
    """The resolved files a command reads: files as given, folders as the run records below them."""
    files: list[Path] = []
    for raw in paths:
        if raw is None or str(raw) == "":
            continue
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(p.resolve() for pattern in FOLDER_INPUTS for p in path.rglob(pattern) if p.is_file())
        elif path.exists():
            files.append(path.resolve())
    return files


def check_output_file(
    path: PathLike, flag: str, inputs: Iterable[PathLike | None] = (), example: str = "out.json"
) -> Path:
    """Refuse (OutputPathError) an output file that would replace an input or cannot be written."""
    out = Path(path).expanduser()
    if out.is_dir():
        raise OutputPathError(
            f"{flag} {out} is a folder; give a file name, e.g. {flag} {out / example}"
        )
    _refuse_inputs(out, flag, inputs)
    _check_writable_parent(out, flag)
    return out


def check_output_folder(path: PathLike, flag: str, inputs: Iterable[PathLike | None] = ()) -> Path:
    """Refuse an output folder that is a file, sits under a file, cannot be written, or is an input
    file itself; files written into it are checked against the inputs by `check_output_file`."""
    out = Path(path).expanduser()
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"{flag} {out} exists and is not a folder (it is a file); give a folder path")
    inputs = list(inputs)
    for given in (g for g in inputs if g is not None and str(g)):
        if Path(given).is_dir() and Path(given).resolve() == out.resolve():
            raise OutputPathError(
                f"{flag} {out} is the input folder {given}; its files could be overwritten. Choose another "
                f"{flag} folder"
            )
    _refuse_inputs(out, flag, inputs)
    if out.is_dir():
        _probe_write(out, out, flag)
    else:
        _check_writable_parent(out, flag)
    return out


def _refuse_inputs(out: Path, flag: str, inputs: Iterable[PathLike | None]) -> None:
    target = out.resolve()
    for given in inputs:
        if given is None or str(given) == "":
            continue
        for source in input_files([given]):
            if source == target:
                shown = str(given) if Path(given).resolve() == target else f"{source} (read from {given})"
                raise OutputPathError(
                    f"{flag} {out} is an input of this command ({shown}); it would be overwritten and the "
                    f"input lost. Choose another {flag} path"
                )


def _check_writable_parent(out: Path, flag: str) -> None:
    """The nearest existing ancestor must be a folder we can create files in."""
    ancestor = out.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputPathError(
            f"{flag} {out} lies under {ancestor}, which is a file, not a folder, so no folder can be made "
            "there; choose a path in a folder"
        )
    _probe_write(ancestor, out, flag)


def _probe_write(folder: Path, out: Path, flag: str) -> None:
    """Create and remove a temporary file: permissions, read-only mounts and /proc all answer truly."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ifteval-write-check-")
    except OSError as exc:
        raise OutputPathError(
            f"{flag} {out} cannot be written: {folder} does not accept new files ({exc.strerror}); "
            "choose a writable folder"
        ) from None
    os.close(fd)
    os.unlink(tmp)
