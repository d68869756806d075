"""Write access over HTTP: secure by default, token checked, uploads sanitised and bounded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.uploads import safe_filename
from tests.conftest import PLAN

TOKEN = "s3cret-token-2026"


@pytest.fixture()
def admin_client(tmp_path, model_path):
    settings = Settings(admin_token=TOKEN, max_upload_bytes=64 * 1024)
    app = create_app(tmp_path / "data", model_path, warm=False, settings=settings)
    with TestClient(app) as client:
        yield client


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: TestClient, name: str, data: bytes, headers: dict[str, str] | None = None):
    return client.post(
        "/documents",
        files={"file": (name, data, "text/plain")},
        headers=auth() if headers is None else headers,
    )


def test_without_a_configured_token_writes_are_forbidden(tmp_path, model_path):
    app = create_app(tmp_path / "data", model_path, warm=False, settings=Settings(admin_token=None))
    with TestClient(app) as client:
        response = upload(client, "a.txt", "第一条 测试。".encode(), headers=auth("anything"))
        assert response.status_code == 403
        assert client.delete("/documents/x", headers=auth("anything")).status_code == 403


def test_missing_or_wrong_tokens_are_refused(admin_client):
    assert upload(admin_client, "a.txt", b"x", headers={}).status_code == 401
    wrong = upload(admin_client, "a.txt", b"x", headers=auth("guess"))
    assert wrong.status_code == 403
    assert wrong.json()["error"]["message"] == "管理员令牌不正确"
    assert admin_client.delete("/documents/x", headers=auth("guess")).status_code == 403


def test_admin_uploads_searches_and_deletes_a_document(admin_client):
    response = upload(admin_client, PLAN.name, PLAN.read_bytes())
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["title"] == PLAN.stem and created["passages"] == 17
    assert upload(admin_client, PLAN.name, PLAN.read_bytes()).json()["status"] == "unchanged"

    results = admin_client.post("/search", json={"query": "主题党日"}).json()["results"]
    assert results and results[0]["document_id"] == created["document_id"]

    assert admin_client.delete(f"/documents/{created['document_id']}", headers=auth()).status_code == 204
    assert admin_client.get("/documents").json() == []
    assert admin_client.delete(f"/documents/{created['document_id']}", headers=auth()).status_code == 404


def test_an_oversized_upload_gets_413(admin_client):
    response = upload(admin_client, "big.txt", "党".encode() * 40_000)
    assert response.status_code == 413
    assert "文件过大" in response.json()["error"]["message"]


def test_an_unreadable_upload_gets_a_clear_error(admin_client):
    response = upload(admin_client, "表格.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert response.status_code == 422
    assert "表格.xls" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/abs/path/条例.txt", "条例.txt"),
        ("..", "upload"),
        ("a\x00b<>|:*?.txt", "ab______.txt"),
        ("", "upload"),
    ],
)
def test_client_file_names_cannot_escape_the_upload_folder(given, expected):
    assert safe_filename(given) == expected


def test_uploads_with_traversal_names_land_inside_the_data_folder(admin_client, tmp_path):
    doc = PLAN.read_bytes()
    response = upload(admin_client, "../../../逃逸.txt", doc)
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "逃逸.txt"
    assert not (tmp_path / "逃逸.txt").exists()
    stored = list((tmp_path / "data" / "uploads").rglob("逃逸.txt"))
    assert len(stored) == 1
    shutil.rmtree(stored[0].parent)


def test_an_upload_without_a_token_is_refused_before_its_body_is_read(admin_client):
    # Parsed, this broken multipart body would be a 400: the 401 shows it never was.
    response = admin_client.post(
        "/documents", content=b"--x\r\nbroken", headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_oversized_upload_without_a_declared_length_gets_413(admin_client):
    def chunked() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
        for _ in range(200):
            yield "党".encode() * 1000
        yield b"\r\n--x--\r\n"

    headers = {**auth(), "content-type": "multipart/form-data; boundary=x"}
    response = admin_client.post("/documents", content=chunked(), headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "文件过大：上限为 64 KB"
