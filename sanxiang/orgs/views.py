from django.shortcuts import render


def nav_items_for(user):
    return [{"url": "/", "label": "工作台"}]


def role_home(request):
    return render(request, "core/home.html", {"home_sections": []})
