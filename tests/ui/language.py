"""Text in the wrong language on a page of the app: the words a user reads (less inputs' values, table cells,
code and the icons' ligatures), with the data's own names and codes taken out, checked against the page's
language. On a Chinese page an English word is wrong, on an English page a Chinese character is.

`visible_texts(page)` collects the texts in a Playwright page, `data_names(engine, language)` is the allow-list of
the data, `wrong_language(texts, language, data)` the offending words, each with the text it is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from playwright.sync_api import Page
from sqlalchemy import Engine

from mfa.domain.labels import Language, city_label
from mfa.intake.headings import zh_name
from mfa.intake.tables import TABLES
from mfa.services import history, tables, users

CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]+")
"""Chinese characters and punctuation (fullwidth forms included)."""
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
"""An English word (a run of Latin letters; digits and signs split words)."""
ANYWHERE: frozenset[str] = frozenset(
    {
        "mfa",  # the app's name
        "t",  # units as the app writes them in both languages
        "kt",
        "Mt",
        "kg",
        "B",  # a file's size
        "KB",
        "MB",
        "kWh",
        "GWh",
        "CSV",  # file formats
        "XLSX",
        "xlsx",
        "csv",
        "PNG",
        "SVG",
        "PDF",
        "HTML",
        "JSON",
        "Parquet",
        "Li",  # the metals of a battery
        "Ni",
        "Co",
        "Mn",
        "p",  # statistics: p value, σ, χ²
    }
)
"""Latin words a Chinese page may show: the app's name, units, file formats and chemical symbols."""
PROPER_NAMES: frozenset[str] = frozenset({"d3-sankey", "flodym", "ODYM", "BatPaC", "Streamlit", "UTF-8", "GBK"})
"""Names of software, models and encodings, which a Chinese text names as they are."""
COLUMN_NAMES: frozenset[str] = frozenset(
    f"{column} ({zh_name(spec, column)})" for spec in TABLES for column in spec.columns if zh_name(spec, column)
)
"""An import column as the importer names it in both languages, `quantity (数量)`: the heading a file may carry."""

EXCLUDED = ", ".join(
    (
        "script",
        "style",
        "noscript",
        "code",
        "pre",
        "input",
        "textarea",
        "[data-testid=stIconMaterial]",  # an icon's ligature (warning, flag ...) is drawn, not read
        "span[role=img][translate=no]",  # the same in markdown (:material/handshake:)
        "[data-testid=stHeader]",  # Streamlit's toolbar
        "[data-testid=stSkipToContent]",
        "[data-testid=stSidebarCollapseButton]",
        "[data-testid=stFileUploaderDropzone]",  # Streamlit's own words (Upload, per file), which it does not translate
        "[data-testid=stException]",  # reported as an exception on its own
        ".st-key-language",  # the language switch shows both languages on purpose
        "[data-testid=stDataFrame] td",  # a table's cells are data; its headers are read
        "[data-testid=stTable] td",
    )
)
"""Where no text is checked (matched by Element.closest)."""

COLLECT = """(excluded) => {
  const out = [];
  const app = document.querySelector('[data-testid=stApp]') || document.body;
  const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest(excluded) || getComputedStyle(el).fontFamily.includes('Material Symbols')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const input of app.querySelectorAll('[data-testid=stSelectbox] input')) {
    if (input.value) out.push(input.value);  // the chosen option, formatted by the app
    else if (input.placeholder) out.push(input.placeholder);
  }
  for (const input of app.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!input.value && !input.closest('[data-testid=stSelectbox]')) out.push(input.placeholder);
  }
  return out;
}"""


def visible_texts(page: Page) -> list[str]:
    """The texts of the app's page a user reads: elements' text, chosen options, empty inputs' placeholders, the
    figures' titles, axes, legends and labels, tables' headers; not inputs' values, tables' cells or code."""
    return [str(text) for text in page.evaluate(COLLECT, EXCLUDED)]


@dataclass(frozen=True)
class Finding:
    """A word in the wrong language and the text it is in."""

    word: str
    text: str

    def __str__(self) -> str:
        return f"{self.word!r} in {self.text[:160]!r}"


def data_names(engine: Engine, language: Language) -> set[str]:
    """What the database holds that a page shows as it is: codes, the names in `language` (and the other
    language's name where a record has none in `language`), cities without a name in `language`, user names and the
    authors of changes and the sources of declared coefficients, capacities, lifetimes and inflows."""
    registry = tables.registry(engine)
    names: set[str] = set()
    for table in ("parks", "facilities", "materials"):
        frame = registry[table]
        names.update(_strings(frame["code"]))
        first, second = ("name_zh", "name") if language == "zh" else ("name", "name_zh")
        for own, other in frame.select(first, second).iter_rows():
            names.update(s for s in (own or other,) if s)
    for city in registry["parks"]["city"].drop_nulls().unique():
        label = city_label(city, language)
        names.add(label if label != city else city)
    names.update(str(user["name"]) for user in users.list_users(engine))
    names.update(_strings(history.latest_changes(engine, 10_000)["changed_by"]))  # who wrote, as recorded
    if engine.url.get_backend_name() == "sqlite":  # the database's file, named in sources and the sidebar
        names.add(Path(engine.url.database or "").name)
    workbook = tables.workbook(engine)
    for table, frame in workbook.items():
        if table == "flows":
            continue
        for column in ("source", "chemistry", "product", "scope"):
            if column in frame.columns:
                names.update(_strings(frame[column]))
    return names


def _strings(column: pl.Series) -> set[str]:
    return {str(value) for value in column.drop_nulls().unique() if str(value).strip()}


def _without(data: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `data` (longest first, so a name wins over a code inside it)."""
    phrases = sorted({d for d in data if len(d) >= 2}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None


def wrong_language(texts: Iterable[str], language: Language, data: Iterable[str] = ()) -> list[Finding]:
    """The words of `texts` in the other language than `language` (English words on a Chinese page, Chinese
    characters on an English page), once the `data` phrases and, on a Chinese page, ANYWHERE words are left out."""
    pattern = _without([*data, *PROPER_NAMES, *COLUMN_NAMES])
    found: list[Finding] = []
    for text in texts:
        rest = pattern.sub(" ", text) if pattern else text
        if language == "zh":
            found += [Finding(w, text) for w in LATIN_WORD.findall(rest) if w not in ANYWHERE]
        else:
            found += [Finding(run, text) for run in CJK.findall(rest)]
    return found
