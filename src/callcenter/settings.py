"""One Settings class, read from the environment (prefix ``CALLCENTER_``) and ``.env``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/callcenter.db"


class Settings(BaseSettings):
    """Runtime configuration. Switching from embedded to scale-out is configuration only."""

    model_config = SettingsConfigDict(env_prefix="CALLCENTER_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 5000
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=5, ge=0)
    redis_url: str | None = None
    redis_prefix: str = "cc:"
    secret_key: SecretStr = SecretStr("dev-only-change-me")
    # The base URL Twilio reaches (webhook URLs and signatures). Unset: http://HOST:PORT.
    public_url: str = ""
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    # Twilio's REST API (number search, purchase, configuration); another base only for a compatible proxy.
    twilio_api_url: str = "https://api.twilio.com"
    validate_twilio_signatures: bool = True
    allow_private_urls: bool = False
    # The server delivers pixels, webhooks and postbacks itself; false when `callcenter worker` processes do.
    run_outbox_worker: bool = True
    log_level: str = "INFO"
    log_json: bool = True
    # FastAPI's OpenTelemetry spans, metrics and logs, exported to the providers set up by the environment.
    # Off by default: even with no provider, the check for one costs every request ~50 us of CPU.
    opentelemetry: bool = False

    session_idle_minutes: int = Field(default=12 * 60, ge=1)
    session_absolute_hours: int = Field(default=7 * 24, ge=1)
    login_attempts_per_email: int = Field(default=10, ge=1)
    login_attempts_per_ip: int = Field(default=30, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    # Public DNI endpoint (/api/dni/track): requests per client IP per minute.
    dni_track_rate_per_minute: int = Field(default=300, ge=1)
    # A voice webhook (a call's first answer, a dial result, a flow step) answers within this, or the
    # caller is forwarded from the fallback cache. Twilio waits 15 s; a caller in silence should not.
    # At least 1.5 s: an RTB auction may take 1 s of it before the call's database work.
    voice_deadline_ms: int = Field(default=1500, ge=1500, le=14_000)
    # Status and recording callbacks: one past this is kept for the deferred writer to apply later.
    callback_deadline_ms: int = Field(default=2000, ge=1000, le=14_000)

    @model_validator(mode="after")
    def _default_public_url(self) -> Settings:
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        return self

    def twilio_signing_token(self) -> str:
        """The token Twilio signs webhooks with: the auth token, or (development without Twilio
        credentials) the secret key, which ``callcenter simulate`` signs with too."""
        token = self.twilio_auth_token or self.secret_key
        return token.get_secret_value()

    @property
    def cookie_secure(self) -> bool:
        """The session cookie is Secure exactly when the public URL is served over https."""
        return self.public_url.lower().startswith("https://")


@lru_cache
def get_settings() -> Settings:
    return Settings()
