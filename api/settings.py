"""Server settings, from the environment: secure by default (no token → no writes)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MAX_UPLOAD_MB = 50


@dataclass(frozen=True, slots=True)
class Settings:
    admin_token: str | None = None  # DJKB_ADMIN_TOKEN; unset: write endpoints answer 403
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024  # DJKB_MAX_UPLOAD_MB

    @classmethod
    def from_env(cls) -> Settings:
        token = os.environ.get("DJKB_ADMIN_TOKEN") or None
        megabytes = float(os.environ.get("DJKB_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
        return cls(admin_token=token, max_upload_bytes=int(megabytes * 1024 * 1024))
