"""Node settings, read from the environment (prefix CHUANYU_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"
MEMBERS = ("CQ", "SC")


class Settings(BaseSettings):
    """Everything a node reads at start-up."""

    model_config = SettingsConfigDict(env_prefix="CHUANYU_", env_file=None, extra="ignore")

    environment: str = "development"
    member: str = "CQ"
    var_dir: Path = Path("var")
    federation_dir: Path | None = None
    database_url: str | None = None
    database_schema: str | None = None
    # Page cache per SQLite connection (allocated as pages are read, up to this): the default
    # 2 MB thrashes once a table's indexes outgrow it, as in bulk loads of large boards.
    sqlite_cache_mb: int = 32
    secret_key: str = DEV_SECRET
    max_clock_skew_s: int = 300
    max_body_bytes: int = 4 * 1024 * 1024
    relay_enabled: bool = True
    tasks_enabled: bool = True
    relay_batch_size: int = 1000
    relay_poll_s: float = 0.5
    relay_max_backoff_s: float = 30.0
    call_timeout_s: float = 10.0
    audit_checkpoint_every: int = 1000
    audit_checkpoint_seconds: float = 60.0
    tls_note: str = "plain HTTP on loopback (demo); put TLS in front of nodes in production"

    @field_validator("member")
    @classmethod
    def _known_member(cls, value: str) -> str:
        value = value.upper()
        if not value.isalnum() or len(value) > 8:
            raise ValueError("member must be a short alphanumeric id such as CQ or SC")
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key == DEV_SECRET:
            raise ValueError("CHUANYU_SECRET_KEY must be set to a real secret outside development")
        return self

    @property
    def federation_path(self) -> Path:
        """Folder holding the federation descriptor and keys."""
        return self.federation_dir or self.var_dir / "federation"

    def sqlite_path(self) -> Path:
        """The node's SQLite file when no database URL is set."""
        return self.var_dir / f"{self.member}.db"

    def for_member(self, member: str) -> Settings:
        """The same settings for another member of the federation."""
        return self.model_copy(update={"member": member.upper()})


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
