from .hooks import menu_items


def navigation(request):
    return {"nav_items": menu_items(request.user)}
