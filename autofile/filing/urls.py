from django.urls import path

from autofile.filing import views_batches as batches
from autofile.filing import views_documents as documents
from autofile.filing import views_reconciliation as reconciliation
from autofile.filing import views_sheets as sheets

app_name = "filing"

urlpatterns = [
    # one packet's filing PDF and documents
    path("packets/<int:packet_id>/documents.zip", documents.packet_zip, name="packet_zip"),
    path("packets/<int:packet_id>/filing.pdf", documents.packet_pdf, name="packet_pdf"),
    path(
        "packets/<int:packet_id>/filing-pdf/build/",
        documents.packet_pdf_build,
        name="packet_pdf_build",
    ),
    path(
        "packets/<int:packet_id>/filing-pdf/panel/",
        documents.packet_filing_panel,
        name="packet_filing_panel",
    ),
    # submission batches
    path("batches/", batches.batch_list, name="batch_list"),
    path("batches/new/", batches.batch_create, name="batch_create"),
    path("batches/<int:submission_batch_id>/", batches.batch_detail, name="batch_detail"),
    path(
        "batches/<int:submission_batch_id>/sheet.csv",
        sheets.batch_sheet_csv,
        name="batch_sheet_csv",
    ),
    path(
        "batches/<int:submission_batch_id>/sheet.xlsx",
        sheets.batch_sheet_xlsx,
        name="batch_sheet_xlsx",
    ),
    path(
        "batches/<int:submission_batch_id>/archive.zip", batches.batch_archive, name="batch_archive"
    ),
    # bulk sheet mappings
    path("sheets/", sheets.sheet_list, name="sheet_list"),
    path("sheets/<int:rebate_program_id>/", sheets.sheet_mapping, name="sheet_mapping"),
    # reconciliation
    path("reconciliation/", reconciliation.reconciliation_list, name="reconciliation_list"),
    path(
        "reconciliation/<int:reconciliation_import_id>/",
        reconciliation.reconciliation_detail,
        name="reconciliation_detail",
    ),
    path(
        "reconciliation/<int:reconciliation_import_id>/apply/",
        reconciliation.reconciliation_apply,
        name="reconciliation_apply",
    ),
]
