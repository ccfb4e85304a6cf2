from django.urls import path

from autofile.filing import views_batches as batches

app_name = "filing"

urlpatterns = [
    # submission batches
    path("batches/", batches.batch_list, name="batch_list"),
    path("batches/new/", batches.batch_create, name="batch_create"),
    path("batches/<int:submission_batch_id>/", batches.batch_detail, name="batch_detail"),
]
