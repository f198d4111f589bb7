"""The `chuanyu` command: federation, nodes, exchange, audit, accounts, demo and every domain."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from chuanyu import domains
from chuanyu.cli_support import MemberOption, node_session, open_cli_node
from chuanyu.core import runtime
from chuanyu.core.config import get_settings
from chuanyu.core.db import write_scope
from chuanyu.core.errors import ChuanyuError
from chuanyu.exchange.cli import audit_app, exchange_prune, federation_set_tls

app = typer.Typer(help="川渝通办 Chuanyu: Sichuan–Chongqing cross-region services",
                  no_args_is_help=True)
federation_app = typer.Typer(help="Create and inspect the federation descriptor",
                             no_args_is_help=True)
node_app = typer.Typer(help="Run a region node", no_args_is_help=True)
exchange_app = typer.Typer(help="Exchange backlog, relay and probes", no_args_is_help=True)
users_app = typer.Typer(help="Local accounts and API tokens", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations", no_args_is_help=True)
app.add_typer(federation_app, name="federation")
app.add_typer(node_app, name="node")
app.add_typer(exchange_app, name="exchange")
app.add_typer(audit_app, name="audit")
federation_app.command("set-tls")(federation_set_tls)
exchange_app.command("prune")(exchange_prune)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")

console = Console(stderr=True)
out = Console()


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Chuanyu command line."""
    runtime.tune_garbage_collector()
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@federation_app.command("init")
def federation_init(
    dir: Annotated[Path | None, typer.Option("--dir", help="Federation folder")] = None,
    cq_url: Annotated[str, typer.Option(help="Base URL of the CQ node")] = "http://127.0.0.1:8001",
    sc_url: Annotated[str, typer.Option(help="Base URL of the SC node")] = "http://127.0.0.1:8002",
    new_keys: Annotated[bool, typer.Option(help="Replace existing keys")] = False,
    cq_tls_cert: Annotated[Path | None, typer.Option(help="CQ's TLS certificate to pin")] = None,
    sc_tls_cert: Annotated[Path | None, typer.Option(help="SC's TLS certificate to pin")] = None,
) -> None:
    """Create the federation: joint-office key, one Ed25519 key per member, signed descriptor."""
    from chuanyu.core import node_secret
    from chuanyu.exchange import federation
    from chuanyu.exchange.registry import SERVICES, STREAMS
    from chuanyu.exchange.transport import file_fingerprint

    domains.load_handlers()
    target = dir or get_settings().federation_path
    offered = {m: sorted(SERVICES) for m in federation.DEFAULT_MEMBERS}
    streams = {m: sorted(STREAMS) for m in federation.DEFAULT_MEMBERS}
    pins = {m: file_fingerprint(c) for m, c in (("CQ", cq_tls_cert), ("SC", sc_tls_cert)) if c}
    descriptor = federation.init(target, urls={"CQ": cq_url, "SC": sc_url}, services=offered,
                                 streams=streams, keep_keys=not new_keys, tls_fingerprints=pins)
    for member_id in descriptor.members:
        node_secret.generate(node_secret.federation_secret_path(target, member_id),
                             replace=new_keys)
    out.print(f"federation written to {target} ({len(descriptor.members)} members, "
              f"{len(SERVICES)} services, {len(STREAMS)} streams)")


@federation_app.command("show")
def federation_show(dir: Annotated[Path | None, typer.Option("--dir")] = None) -> None:
    """Print the verified descriptor's members, services and streams."""
    from chuanyu.exchange import federation

    descriptor = federation.load(dir or get_settings().federation_path)
    table = Table("member", "name", "region", "base URL", "services", "streams")
    for m in descriptor.members.values():
        table.add_row(m.id, m.name, m.region_code, m.base_url,
                      str(len(descriptor.data["services"][m.id])),
                      str(len(descriptor.data["streams"][m.id])))
    out.print(table)


@node_app.command("serve")
def node_serve(
    member: MemberOption = "CQ",
    port: Annotated[int | None, typer.Option(help="Port (CQ 8001, SC 8002 by default)")] = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    federation_dir: Annotated[Path | None, typer.Option("--federation")] = None,
    tls_cert: Annotated[Path | None, typer.Option(
        "--tls-cert", "--ssl-certfile", help="TLS certificate (PEM)")] = None,
    tls_key: Annotated[Path | None, typer.Option(
        "--tls-key", "--ssl-keyfile", help="TLS private key (PEM)")] = None,
    tls_client_ca: Annotated[Path | None, typer.Option(
        "--tls-client-ca", help="CA that signs member certificates (required of clients)")] = None,
    workers: Annotated[int, typer.Option(
        help="Worker processes (PostgreSQL only; one of them runs the relay and indexer)")] = 1,
) -> None:
    """Start one region node on its own database (migrations run first)."""
    from chuanyu import serve

    settings = get_settings().for_member(member)
    if federation_dir is not None:
        settings = settings.model_copy(update={"federation_dir": federation_dir})
    given = {"tls_cert": tls_cert, "tls_key": tls_key, "tls_client_ca": tls_client_ca}
    settings = settings.model_copy(update={k: v for k, v in given.items() if v is not None})
    if settings.tls_cert is not None:
        settings = settings.model_copy(update={"tls_note": "mutual TLS (client certificates "
                                               "required)" if settings.tls_client_ca else "TLS"})
    port = port or (8001 if settings.member == "CQ" else 8002)
    try:
        serve.check_workers(settings, workers)
    except serve.SingleProcessOnly as exc:
        console.print(f"错误：{exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    serve.serve(settings, host=host, port=port, workers=workers)


@node_app.command("work")
def node_work(
    member: MemberOption = "CQ",
    federation_dir: Annotated[Path | None, typer.Option("--federation")] = None,
) -> None:
    """Run the node's once-per-node work (relay, audit checkpoints, jobs indexer and sweeps)
    without serving HTTP: it leads while it holds the node's PostgreSQL leader lock and waits
    as a standby otherwise (PostgreSQL only: on SQLite `node serve` does this work itself)."""
    from chuanyu import serve

    settings = get_settings().for_member(member)
    if federation_dir is not None:
        settings = settings.model_copy(update={"federation_dir": federation_dir})
    if not serve.on_postgresql(settings):
        console.print("错误：node work needs PostgreSQL (CHUANYU_DATABASE_URL): a node on SQLite "
                      "is one process, and node serve runs this work itself", soft_wrap=True)
        raise typer.Exit(2)
    console.print(f"{member}: once-per-node work running (standby while another process "
                  f"leads); Ctrl-C to stop")
    serve.work(settings)


@exchange_app.command("status")
def exchange_status(member: MemberOption = "CQ",
                    as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Outbox backlog and lag per subscriber, inbox cursors, last audit checkpoint."""
    from chuanyu.exchange import status

    with node_session(member) as (node, session):
        summary = status.summary(session=session, node=node)
    if as_json:
        out.print_json(json.dumps(summary, ensure_ascii=False))
        return
    table = Table("subscriber", "stream", "published", "acked", "backlog", "lag s", "last error",
                  title=f"{member} outbound")
    for r in summary["outbound"]:
        table.add_row(r["subscriber"], r["stream"], str(r["published"]), str(r["acked"]),
                      str(r["backlog"]), str(r["lag_s"] or "—"), r["last_error"] or "")
    out.print(table)
    inbound = Table("producer", "stream", "applied", "held", "last error", title="inbound")
    for r in summary["inbound"]:
        inbound.add_row(r["producer"], r["stream"], str(r["applied"]), str(r["held"]),
                        r["last_error"] or "")
    out.print(inbound)
    refused = Table("code", "messages", title="refusals (newest audit entries)")
    for code, count in summary["refusals"].items():
        refused.add_row(code, str(count))
    for r in summary["refused_events"]:
        refused.add_row(f"{r['code']} ({r['producer']} {r['stream']}, last seq {r['last_seq']})",
                        str(r["events"]))
    out.print(refused)
    out.print(f"audit entries: {summary['audit_entries']}; last checkpoint: "
              f"{summary['last_checkpoint']}")


@exchange_app.command("relay")
def exchange_relay(member: MemberOption = "CQ") -> None:
    """Run the relay as its own process (set CHUANYU_RELAY_ENABLED=false on the node)."""
    node = open_cli_node(member)
    from chuanyu.exchange.relay import Relay

    relay = Relay(node)
    node.relay = relay
    console.print(f"relay for {member} running; Ctrl-C to stop")
    try:
        relay.run()
    except KeyboardInterrupt:
        pass
    finally:
        node.close()


@exchange_app.command("probe")
def exchange_probe(member: MemberOption = "CQ",
                   count: Annotated[int, typer.Option(help="Events to publish")] = 1) -> None:
    """Publish `count` events on the probe stream (delivery checks)."""
    from chuanyu.exchange.builtin import PROBE_STREAM
    from chuanyu.exchange.outbox import publish

    with node_session(member) as (_node, session):
        for i in range(count):
            publish(
                session=session,
                stream=PROBE_STREAM,
                event_type="probe",
                payload={"note": f"probe {i + 1}"},
            )
    out.print(f"published {count} probe events on {member}")


@exchange_app.command("ping")
def exchange_ping(member: MemberOption = "CQ",
                  to: Annotated[str, typer.Option(help="Member to ping")] = "SC") -> None:
    """Make one signed call to another member's `exchange.ping`."""
    node = open_cli_node(member)
    try:
        out.print(node.exchange.call(to, "exchange.ping", {"note": "cli"}))
    except ChuanyuError as exc:
        console.print(f"ping {member} → {to} failed: {exc.detail} ({exc.code})", soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        node.close()


@users_app.command("create")
def users_create(
    username: str,
    roles: Annotated[str, typer.Option(help="Comma-separated roles")],
    member: MemberOption = "CQ",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)] = "",
    display_name: Annotated[str | None, typer.Option()] = None,
    subject_id: Annotated[str | None, typer.Option(help="Resident ID or USCC")] = None,
) -> None:
    """Create a local account on a node."""
    from chuanyu.core.security import create_user

    with node_session(member) as (_node, session):
        create_user(session=session, username=username, password=password,
                    roles=[r.strip() for r in roles.split(",") if r.strip()],
                    display_name=display_name, subject_id=subject_id)
    out.print(f"account {username} created on {member}")


@users_app.command("token")
def users_token(username: str, member: MemberOption = "CQ",
                days: Annotated[int, typer.Option()] = 30) -> None:
    """Issue an API bearer token for an account (printed once)."""
    from sqlalchemy import select

    from chuanyu.core.models import User
    from chuanyu.core.security import issue_token

    with node_session(member) as (_node, session):
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise typer.BadParameter(f"no account {username} on {member}")
        out.print(issue_token(session=session, user=user, name="cli", days=days))


def _account(session: Any, username: str, member: str) -> Any:
    from sqlalchemy import select

    from chuanyu.core.models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise typer.BadParameter(f"no account {username} on {member}")
    return user


@users_app.command("password")
def users_password(
    username: str,
    member: MemberOption = "CQ",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)] = "",
) -> None:
    """Set an account's password; its browser sessions end."""
    from chuanyu.core.security import set_password

    with node_session(member) as (_node, session):
        set_password(session=session, user=_account(session, username, member), password=password)
    out.print(f"password of {username} changed on {member}; its sessions ended")


@users_app.command("roles")
def users_roles(
    username: str,
    roles: Annotated[str, typer.Option(help="Comma-separated roles")],
    member: MemberOption = "CQ",
) -> None:
    """Replace an account's roles; its browser sessions end."""
    from chuanyu.core.security import set_roles

    with node_session(member) as (_node, session):
        set_roles(session=session, user=_account(session, username, member),
                  roles=[r.strip() for r in roles.split(",") if r.strip()])
    out.print(f"roles of {username} on {member}: {roles}; its sessions ended")


@db_app.command("upgrade")
def db_upgrade(member: MemberOption = "CQ") -> None:
    """Apply every pending migration to a node's database."""
    node = open_cli_node(member)
    node.close()
    out.print(f"{member}: database at the newest revision")


@app.command("demo")
def demo_command(
    cq_port: Annotated[int, typer.Option()] = 8001,
    sc_port: Annotated[int, typer.Option()] = 8002,
    no_serve: Annotated[bool, typer.Option(help="Prepare data only")] = False,
) -> None:
    """Create the federation if needed, load demo data, run both nodes until Ctrl-C."""
    from chuanyu.demo import run_demo

    run_demo(cq_port=cq_port, sc_port=sc_port, serve=not no_serve)


def _add_domain_clis() -> None:
    for domain, module in domains.domain_modules("cli"):
        app.add_typer(module.app, name=getattr(module, "CLI_NAME", domain))


_add_domain_clis()


def run() -> None:
    """Console entry point: a domain error ends any command with its message, not a traceback."""
    try:
        app()
    except ChuanyuError as exc:
        console.print(f"错误：{exc.detail} ({exc.code})", soft_wrap=True, markup=False)
        raise SystemExit(1) from None


__all__ = ["app", "run", "write_scope"]
