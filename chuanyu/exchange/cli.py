"""`chuanyu audit …`: verify a node's audit log, alone or against its peers' witnessed heads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from chuanyu.cli_support import MemberOption, node_session, open_cli_node
from chuanyu.core.db import write_scope

audit_app = typer.Typer(help="Verify the audit chain; export the heads this node witnessed",
                        no_args_is_help=True)
out = Console()
console = Console(stderr=True)

WitnessOption = Annotated[list[Path] | None, typer.Option(
    "--witness", help="File of heads a peer witnessed (`audit export-witnessed` there); "
    "repeatable. Given files replace asking the peers")]


@audit_app.command("verify")
def audit_verify(
    member: MemberOption = "CQ",
    witness_files: WitnessOption = None,
    local_only: Annotated[bool, typer.Option(
        "--local-only", help="Check the local chain only; do not ask the peers")] = False,
) -> None:
    """Check the chain, checkpoints and peers' witnessed heads; exit with the problem's code.

    0 intact, 2 altered, 3 removed, 4 reordered, 5 bad checkpoint, 6 disagrees with a head a
    peer witnessed, 1 usage or file error.
    """
    from chuanyu.exchange import audit, witness

    node = open_cli_node(member)
    try:
        heads: list[witness.SignedHead] = []
        if witness_files:
            for path in witness_files:
                try:
                    heads.extend(witness.read_file(path).heads)
                except (OSError, ValueError, ValidationError) as exc:
                    console.print(f"unreadable witness file {path}: {exc}")
                    raise typer.Exit(1) from None
        elif not local_only:
            heads, missing = witness.fetch(node)
            for peer in missing:
                console.print(f"warning: {peer} did not answer; its witnessed heads are unchecked")
        with write_scope(node) as session:
            verdict = audit.verify(
                session=session,
                member=node.member,
                public_key=node.descriptor.public_key(node.member),
                witnessed=heads,
            )
    finally:
        node.close()
    if verdict.untrusted:
        console.print(f"warning: {verdict.untrusted} witnessed heads ignored (not signed by "
                      f"{member})")
    if verdict.problem is None:
        out.print(f"{member}: audit chain intact: {verdict.entries} entries, "
                  f"{verdict.checkpoints} signed checkpoints, {verdict.witnessed} heads "
                  f"witnessed by peers agree", soft_wrap=True)
    else:
        out.print(f"{member}: {verdict.problem} at entry {verdict.position}: {verdict.message}",
                  soft_wrap=True)
    raise typer.Exit(verdict.exit_code)


@audit_app.command("export-witnessed")
def audit_export_witnessed(
    member: MemberOption = "SC",
    of: Annotated[str, typer.Option("--of", help="Member whose heads to export")] = "CQ",
    output: Annotated[Path | None, typer.Option("--out", help="File (default: stdout)")] = None,
) -> None:
    """Write the audit heads of another member that this node witnessed (for `--witness`)."""
    from chuanyu.exchange import witness

    with node_session(member) as (node, session):
        data = witness.export(session=session, node=node, member=of.upper())
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output is None:
        out.print(text, highlight=False, soft_wrap=True)
        return
    output.write_text(text + "\n", encoding="utf-8")
    console.print(f"{len(data['heads'])} heads of {of.upper()} witnessed by {member} → {output}")


def federation_set_tls(
    member: Annotated[str, typer.Option("--member", "-m", help="Member whose certificate to pin")],
    cert: Annotated[Path | None, typer.Option(help="Its TLS certificate (PEM)")] = None,
    fingerprint: Annotated[str | None, typer.Option(help="Or its SHA-256 fingerprint")] = None,
    url: Annotated[str | None, typer.Option(help="New base URL (https://…)")] = None,
    dir: Annotated[Path | None, typer.Option("--dir", help="Federation folder")] = None,
) -> None:
    """Pin a member's TLS certificate in the descriptor (re-signed by the joint office)."""
    from chuanyu.core.config import get_settings
    from chuanyu.exchange import federation, transport

    if (cert is None) == (fingerprint is None):
        raise typer.BadParameter("give either --cert or --fingerprint")
    value = transport.file_fingerprint(cert) if cert else transport.normalise(fingerprint or "")
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise typer.BadParameter("a SHA-256 fingerprint is 64 hexadecimal digits")
    target = dir or get_settings().federation_path
    federation.set_tls(target, member.upper(), value, base_url=url)
    out.print(f"{member.upper()}: TLS certificate sha256 {value} pinned in {target}")


def exchange_prune(
    member: MemberOption = "CQ",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only; delete nothing")] = False,
) -> None:
    """Delete outbox events every subscriber acknowledged more than CHUANYU_OUTBOX_RETENTION_DAYS
    ago and expired idempotency keys, in small batches; the audit log is kept whole."""
    from chuanyu.exchange import pruning

    if dry_run:
        with node_session(member, write=False) as (node, session):
            found = pruning.count(session=session, node=node)
        verb = "would prune"
    else:
        node = open_cli_node(member)
        try:
            found = pruning.prune(node)
        finally:
            node.close()
        verb = "pruned"
    out.print(f"{member}: {verb} {found.outbox} acknowledged outbox events, "
              f"{found.exchange_calls} exchange and {found.api_requests} API idempotency keys")
