"""Keep the Danish catalogue right: `python -m fastholdelse.catalogue_lint [PO ...]` (run by `make lint`).

Fails (exit 1, one line per problem) when
  (a) a msgstr uses a word that docs/ordliste.md forbids for a term (the machine-readable list is
      locale/glossary.toml); an entry may carry the translator comment `# glossary: allow <id>`;
  (b) a count message has no plural form: a msgid that is not an ngettext entry and puts a count
      placeholder before a plural English noun, e.g. "%(n)d cases", "%(days)d working days";
      the heuristic and its allow-list are COUNT_NAMES, COUNT_RE and ALLOWED_COUNTS below, and an entry
      may carry `# glossary: allow-count`;
  (c) the catalogue does not compile with `msgfmt -c` (syntax, python-format placeholders, plural
      header), or an entry is untranslated or fuzzy, or a msgstr holds a %(name) placeholder the
      msgid does not have (a KeyError at runtime) or drops one the msgid has, or a msgstr quotes with
      English quotes (“…”, ‘…’, '…') where Danish uses »…«.

No Django needed: the check reads the .po with polib and calls GNU msgfmt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "locale" / "glossary.toml"

# (b) A placeholder counts things when its name says so, or when it is formatted as an integer (%d).
COUNT_NAMES = frozenset({
    "n", "count", "number_of", "total", "days", "weeks", "months", "hours", "minutes", "seconds",
    "cases", "meetings", "calls", "deadlines", "attempts", "items", "times",
})
# ... and it is a count message when the placeholder stands before a plural English noun, with at most
# one word between (an adjective: "%(days)d working days").
COUNT_RE = re.compile(r"%\((?P<name>\w+)\)(?P<conv>[sd]) (?:[a-z-]+ )?(?P<noun>[a-z]+s)\b")
NOT_NOUNS = frozenset({"is", "was", "has", "its", "this", "as", "us", "his", "yes", "plus", "less", "does"})
# Messages whose count is never 1 (a constant, or a setting kept apart), with the reason.
ALLOWED_COUNTS = {
    "The %(n)d digits you received.": "CODE_DIGITS, a constant (6)",
    "Write the code with its %(n)d digits.": "CODE_DIGITS, a constant (6)",
    "Use the link to answer whether you want fast track, and to answer the three questions yourself if you like. "
    "Your employer does not see your answers. You can answer once; the link works for %(days)s days:":
        "FASTTRACK_CONSENT_LINK_DAYS (default 7); the employee mail is the legal review's text",
}

PLACEHOLDER_RE = re.compile(r"%\((\w+)\)")
# English opening quotes; Danish text quotes »like this« (or ”like this”).
ENGLISH_QUOTES_RE = re.compile(r"[“‘]|(?<![\w=])'[^'\s][^']*'(?!\w)")
ALLOW_RE = re.compile(r"glossary:\s*allow\s+([\w-]+)")
ALLOW_COUNT_RE = re.compile(r"glossary:\s*allow-count\b")


@dataclass
class Term:
    id: str
    forbidden: list[re.Pattern]
    msgid: re.Pattern | None = None
    msgctxt: tuple[str, ...] = ()
    except_msgid: re.Pattern | None = None
    except_msgctxt: tuple[str, ...] = ()
    danish: str = ""
    raw: dict = field(default_factory=dict)

    def applies_to(self, entry: polib.POEntry) -> bool:
        text = entry.msgid + " " + (entry.msgid_plural or "")
        ctxt = entry.msgctxt or ""
        if ctxt in self.except_msgctxt or (self.except_msgid and self.except_msgid.search(text)):
            return False
        if self.msgid is None and not self.msgctxt:
            return True
        return bool((self.msgid and self.msgid.search(text)) or (ctxt and ctxt in self.msgctxt))


def load_terms(path: Path = GLOSSARY) -> list[Term]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = []
    for raw in data["term"]:
        def rx(key, raw=raw):
            return re.compile(raw[key], re.IGNORECASE) if raw.get(key) else None
        terms.append(Term(
            id=raw["id"], danish=raw.get("danish", ""), raw=raw,
            forbidden=[re.compile(r"(?<!\w)(?:" + word + r")\w*", re.IGNORECASE) for word in raw["forbidden"]],
            msgid=rx("msgid"), msgctxt=tuple(raw.get("msgctxt", ())),
            except_msgid=rx("except_msgid"), except_msgctxt=tuple(raw.get("except_msgctxt", ())),
        ))
    return terms


def _where(entry: polib.POEntry) -> str:
    ctxt = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    msgid = entry.msgid if len(entry.msgid) <= 70 else entry.msgid[:67] + "..."
    return f"line {entry.linenum}: {ctxt}{msgid!r}"


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def _comments(entry: polib.POEntry) -> str:
    return (entry.tcomment or "") + "\n" + (entry.comment or "")


def check_glossary(po: polib.POFile, terms: list[Term]) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        allowed = set(ALLOW_RE.findall(_comments(entry)))
        for term in terms:
            if term.id in allowed or not term.applies_to(entry):
                continue
            for text in _translations(entry):
                hit = next((m for rx in term.forbidden if (m := rx.search(text))), None)
                if hit:
                    problems.append(f"{_where(entry)}: glossary '{term.id}' forbids {hit.group(0)!r}; "
                                    f"use {term.danish} (docs/ordliste.md)")
                    break
    return problems


def count_messages(msgid: str) -> list[str]:
    """The count placeholders of `msgid` that stand before a plural noun (the (b) heuristic)."""
    found = []
    for match in COUNT_RE.finditer(msgid):
        name, conv, noun = match.group("name", "conv", "noun")
        if (name in COUNT_NAMES or conv == "d") and noun not in NOT_NOUNS:
            found.append(f"%({name}){conv} {noun}")
    return found


def check_counts(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete or entry.msgid_plural or entry.msgid in ALLOWED_COUNTS:
            continue
        if ALLOW_COUNT_RE.search(_comments(entry)):
            continue
        found = count_messages(entry.msgid)
        if found:
            problems.append(f"{_where(entry)}: count without plural ({', '.join(found)}); "
                            "use ngettext / {% blocktranslate count %} and add msgid_plural")
    return problems


def check_entries(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{_where(entry)}: fuzzy")
        texts = _translations(entry)
        if not all(texts):
            problems.append(f"{_where(entry)}: untranslated")
            continue
        if any(ENGLISH_QUOTES_RE.search(text) for text in texts):
            problems.append(f"{_where(entry)}: English quotes in the msgstr; Danish quotes are »…« (or ”…”)")
        source = set(PLACEHOLDER_RE.findall(entry.msgid + " " + (entry.msgid_plural or "")))
        for text in texts:
            extra = set(PLACEHOLDER_RE.findall(text)) - source
            if extra:
                problems.append(f"{_where(entry)}: msgstr has placeholders the msgid lacks: {sorted(extra)}")
        if not entry.msgid_plural:
            missing = source - set(PLACEHOLDER_RE.findall(entry.msgstr))
            if missing:
                problems.append(f"{_where(entry)}: msgstr drops placeholders {sorted(missing)}")
    return problems


def check_msgfmt(path: Path) -> list[str]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return ["msgfmt not found: install gettext (make system)"]
    result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    return [f"msgfmt -c: {line}" for line in result.stderr.splitlines() if "initial default value" not in line]


def check(path: Path = CATALOGUE, glossary: Path = GLOSSARY) -> list[str]:
    problems = check_msgfmt(path)
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as error:
        return problems + [f"cannot read {path}: {error}"]
    terms = load_terms(glossary)
    return problems + check_entries(po) + check_glossary(po, terms) + check_counts(po)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (argv if argv is not None else sys.argv[1:])] or [CATALOGUE]
    failed = False
    for path in paths:
        problems = check(path)
        for problem in problems:
            print(f"{path}: {problem}")
        failed = failed or bool(problems)
    if not failed:
        print(f"Danish catalogue OK: {', '.join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in paths)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
