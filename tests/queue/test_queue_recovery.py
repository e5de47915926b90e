"""Telling a dead job executor on this machine from a live one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from kitapbridge.queue.recovery import Executor, process_is_alive


def test_this_process_is_alive() -> None:
    assert process_is_alive(os.getpid())


def test_a_reaped_process_is_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_is_alive(child.pid)


def test_a_zombie_is_dead() -> None:
    # An exited child nobody has waited for yet is a zombie: kill(pid, 0) still succeeds.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    try:
        assert not process_is_alive(child.pid)
    finally:
        child.wait()


def test_executor_is_local_only_on_this_host() -> None:
    assert Executor(socket.gethostname(), 1).is_local()
    assert not Executor("worker-7.example.kz", 1).is_local()
    assert str(Executor("worker-7.example.kz", 4242)) == "pid 4242 on worker-7.example.kz"
