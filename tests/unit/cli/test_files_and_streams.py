"""Files and streams: exports write what the user named, output errors are one line, the store is private,
a read-only or full disk still reads, imports refuse what is not a regular file."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from outmail_gui.paths import database_path
from outmail_gui.store import backups
from tests.unit.cli.servers_harness import run_servers
from tests.unit.cli.test_servers_entry_point import ROOT, SCRIPT, environment

BASIC = ("--server", "smtp.example.com", "--outgoing-email-id", "desk@example.com")


def add(data: Path, name: str) -> None:
    result = run_servers(data, "add", "--name", name, *BASIC)
    assert result.code == 0, result.err


def exported_names(text: str) -> list[str]:
    return [s["name"] for s in json.loads(text)["servers"]]


# --- item 6: export FILE --------------------------------------------------------------------------


def test_export_follows_a_symlink_and_keeps_it(data: Path, tmp_path: Path) -> None:
    add(data, "Main")
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run_servers(data, "export", str(link)).code == 0
    assert link.is_symlink() and exported_names(target.read_text()) == ["Main"]


def test_export_writes_into_a_fifo_directly(data: Path, tmp_path: Path) -> None:
    add(data, "Main")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert run_servers(data, "export", str(fifo)).code == 0
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and exported_names(received[0].decode()) == ["Main"]


def test_export_to_a_character_device_writes_it_and_leaves_the_node(data: Path, tmp_path: Path) -> None:
    add(data, "Main")
    node = tmp_path / "null"  # a private null device: a regression must never replace the system's /dev/null
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root (CAP_MKNOD)")
    assert run_servers(data, "export", str(node)).code == 0
    assert stat.S_ISCHR(node.lstat().st_mode) and not (tmp_path / ".null.partial").exists()


def test_export_keeps_the_mode_of_an_existing_file_and_makes_new_ones_private(data: Path, tmp_path: Path) -> None:
    add(data, "Main")
    existing = tmp_path / "shared.json"
    existing.write_text("old")
    existing.chmod(0o640)
    assert run_servers(data, "export", str(existing)).code == 0
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.json"
    assert run_servers(data, "export", str(fresh)).code == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_failed_export_leaves_no_partial_file(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add(data, "Main")

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    result = run_servers(data, "export", str(tmp_path / "out.json"))
    assert result.code == 1 and "No space left on device" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_export_to_a_directory_is_refused(data: Path, tmp_path: Path) -> None:
    add(data, "Main")
    result = run_servers(data, "export", str(tmp_path))
    assert result.code == 1 and "not a regular file" in result.err


# --- item 7: stdout write errors ------------------------------------------------------------------


def shell(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    """``outmail-gui --data-dir DATA COMMAND`` run by a shell, for redirections a test cannot make otherwise."""
    script = f"{shlex.quote(str(SCRIPT))} --data-dir {shlex.quote(str(tmp_path / 'data'))} {command}"
    return subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, env=environment(tmp_path), cwd=ROOT, timeout=60
    )


@pytest.mark.parametrize("command", ["servers list > /dev/full", "servers export - > /dev/full", "servers list >&-"])
def test_output_that_cannot_be_written_is_one_line_and_exit_1(tmp_path: Path, command: str) -> None:
    add(tmp_path / "data", "Main")
    done = shell(tmp_path, command)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("outmail-gui: ") and "Traceback" not in done.stderr


def test_probe_json_to_a_full_disk_is_one_line(tmp_path: Path) -> None:
    done = shell(tmp_path, "probe --json --server 127.0.0.1 --port 9 --timeout 2 > /dev/full")
    assert done.returncode == 1 and "No space left on device" in done.stderr and "Traceback" not in done.stderr


# --- item 8: permissions --------------------------------------------------------------------------


def test_the_store_is_private(data: Path) -> None:
    add(data, "Main")
    assert run_servers(data, "list").code == 0  # the second opening makes the daily backup
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [database_path(data), *backups.list_backups(data)]
    assert len(files) >= 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_a_loose_folder_is_tightened_and_said_once(data: Path) -> None:
    add(data, "Main")
    data.chmod(0o755)
    first = run_servers(data, "list")
    assert first.code == 0 and "warning: The data folder" in first.err and "now private (0700)" in first.err
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert "data folder" not in run_servers(data, "list").err


# --- item 9: read-only and full disks (a private mount namespace: root only) ---------------------


def _mounts_problem() -> str | None:
    try:
        done = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10)
    except OSError as exc:
        return str(exc)
    return None if done.returncode == 0 else done.stderr.decode().strip() or "unshare -m failed"


needs_mounts = pytest.mark.skipif(_mounts_problem() is not None, reason=f"no private mounts: {_mounts_problem()}")


def in_namespace(tmp_path: Path, setup: str, *commands: str) -> list[tuple[int, str, str]]:
    """Run each ``outmail-gui`` command after ``setup`` inside one private mount namespace."""
    marker = "::outcome::"
    script = setup + "".join(
        f"; {shlex.quote(str(SCRIPT))} --data-dir {shlex.quote(str(tmp_path / 'data'))} {c}"
        f" > {tmp_path}/out{i} 2> {tmp_path}/err{i}; echo {marker}$?"
        for i, c in enumerate(commands)
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=environment(tmp_path), timeout=120
    )
    codes = [int(line.split(marker)[1]) for line in done.stdout.splitlines() if marker in line]
    assert len(codes) == len(commands), done.stderr
    outs = [((tmp_path / f"out{i}").read_text(), (tmp_path / f"err{i}").read_text()) for i in range(len(commands))]
    return [(code, out, err) for code, (out, err) in zip(codes, outs, strict=True)]


@needs_mounts
def test_a_read_only_store_reads_and_refuses_writes_with_a_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add(data, "Main")
    ro = f"mount --bind {data} {data} && mount -o remount,bind,ro {data}"
    listed, exported, added = in_namespace(
        tmp_path, ro, "servers list --json", "servers export -", "servers add --name New " + shlex.join(BASIC)
    )
    assert listed[0] == 0 and [s["name"] for s in json.loads(listed[1])] == ["Main"]
    assert exported[0] == 0 and exported_names(exported[1]) == ["Main"]
    assert added[0] == 1 and "read-only" in added[2] and added[2].count("\n") == 1


@needs_mounts
def test_a_full_disk_says_disk_full_and_still_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    full = (
        f"mount -t tmpfs -o size=512k tmpfs {tmp_path}/data && {shlex.quote(str(SCRIPT))} --data-dir {data} "
        f"servers add --name Main {shlex.join(BASIC)} > /dev/null"
        f" && head -c 8000000 /dev/zero > {data}/filler 2>/dev/null; true"
    )
    data.mkdir()
    added, listed = in_namespace(
        tmp_path, full + "; true", "servers add --name New " + shlex.join(BASIC), "servers list"
    )
    assert added[0] == 1 and "the disk is full" in added[2] and "I/O" not in added[2]
    assert listed[0] == 0 and "Main" in listed[1]


# --- item 10: imports from what is not a regular file ----------------------------------------------


def test_import_refuses_a_fifo_at_once_and_a_device(data: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: opening it would wait for ever
    started = time.monotonic()
    for source in (fifo, Path("/dev/zero")):
        result = run_servers(data, "import", str(source))
        assert result.code == 2 and "not a regular file" in result.err and "use -" in result.err
    assert time.monotonic() - started < 10


# --- item 17: a failed daily backup is told ----------------------------------------------------------


def test_a_failed_daily_backup_is_a_warning_on_stderr(data: Path) -> None:
    add(data, "Main")
    (data / "backups").write_text("a file where the backup folder goes")
    result = run_servers(data, "list")
    assert result.code == 0 and "Main" in result.out
    assert result.err.startswith("outmail-gui: warning: The daily backup of the settings database could not")
