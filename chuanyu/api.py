"""The REST API: every domain's router under /api/<domain>, authenticated by default."""

from __future__ import annotations

from fastapi import APIRouter

from chuanyu import domains
from chuanyu.core.openapi import document_problems
from chuanyu.exchange import api as exchange_api


def build_router() -> APIRouter:
    """One router holding the exchange status API and each domain's API."""
    router = APIRouter(prefix="/api")
    document_problems(exchange_api.router)
    router.include_router(exchange_api.router)
    for domain, module in domains.domain_modules("api"):
        document_problems(module.router)
        router.include_router(module.router, prefix=f"/{domain}")
    return router
