"""Offline by construction: hub/telemetry switches set, inet sockets blocked in tests."""

from __future__ import annotations

import os
import socket

import pytest

from app.main import offline_environment


def test_offline_environment_variables() -> None:
    offline_environment()
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"


def test_inet_sockets_are_blocked_in_tests() -> None:
    with pytest.raises(Exception):
        socket.socket(socket.AF_INET).connect(("127.0.0.1", 9))


def test_unix_socket_pairs_still_work() -> None:
    a, b = socket.socketpair()
    a.sendall(b"x")
    assert b.recv(1) == b"x"
    a.close()
    b.close()
