"""What several journeys do the same way."""

PASSWORD = "test-password-123"  # sanxiang.orgs.testing's accounts
DEMO_PASSWORD = "sanxiang-demo-2025"  # the demo's accounts


def log_in(page, user, password=PASSWORD):
    """Signs in as `user` (an account or a login name) in a fresh session and waits for the workbench."""
    page.context.clear_cookies()
    page.goto(page.base + "/login/")
    page.fill("#id_username", getattr(user, "username", user))
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


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
