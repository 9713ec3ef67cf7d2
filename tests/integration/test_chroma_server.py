"""The index on a real Chroma server (`chroma run` on loopback, started by the test)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from app.core.config import Paths, Settings
from app.core.rag.index import TOKEN_SECRET
from app.core.rag.library import DocumentLibrary
from app.core.secrets import set_secret
from app.core.types import SovaError
from tests.fakes.embedder import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]
CHROMA = ROOT / ".venv" / "bin" / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    exe = shutil.which("chroma", path=str(CHROMA.parent)) or shutil.which("chroma")
    assert exe, "the chroma CLI ships with the chromadb package"
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server-db"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert proc.poll() is None, "chroma run exited"
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _lib(tmp_path: Path, port: int) -> DocumentLibrary:
    home = tmp_path / "home"
    paths = Paths(home / "config", home / "data", home / "cache", home / "models").ensure()
    settings = Settings()
    settings.documents.chroma_mode = "server"
    settings.documents.chroma_host = "127.0.0.1"
    settings.documents.chroma_port = port
    emb = FakeEmbedder("fake")
    return DocumentLibrary(paths, settings, embedder_factory=lambda n: emb)


@pytest.mark.enable_socket
def test_index_lives_on_a_chroma_server(chroma_server: int, tmp_path: Path, file_keyring: object) -> None:
    set_secret(TOKEN_SECRET, "s3cret-token")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Server side vectors about glaciers and fjords.", encoding="utf-8")
    (docs / "b.txt").write_text("Another file about deserts and camels.", encoding="utf-8")
    lib = _lib(tmp_path, chroma_server)
    assert lib.add_paths([docs]).indexed == 2
    client = lib._client
    assert type(client).__name__ == "Client" and client.get_settings().chroma_server_http_port == chroma_server
    assert client.get_settings().chroma_server_headers["Authorization"] == "Bearer s3cret-token"
    # The vectors are on the server, not in the local data dir.
    assert not (lib.paths.index / "chroma").exists()
    import chromadb

    other = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    assert "sova-fake" in [c.name for c in other.list_collections()]
    assert other.get_collection("sova-fake").count() == lib.registry.chunk_count() == 2
    cites = lib.retrieve("glaciers fjords", (), 2)
    assert cites[0].path.endswith("a.txt")
    lib.remove(docs / "b.txt")
    assert other.get_collection("sova-fake").count() == 1
    lib.close()


@pytest.mark.enable_socket
def test_unreachable_server_is_a_readable_error(tmp_path: Path) -> None:
    lib = _lib(tmp_path, _free_port())
    (tmp_path / "x.txt").write_text("text", encoding="utf-8")
    with pytest.raises(SovaError, match="Cannot reach the Chroma server"):
        lib.add_paths([tmp_path / "x.txt"])
    lib.close()
