"""The Danish catalogue check (`make lint`): it fails on a forbidden glossary word, a count without
ngettext and a catalogue msgfmt rejects, and it passes on the real catalogue."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import ngettext, pgettext

from cases.models import Case, Deadline, PhoneCall
from fastholdelse import catalogue_lint
from roundtable.models import Meeting

ROOT = Path(catalogue_lint.__file__).resolve().parent.parent
HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: da\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''


def po(tmp_path, body: str) -> Path:
    path = tmp_path / "django.po"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_real_catalogue_passes():
    assert catalogue_lint.check() == []


def test_make_lint_runs_the_check_after_ruff_and_lint_imports():
    lint = re.search(r"^lint:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S).group(0)
    steps = [line.strip() for line in lint.splitlines()[1:] if line.strip()]
    assert steps == ["$(BIN)/ruff check .", "$(BIN)/lint-imports", "$(BIN)/python -m fastholdelse.catalogue_lint"]


def test_a_forbidden_word_for_a_deadline_fails(tmp_path):
    path = po(tmp_path, 'msgid "Deadline met: %(title)s."\nmsgstr "Frist opfyldt: %(title)s."\n')
    problems = catalogue_lint.check(path)
    assert len(problems) == 1
    assert "glossary 'met' forbids 'opfyldt'" in problems[0] and "overholdt" in problems[0]


@pytest.mark.parametrize(("msgid", "msgstr", "term"), [
    ("invited", "indkaldt", "invited"),
    ("awaiting triage", "afventer visitering", "triage"),
    ("employee's consent", "medarbejderens samtykke", "employee-answer"),
    ("Reassign cases", "Fordel sager", "reassign"),
    ("Outcome: %(o)s", "Resultat: %(o)s", "outcome"),
    ("Minutes finalised.", "Referatet er afsluttet.", "finalised"),
    ("Give this code to the citizen now.", "Giv koden til borgeren nu.", "citizen"),
])
def test_each_forbidden_word_fails_for_its_term(tmp_path, msgid, msgstr, term):
    path = po(tmp_path, f'msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    assert [p for p in catalogue_lint.check(path) if f"glossary '{term}'" in p], msgstr


def test_meetings_are_aflyst_but_a_deadline_may_be_annulleret(tmp_path):
    path = po(tmp_path, 'msgctxt "meeting"\nmsgid "cancelled"\nmsgstr "annulleret"\n\n'
                        'msgid "Deadline cancelled: %(title)s."\nmsgstr "Frist annulleret: %(title)s."\n')
    problems = catalogue_lint.check(path)
    assert len(problems) == 1 and "[meeting] 'cancelled'" in problems[0] and "meeting-cancelled" in problems[0]


def test_borger_is_right_for_the_caller_type_and_gdpr_insight(tmp_path):
    path = po(tmp_path, 'msgctxt "caller type"\nmsgid "citizen"\nmsgstr "borger"\n\n'
                        'msgid "A citizen\'s request for insight"\nmsgstr "En borgers anmodning om indsigt"\n')
    assert catalogue_lint.check(path) == []


def test_an_exception_comment_allows_a_legitimate_use(tmp_path):
    body = 'msgid "The condition is met."\nmsgstr "Betingelsen er opfyldt."\n'
    assert catalogue_lint.check(po(tmp_path, body))
    assert catalogue_lint.check(po(tmp_path, "# A condition (not a deadline) is opfyldt.\n# glossary: allow met\n" + body)) == []


def test_a_count_without_plural_fails(tmp_path):
    path = po(tmp_path, '#, python-format\nmsgid "%(n)d cases reassigned."\nmsgstr "%(n)d sager er flyttet."\n\n'
                        '#, python-format\nmsgid "Within %(days)d working days."\nmsgstr "Inden for %(days)d arbejdsdage."\n')
    problems = catalogue_lint.check(path)
    assert len(problems) == 2 and all("count without plural" in p for p in problems)
    assert "%(n)d cases" in problems[0] and "%(days)d working days" in problems[1]


def test_the_same_count_with_ngettext_passes_and_non_counts_are_left_alone(tmp_path):
    path = po(tmp_path, '#, python-format\nmsgid "%(n)d case reassigned."\nmsgid_plural "%(n)d cases reassigned."\n'
                        'msgstr[0] "%(n)d sag er flyttet."\nmsgstr[1] "%(n)d sager er flyttet."\n\n'
                        '#, python-format\nmsgid "Page %(n)s of %(total)s"\nmsgstr "Side %(n)s af %(total)s"\n\n'
                        '#, python-format\nmsgid "%(employer)s has asked the job centre"\nmsgstr "%(employer)s har spurgt"\n\n'
                        '#, python-format\nmsgid "Risk: %(count)d of 4 risk factors."\nmsgstr "Risiko: %(count)d af 4."\n')
    assert catalogue_lint.check(path) == []


def test_allow_count_comment_and_the_allow_list(tmp_path):
    body = '#, python-format\nmsgid "%(n)d digits"\nmsgstr "%(n)d cifre"\n'
    assert catalogue_lint.check(po(tmp_path, body))
    assert catalogue_lint.check(po(tmp_path, "# glossary: allow-count\n" + body)) == []
    assert catalogue_lint.check(po(tmp_path, '#, python-format\nmsgid "Write the code with its %(n)d digits."\n'
                                             'msgstr "Skriv koden med alle %(n)d cifre."\n')) == []


def test_a_broken_placeholder_fails_msgfmt_and_the_placeholder_check(tmp_path):
    path = po(tmp_path, '#, python-format\nmsgid "Case %(ref)s is closed."\nmsgstr "Sag %(reference)s er afsluttet."\n')
    problems = catalogue_lint.check(path)
    assert any(p.startswith("msgfmt -c:") for p in problems), problems
    assert any("placeholders the msgid lacks: ['reference']" in p for p in problems)
    assert any("drops placeholders ['ref']" in p for p in problems)


def test_a_catalogue_msgfmt_cannot_compile_fails(tmp_path):
    path = po(tmp_path, 'msgid "Case"\nmsgstr "Sag"\n\nmsgid "Case"\nmsgstr "Sag igen"\n')  # a duplicate entry
    assert any(p.startswith("msgfmt -c:") and "duplicate" in p for p in catalogue_lint.check(path))


def test_untranslated_and_fuzzy_entries_fail(tmp_path):
    path = po(tmp_path, 'msgid "Case"\nmsgstr ""\n\n#, fuzzy\nmsgid "Cases"\nmsgstr "Sager"\n')
    problems = catalogue_lint.check(path)
    assert any("'Case': untranslated" in p for p in problems) and any("'Cases': fuzzy" in p for p in problems)


def test_the_command_exits_non_zero_and_names_the_problem(tmp_path):
    path = po(tmp_path, 'msgid "invited"\nmsgstr "indkaldt"\n')
    bad = subprocess.run([sys.executable, "-m", "fastholdelse.catalogue_lint", str(path)], capture_output=True,
                         text=True, cwd=ROOT)
    assert bad.returncode == 1 and "glossary 'invited' forbids 'indkaldt'" in bad.stdout
    good = subprocess.run([sys.executable, "-m", "fastholdelse.catalogue_lint"], capture_output=True, text=True, cwd=ROOT)
    assert good.returncode == 0 and "Danish catalogue OK" in good.stdout


def test_the_glossary_page_lists_every_machine_checked_term_and_forbidden_word():
    page = (ROOT / "docs" / "ordliste.md").read_text(encoding="utf-8")
    terms = tomllib.loads((ROOT / "locale" / "glossary.toml").read_text(encoding="utf-8"))["term"]
    for term in terms:
        assert f"`{term['id']}`" in page, term["id"]
        for word in term["forbidden"]:
            plain = re.sub(r"\(\?.*?\)", "", word)
            assert plain.lower() in page.lower(), (term["id"], plain)


@pytest.mark.parametrize(("render", "danish"), [
    (lambda: ngettext("%(n)d case reassigned to %(name)s.", "%(n)d cases reassigned to %(name)s.", 1)
     % {"n": 1, "name": "Mette"}, "1 sag er flyttet til Mette."),
    (lambda: ngettext("%(n)d case reassigned to %(name)s.", "%(n)d cases reassigned to %(name)s.", 3)
     % {"n": 3, "name": "Mette"}, "3 sager er flyttet til Mette."),
    (lambda: ngettext("%(n)s notification marked as read.", "%(n)s notifications marked as read.", 1) % {"n": 1},
     "1 notifikation er markeret som læst."),
    (lambda: str(Meeting.State.CANCELLED.label), "aflyst"),
    (lambda: str(Meeting.State.INVITED.label), "inviteret"),
    (lambda: str(Deadline.State.CANCELLED.label), "annulleret"),
    (lambda: str(Deadline.State.OPEN.label), "løber"),
    (lambda: str(Deadline.State.MET.label), "nået"),
    (lambda: str(Case.Status.OPEN.label), "åben"),
    (lambda: pgettext("agreement", "open"), "ikke udført"),
    (lambda: str(PhoneCall.CallerType.CITIZEN.label), "borger"),
    (lambda: str(Case.Source.CITIZEN.label), "henvendelse fra borger"),
    (lambda: pgettext("closed day", "weekend"), "weekend"),
])
def test_the_review_fixes_render_in_danish(render, danish):
    with translation.override("da"):
        assert render() == danish


def test_english_quotes_fail_and_danish_quotes_and_apostrophes_pass(tmp_path):
    bad = po(tmp_path, '''msgid "E.g. 'by week 8'."\nmsgstr "F.eks. 'inden uge 8'."\n\n'''
                       '''msgid "The step “%(s)s”."\nmsgstr "Trinnet “%(s)s”."\n''')
    assert [p for p in catalogue_lint.check(bad) if "English quotes" in p and "E.g." in p]
    assert [p for p in catalogue_lint.check(bad) if "English quotes" in p and "The step" in p]
    good = po(tmp_path, '''msgid "E.g. 'by week 8'."\nmsgstr "F.eks. »inden uge 8«."\n\n'''
                        '''msgid "the PDFs of Jens"\nmsgstr "Jens' PDF'er"\n''')
    assert catalogue_lint.check(good) == []
