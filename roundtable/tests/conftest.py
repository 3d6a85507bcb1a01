"""Roundtable test set-up.

The Danish texts of this feature live in locale/fragments/roundtable.po until the lead merges them
into locale/da; here they are compiled and added to the Danish catalogue so the PDF and page texts
can be checked in Danish ("Side 1 af 3") on the branch as on main.
"""

import gettext
import subprocess
from pathlib import Path

import pytest

FRAGMENT = Path(__file__).resolve().parents[2] / "locale" / "fragments" / "roundtable.po"


@pytest.fixture(scope="session", autouse=True)
def roundtable_danish(tmp_path_factory):
    if not FRAGMENT.exists():
        return
    from django.utils.translation import trans_real

    mo = tmp_path_factory.mktemp("locale") / "roundtable.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(FRAGMENT)], check=True)
    with open(mo, "rb") as handle:
        trans_real.translation("da").merge(gettext.GNUTranslations(handle))
