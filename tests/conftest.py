"""Shared fixtures: the regulation texts beside the repo, the demo plan, the real model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
PLAN = CORPUS / "2022年市商务局党的建设工作要点.txt"


def shared_dir() -> Path:
    return Path(os.environ.get("DJKB_SHARED", REPO.parent / "shared")).resolve()


def _require(path: Path) -> Path:
    """Shared material is required in CI: there a missing path fails the test instead of skipping it."""
    if not path.exists():
        message = f"shared material missing: {path} (set DJKB_SHARED)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def regulations_dir() -> Path:
    return _require(shared_dir() / "corpus" / "regulations")


@pytest.fixture(scope="session")
def regulation_paths(regulations_dir: Path) -> list[Path]:
    return sorted(regulations_dir.glob("*.txt"))


@pytest.fixture(scope="session")
def dev_questions_path() -> Path:
    return _require(shared_dir() / "eval" / "dev.jsonl")


@pytest.fixture(scope="session")
def plan_path() -> Path:
    return PLAN


@pytest.fixture(scope="session")
def model_path() -> Path:
    from index.model_build import ensure_default_model

    return ensure_default_model()


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory, model_path: Path, regulation_paths: list[Path]):
    """The demo plan and the five regulations, ingested once per test run with the real model."""
    from index.knowledge_base import KnowledgeBase

    kb = KnowledgeBase(tmp_path_factory.mktemp("data"), model_path)
    results = kb.ingest([PLAN, *regulation_paths])
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    return kb


@pytest.fixture(scope="session")
def client(library):
    """The HTTP API over the shared library (same loaded model and index as the other tests)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(library.data_dir, library.model_path, warm=False)
    app.state.kb = library
    with TestClient(app) as c:
        yield c
