"""The ``callcenter`` command: serve, migrate, manage users, seed the demo account."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service as accounts
from callcenter.accounts.demo import seed_demo
from callcenter.kit.db import Database
from callcenter.kit.errors import AppError
from callcenter.kit.logging import configure_logging
from callcenter.kit.migrate import upgrade
from callcenter.models.accounts import Role
from callcenter.settings import get_settings

app = typer.Typer(help="CallCenter Pro: pay-per-call and call tracking.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
users_app = typer.Typer(help="User management.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
simulate_app = typer.Typer(help="Drive the running server as Twilio would.", no_args_is_help=True)
app.add_typer(simulate_app, name="simulate")

T = TypeVar("T")


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        database = Database(get_settings())
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Defaults to CALLCENTER_HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="Defaults to CALLCENTER_PORT or 5000")] = None,
) -> None:
    """Apply pending migrations, then serve the API and the web console."""
    import uvicorn

    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    upgrade(settings.database_url)
    uvicorn.run(
        "callcenter.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        proxy_headers=True,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight at once")] = 32,
    poll_interval: Annotated[float, typer.Option(min=0.01, help="Seconds between looks for due work")] = 0.5,
    lease_margin: Annotated[
        float, typer.Option(min=0.1, help="Seconds a claim outlives its request's timeout")
    ] = 30.0,
) -> None:
    """Deliver pixels, webhooks and postbacks from the outbox (any number of workers on PostgreSQL)."""
    from callcenter.worker.outbox import run_worker_process

    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    asyncio.run(
        run_worker_process(
            settings, concurrency=concurrency, poll_interval_s=poll_interval, lease_margin_s=lease_margin
        )
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations (creates the database on first run)."""
    upgrade(get_settings().database_url)
    typer.echo("database is up to date")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    account: Annotated[str | None, typer.Option(help="Name of a new account for this user")] = None,
    role: Annotated[Role, typer.Option()] = Role.OWNER,
) -> None:
    """Create a user, in a new account named --account (default: the email's)."""

    async def work(session: AsyncSession) -> str:
        new_account = await accounts.create_account(session, name=account or email)
        user = await accounts.add_user(session, new_account, email=email, password=password, role=role)
        return f"created {user.email} ({user.role}) in account {new_account.name!r}"

    upgrade(get_settings().database_url)
    try:
        typer.echo(_in_transaction(work))
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def demo() -> None:
    """Seed the demo account (idempotent) and print its login."""
    upgrade(get_settings().database_url)
    seed = _in_transaction(seed_demo)
    state = "created" if seed.created else "already present"
    typer.echo(f"demo account {state}: login {seed.email} / {seed.password}")


@app.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option(help="Write here (only when it changed) instead of printing")
    ] = None,
) -> None:
    """Print the API's OpenAPI document without starting a server (the web console's types come from it)."""
    import json

    from callcenter.app import create_app
    from callcenter.settings import Settings

    # An in-memory database: the document needs the app's routes, not a database file on disk.
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///:memory:", redis_url=None)
    document = json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True) + "\n"
    if output is None:
        typer.echo(document, nl=False)
    elif not output.is_file() or output.read_text() != document:
        output.write_text(document)


@simulate_app.command("call")
def simulate_call(
    to: Annotated[str, typer.Option("--to", help="The tracking number called (E.164)")],
    from_: Annotated[str, typer.Option("--from", help="The caller's number")],
    digits: Annotated[
        str,
        typer.Option(
            help="Keys pressed at each prompt: 12 (one key per menu), or a comma list such as 94105,,1 "
            "(an empty entry stays silent at that prompt)"
        ),
    ] = "",
    outcome: Annotated[
        str, typer.Option(help="answered|no-answer|busy|failed; comma list per dial, the last repeats")
    ] = "answered",
    duration: Annotated[int, typer.Option(help="Seconds of conversation once answered")] = 90,
    caller_state: Annotated[str | None, typer.Option(help="The caller's US state, e.g. CA")] = None,
    server: Annotated[str | None, typer.Option(help="Server address; default http://HOST:PORT")] = None,
) -> None:
    """Make one call through the running server's webhooks (signed), print each step and the journey."""
    from callcenter.telephony.simulate import simulate_call as run

    settings = get_settings()
    code = asyncio.run(
        run(
            settings,
            server_url=server or f"http://{settings.host}:{settings.port}",
            to=to,
            from_=from_,
            outcomes=[o.strip() for o in outcome.split(",") if o.strip()],
            duration=duration,
            caller_state=caller_state,
            digits=digits.split(",") if "," in digits else list(digits),
            echo=typer.echo,
        )
    )
    raise typer.Exit(code)


if __name__ == "__main__":
    app()
