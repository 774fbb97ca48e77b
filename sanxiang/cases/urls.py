from django.urls import path

from . import views, views_coercion, views_inspection, views_plans

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("on-site/", views.case_onsite, name="onsite"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.case_move, name="move"),
    path("<int:pk>/parties/", views.case_add_party, name="add-party"),
    path("<int:pk>/handlers/", views.case_assign_handler, name="assign-handler"),
    path("<int:pk>/participants/", views.case_add_participant, name="add-participant"),
    path("<int:pk>/on-site-acts/", views.case_record_onsite, name="record-onsite"),
    path("<int:pk>/recusals/", views.case_request_recusal, name="request-recusal"),
    path("<int:pk>/recusals/decision/", views.case_decide_recusal, name="decide-recusal"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/proposal/", views.case_revise_proposal, name="revise-proposal"),
    path("<int:pk>/appeals/", views.case_record_appeal, name="record-appeal"),
    path("<int:pk>/appeals/outcome/", views.case_decide_appeal, name="decide-appeal"),
    path("<int:pk>/remake/", views.case_remake, name="remake"),
    path("<int:pk>/pauses/", views.case_pause, name="pause"),
    path("<int:pk>/pauses/end/", views.case_resume, name="resume"),
    path("<int:pk>/measures/", views_coercion.measure_propose, name="measure-propose"),
    path("<int:pk>/measures/<str:measure_id>/act/<slug:action>/", views_coercion.measure_move, name="measure-move"),
    path("<int:pk>/measures/<str:measure_id>/items/", views_coercion.measure_add_item, name="measure-item"),
    path("<int:pk>/measures/<str:measure_id>/custody/", views_coercion.measure_item_custody, name="measure-custody"),
    # 双随机抽查 (kinds/inspection.py)
    path("inspections/draws/", views_inspection.draw_list, name="draws"),
    # 年度抽查计划 (kinds/inspection_plan.py)
    path("inspections/plans/", views_plans.plan_list, name="plans"),
    path("inspections/plans/new/", views_plans.plan_create, name="plan-create"),
    path("inspections/plans/<str:pk>/", views_plans.plan_detail, name="plan-detail"),
    path("inspections/draws/new/", views_inspection.draw_create, name="draw-create"),
    path("inspections/draws/<str:pk>/", views_inspection.draw_detail, name="draw-detail"),
]
