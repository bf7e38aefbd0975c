"""What the browser suite checks on every page beside axe: the page's visible text, kept for the
scan for raw codes that runs last (tests/browser/test_zz_plain_words.py), and that the page fits
a phone 390 px wide without scrolling sideways."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

PHONE_WIDTH = 390
PAGE_TEXT = "page-text"  # under a stack's var dir: one .txt per page checked

# The element sticking out farthest on the right (the outermost of those that stick out as far),
# leaving out what a scrolling or clipping box holds: that one does not widen the page.
_WIDEST = """
(limit) => {
  const doc = document.documentElement;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5 || clipped(el)) continue;
    if (!widest || box.right > widest.right) widest = {el, right: box.right, width: box.width};
  }
  const found = {scrollWidth: doc.scrollWidth, widest: null};
  if (widest) {
    const el = widest.el;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].map((c) => '.' + c).join('');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    found.widest = `<${name}> "${text}" ${Math.round(widest.width)} px wide, `
      + `its right edge at ${Math.round(widest.right)} px`;
  }
  return found;
}
"""


def page_text_folder(var_dir: Path) -> Path:
    return var_dir / PAGE_TEXT


async def keep_visible_text(page: Page, var_dir: Path, name: str) -> None:
    """What a reader sees of the page (``innerText``: no attributes, nothing hidden)."""
    folder = page_text_folder(var_dir)
    folder.mkdir(parents=True, exist_ok=True)
    text = await page.evaluate("() => document.body.innerText")
    (folder / f"{name}.txt").write_text(f"{page.url}\n{text}")


async def assert_fits_a_phone(page: Page, name: str, screenshots: Path) -> None:
    """Lay the page out 390 px wide (no reload: a page after a form or a single-use link cannot
    be fetched again) and fail, naming the widest element, if it scrolls sideways."""
    before = page.viewport_size
    await page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    try:
        found = await page.evaluate(_WIDEST, PHONE_WIDTH)
        if found["scrollWidth"] > PHONE_WIDTH:
            shot = screenshots / f"{name}@{PHONE_WIDTH}.png"
            await page.screenshot(path=str(shot), full_page=True)
            raise AssertionError(
                f"{name} ({page.url}) is {found['scrollWidth']} px wide at {PHONE_WIDTH} px, "
                f"widest: {found['widest'] or 'none found outside a scroll box'} ({shot.name})"
            )
    finally:
        if before is not None:
            await page.set_viewport_size(before)
