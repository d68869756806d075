"""Responses the hot endpoints return as they are."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def as_json(model: BaseModel) -> Response:
    """`model` as its JSON. It was validated when it was built; returned as a Response, FastAPI does not
    validate it again against the route's response model (a second pass over every result, on a worker
    thread: about a millisecond of each /search). The route's response_model still documents it."""
    return Response(model.model_dump_json(), media_type="application/json")
