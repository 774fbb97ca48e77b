from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("goods/<int:pk>/", views.goods_detail, name="goods"),
    path("goods/seized/<int:pk>/", views.register_seized, name="register-seized"),
    path("goods/confiscated/<int:pk>/", views.register_confiscated, name="register-confiscated"),
    path("<slug:name>/", views.register_page, name="register"),
]
