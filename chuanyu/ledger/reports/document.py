"""The text of the source report: its sentences, each with the seed lines it comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from chuanyu.ledger.yamlio import load_yaml

DOCUMENT_FILE = "seed_2020_document.yaml"


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence of the source, the lines (first, last) it spans there and its key facts."""

    text: str
    first_line: int
    last_line: int
    facts: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        """Where the sentence stands in the source: 第34–36行, 第2行."""
        if self.first_line == self.last_line:
            return f"原文第{self.first_line}行"
        return f"原文第{self.first_line}–{self.last_line}行"


@dataclass(frozen=True, slots=True)
class StageText:
    """A stage as the source names and narrates it."""

    number: int
    name: Statement
    span: Statement
    narrative: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """The report's own text: title, introduction, stage narratives and each first's sentences."""

    source_file: str
    issuer: str
    title: Statement
    resolution: Statement
    introduction: tuple[Statement, ...]
    stages: tuple[StageText, ...]
    entries: Mapping[str, tuple[Statement, ...]]

    def stage(self, number: int) -> StageText | None:
        """The source's text of stage `number`, if it has one."""
        return next((s for s in self.stages if s.number == number), None)

    def statements(self) -> list[Statement]:
        """Every statement of the document, in reading order."""
        out = [self.title, *self.introduction]
        for stage in self.stages:
            out += [stage.name, stage.span, *stage.narrative]
        out.append(self.resolution)
        for sentences in self.entries.values():
            out += sentences
        return out


def _statement(raw: Mapping[str, Any]) -> Statement:
    first, last = raw["lines"]
    return Statement(str(raw["text"]), int(first), int(last), tuple(raw.get("facts") or ()))


def parse_document(raw: Mapping[str, Any]) -> SourceDocument:
    """A source document from its YAML structure."""
    return SourceDocument(
        source_file=raw["source_file"],
        issuer=raw["issuer"],
        title=_statement(raw["title"]),
        resolution=_statement(raw["resolution"]),
        introduction=tuple(_statement(s) for s in raw["introduction"]),
        stages=tuple(
            StageText(
                number=int(s["number"]),
                name=_statement(s["name"]),
                span=_statement(s["span"]),
                narrative=tuple(_statement(n) for n in s["narrative"]),
            )
            for s in raw["stages"]
        ),
        entries={
            key: tuple(_statement(s) for s in sentences)
            for key, sentences in raw["entries"].items()
        },
    )


@cache
def seed_document() -> SourceDocument:
    """The text of the July 2020 report the seed reproduces."""
    data = resources.files("chuanyu.ledger").joinpath("data", DOCUMENT_FILE)
    return parse_document(load_yaml(data.read_text("utf-8")))


@cache
def source_lines(name: str) -> tuple[str, ...]:
    """The lines of a source file shipped with the ledger data (line 1 is index 0)."""
    data = resources.files("chuanyu.ledger").joinpath("data", name)
    return tuple(data.read_text("utf-8").split("\n"))
