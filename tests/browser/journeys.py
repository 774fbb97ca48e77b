"""What several journeys do the same way — and the one rule of waiting they all follow.

Playwright's `click()` does not wait for the page it leads to to load (1.65: at most until its
document is committed, its content still arriving), and `inner_text()`, `all_inner_texts()`,
`count()`, `is_visible()`, `evaluate()`, `input_value()`, `page.url`, `content()` and the ORM read
whatever is there at that instant: the page being left or the one half arrived, the row the server
has not written yet. `page.wait_for_load_state()` right after a click returns at once, on the old page that is
already loaded; `page.wait_for_url(u)` too when the old page is at `u` already (a form that posts back
to its own page). On a loaded CI machine every such read fails sooner or later (stop 25: one did, and
nothing landed). So:

- what loads a page — a form's button, a link — is clicked with `follow` (or `submit`, which also
  expects no refusal on the page it leads to): it listens for the navigation before the click and
  returns once the new page has fired `load`;
- what a script changes in place (htmx, the upload widget) is read with Playwright's web-first
  assertions (`expect(locator).to_have_text(…)`, `to_contain_text`, `to_have_count`) or waited for
  (`locator.filter(has_text=…).wait_for()`), which retry until the page shows it.
"""

PASSWORD = "test-password-123"  # sanxiang.orgs.testing's accounts
DEMO_PASSWORD = "sanxiang-demo-2025"  # the demo's accounts
REFUSALS = ".card.error, [role=alert]:not(:empty)"  # how the pages say no (the pads' empty alerts aside)


def _locator(page, target):
    return page.locator(target) if isinstance(target, str) else target


def follow(page, target, url=None):
    """Click `target` (a Locator, or a selector on `page`) — a link, a form's button — and wait until
    the page it loads has loaded: at `url` (a glob, pattern or full address) when given."""
    with page.expect_navigation(**({"url": url} if url is not None else {})):
        if isinstance(target, str):
            page.click(target)  # as page.click always did: the first match
        else:
            target.click()


def submit(page, target, *, refused=False, url=None):
    """`follow` a form's button (or a link that acts); on the page it leads to expect no refusal,
    unless `refused` (the test then reads the refusal's words itself)."""
    follow(page, target, url)
    if not refused:
        refusals = page.locator(REFUSALS)
        assert refusals.count() == 0, refusals.all_inner_texts()


def fill(box, **inputs):
    """Fill a form by its fields' names: True checks a box, a list checks the boxes or the radio of
    those values, a dict selects as it says (`{"label": "张三"}`), a <select> selects the value, any
    other field is filled with the text."""
    for name, value in inputs.items():
        field = box.locator(f"[name='{name}']")
        if value is True:
            field.check()
        elif isinstance(value, dict):
            field.select_option(**value)
        elif isinstance(value, list):
            for v in value:
                box.locator(f"input[name='{name}'][value='{v}']").check()
        elif box.locator(f"select[name='{name}']").count():
            field.select_option(value)
        else:
            field.fill(value)


def unfold(box):
    """Open the <details> of `box` (its first summary) unless it is open already."""
    summary = box.locator("summary").first
    if not summary.evaluate("s => s.closest('details').open"):
        summary.click()


def fill_and_submit(page, box, *, refused=False, **inputs):
    """Open the form in `box` (a selector or Locator: a <details> of a case page, or what holds one),
    fill it (`fill`), `submit` it."""
    box = _locator(page, box)
    unfold(box)
    fill(box, **inputs)
    submit(page, box.locator("button[type=submit]"), refused=refused)


def move(page, action, *, refused=False, **inputs):
    """A move of the case page's transition table (its `#move-<action>` form), as `fill_and_submit`."""
    fill_and_submit(page, f"#move-{action}", refused=refused, **inputs)


def log_in(page, user, password=PASSWORD, *, totp=None, lands="/"):
    """Sign in as `user` (an account or a login name) in a fresh session — administrators give the
    dynamic code `totp` on a second step — and wait for the page it leads to: `lands` (a path; None:
    whichever page answers, such as the login page again with its refusal)."""
    page.context.clear_cookies()
    page.goto(page.base + "/login/")
    page.fill("#id_username", getattr(user, "username", user))
    page.fill("#id_password", password)
    if totp is not None:
        follow(page, "button[type=submit]")
        page.fill("#id_password", password)
        page.fill("#id_totp", totp)
    follow(page, "button[type=submit]", url=None if lands is None else page.base + lands)


def log_out(page):
    """The header's 退出: back on the public home page."""
    follow(page, "button.logout", url=page.base + "/")


def cut_off_uploads(page, at_piece: int) -> list:
    """Lose the connection while the `at_piece`-th piece (PATCH) of a tus upload is under way: the
    browser goes offline and that request fails. Returns the Upload-Offset of every PATCH sent, so
    a journey can show that the upload resumed from the server's offset."""
    offsets = []

    def cut(route):
        if route.request.method == "PATCH":
            offsets.append(route.request.headers.get("upload-offset"))
            if len(offsets) == at_piece:
                page.context.set_offline(True)
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route("**/api/v1/uploads/**", cut)
    return offsets
