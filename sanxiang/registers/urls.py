from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("goods/<int:pk>/", views.goods_detail, name="goods"),
    path("<slug:name>/", views.register_page, name="register"),
]
