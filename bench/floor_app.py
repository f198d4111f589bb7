"""The exchange benchmark's floor: the same crypto per round trip on the same server stack.

The endpoint checks the request's digest and Ed25519 signature and signs its reply, and does
nothing else (no database, no audit, no replay store).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool

from chuanyu.exchange import envelope, signing

FED = Path(os.environ["FLOOR_FEDERATION_DIR"])
KEY = signing.read_private_key(FED / "keys" / "SC.key")
PEER = signing.read_private_key(FED / "keys" / "CQ.key").public_key()

app = FastAPI()


def _answer(headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict[str, str]]:
    env, signature = envelope.from_headers(headers)
    if signing.digest(body) != env.digest or not signing.verify(PEER, signature,
                                                                env.signing_bytes()):
        return 401, b"{}", {}
    reply_body = b'{"member":"SC","note":"","at":""}'
    reply = env.answer("reply", signing.digest(reply_body))
    return 200, reply_body, reply.headers(signing.sign(KEY, reply.signing_bytes()))


@app.post("/exchange/call/{service}")
async def call(service: str, request: Request) -> Response:  # noqa: ARG001
    body = await request.body()
    status, data, headers = await run_in_threadpool(_answer, dict(request.headers), body)
    return Response(data, status_code=status, headers=headers)
