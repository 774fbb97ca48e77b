from .policy import roles_read_once

READ_ONLY_METHODS = ("GET", "HEAD")


class RolesReadOncePerRequest:
    """A page that is read (GET, HEAD) reads each user's role assignments once, however often it asks the
    access table (`policy.roles_read_once`). A request that may change them (POST and the rest) reads
    them at every question, as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_ONLY_METHODS:
            return self.get_response(request)
        with roles_read_once():
            return self.get_response(request)
