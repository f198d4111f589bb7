"""Use cases of the cooperation ledger."""

from chuanyu.ledger.service.entries import (
    create_entry,
    delete_entry,
    get_entry,
    list_entries,
    update_entry,
)
from chuanyu.ledger.service.figures import add_figure, list_figures
from chuanyu.ledger.service.reporting import build_report_for, entry_facts, figure_facts
from chuanyu.ledger.service.seed import load_seed

__all__ = [
    "add_figure",
    "build_report_for",
    "create_entry",
    "delete_entry",
    "entry_facts",
    "figure_facts",
    "get_entry",
    "list_entries",
    "list_figures",
    "load_seed",
    "update_entry",
]
