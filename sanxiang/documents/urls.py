from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:pk>/generate/<slug:kind>/", views.generate, name="generate"),
    path("cases/<int:pk>/paper/", views.register_paper, name="register-paper"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/deactivate/", views.deactivate_template, name="deactivate_template"),
]
