def navigation(request):
    from sanxiang.orgs.views import nav_items_for

    return {"nav_items": nav_items_for(request.user) if request.user.is_authenticated else []}
