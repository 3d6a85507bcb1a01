"""Roundtable test set-up.

The Danish texts of this feature live in locale/fragments/roundtable.po until the lead merges them
into locale/da; here they are compiled and added to the Danish catalogue so the PDF and page texts
can be checked in Danish ("Side 1 af 3") on the branch as on main.
"""

import gettext
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAGMENT = ROOT / "locale" / "fragments" / "roundtable.po"
MAIN = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session", autouse=True)
def roundtable_danish(tmp_path_factory):
    if not FRAGMENT.exists():  # merged into locale/da by the lead
        return
    from django.utils.translation import trans_real

    folder = tmp_path_factory.mktemp("locale")
    # The main catalogue too, when `make install` has not compiled it (a bare pytest run).
    sources = [FRAGMENT] if (MAIN.with_suffix(".mo")).exists() else [MAIN, FRAGMENT]
    for source in sources:
        mo = folder / (source.stem + ".mo")
        subprocess.run(["msgfmt", "-o", str(mo), str(source)], check=True)
        with open(mo, "rb") as handle:
            trans_real.translation("da").merge(gettext.GNUTranslations(handle))
