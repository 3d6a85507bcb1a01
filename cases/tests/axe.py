"""axe-core in a Playwright page: the serious and critical accessibility violations (WCAG 2.1 AA)."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"


def axe_serious(page, include: str | None = None) -> list[str]:
    # Evaluated through the DevTools protocol, not added as a <script> tag: the page's
    # Content-Security-Policy (rightly) refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    context = f"{{include: [[{include!r}]]}}" if include else "document"
    return page.evaluate(
        f"""async () => (await axe.run({context}, {{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .filter(v => ["serious", "critical"].includes(v.impact)).map(v => v.id + ": " + v.nodes.map(n => n.target).join(", "))"""
    )
