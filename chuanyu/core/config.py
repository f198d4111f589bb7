"""Node settings, read from the environment (prefix CHUANYU_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Placeholders once printed in code or docs: refused everywhere, in development too.
DEV_SECRET = "dev-only-secret-change-me"
PLACEHOLDER_SECRETS = frozenset({DEV_SECRET, "change-me", "changeme", "secret"})
MIN_SECRET_LENGTH = 32
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
    # Signs session cookies. Unset: the node's generated secret file (see core/node_secret.py).
    secret_key: str | None = None
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    login_throttle_storage: str = "memory://"
    # Request bodies outside /exchange (which has max_body_bytes): JSON and plain forms, and
    # multipart uploads (streamed to disk by the form parser, counted as they arrive).
    max_json_bytes: int = 1024 * 1024
    max_upload_bytes: int = 32 * 1024 * 1024
    # Bulk imports (up to 200,000 rows per call), for signed-in officers only.
    max_import_bytes: int = 256 * 1024 * 1024
    max_clock_skew_s: int = 300
    max_body_bytes: int = 4 * 1024 * 1024
    # Unauthenticated exchange requests refused per client address and minute that are audited
    # one by one; past that they are answered 429 and only counted.
    exchange_refusals_per_minute: int = 60
    relay_enabled: bool = True
    tasks_enabled: bool = True
    relay_batch_size: int = 1000
    relay_poll_s: float = 0.5
    relay_max_backoff_s: float = 30.0
    call_timeout_s: float = 10.0
    # A certificate fetch whose reply was lost is retried under the same idempotency key.
    certificate_fetch_attempts: int = 3
    certificate_fetch_backoff_s: float = 0.5
    # A page waits this long for a call to the other region, then says it is waiting and
    # updates itself while the call goes on in the background.
    cross_region_wait_s: float = 2.0
    # Notices by e-mail (off while no host is set); security is none, starttls or ssl.
    notices_smtp_host: str | None = None
    notices_smtp_port: int = 587
    notices_smtp_from: str | None = None
    notices_smtp_security: str = "starttls"
    notices_smtp_username: str | None = None
    notices_smtp_password: str | None = None
    notices_smtp_timeout_s: float = 10.0
    # Further outbound channels (an SMS gateway…): comma-separated `package.module:factory`.
    notices_adapters: str = ""
    # Delivery attempts per notice and channel, with doubling waits between them.
    notices_max_attempts: int = 8
    notices_retry_base_s: float = 30.0
    notices_retry_max_s: float = 3600.0
    # Acknowledged outbox events are kept this long, then pruned (`chuanyu exchange prune`).
    outbox_retention_days: int = 30
    # /api/health answers 503 when the data folder's disk has less free space than this.
    min_free_disk_mb: int = 100
    audit_checkpoint_every: int = 1000
    audit_checkpoint_seconds: float = 60.0
    tls_note: str = "plain HTTP on loopback (demo); put TLS in front of nodes in production"
    # The address the public reaches this node's pages at (printed in QR codes of receipts and
    # licences). Unset: the node's base URL in the federation descriptor.
    public_url: str | None = None
    # The service window's address and hotline printed on receipts and notices.
    window_address: str | None = None
    window_hotline: str | None = None
    # Mutual TLS between nodes: this node's certificate and key (served, and presented to peers)
    # and the federation CA that signs every member's certificate (required of clients).
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None

    @field_validator("member")
    @classmethod
    def _known_member(cls, value: str) -> str:
        value = value.upper()
        if not value.isalnum() or len(value) > 8:
            raise ValueError("member must be a short alphanumeric id such as CQ or SC")
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        key = self.secret_key
        if key is not None and (key in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH):
            raise ValueError(f"CHUANYU_SECRET_KEY must be a random secret of at least "
                             f"{MIN_SECRET_LENGTH} characters (or unset, to use the node's "
                             f"generated secret file)")
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
