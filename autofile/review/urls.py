from django.urls import path

from autofile.review import views
from autofile.review import views_corrections as corrections

app_name = "review"

urlpatterns = [
    # the queue and the packet page
    path("", views.queue, name="queue"),
    path("bulk/", views.queue_bulk, name="queue_bulk"),
    path("export/", views.queue_export, name="queue_export"),
    path("<int:packet_id>/", views.packet_detail, name="packet_detail"),
    path("<int:packet_id>/claim/", views.packet_claim, name="packet_claim"),
    path("<int:packet_id>/assign/", views.packet_assign, name="packet_assign"),
    path("<int:packet_id>/status/", views.packet_action, name="packet_action"),
    path("<int:packet_id>/documents/", views.packet_documents, name="packet_documents"),
    path("<int:packet_id>/program-facts/", corrections.packet_facts, name="packet_facts"),
    path("attachments/<int:job_attachment_id>/", views.attachment_file, name="attachment_file"),
    # corrections
    path("items/<int:invoice_item_id>/", corrections.invoice_item_edit, name="invoice_item_edit"),
    path(
        "items/<int:invoice_item_id>/remove/",
        corrections.invoice_item_remove,
        name="invoice_item_remove",
    ),
    path("invoices/<int:invoice_id>/", corrections.invoice_edit, name="invoice_edit"),
    path(
        "invoices/<int:invoice_id>/items/new/",
        corrections.invoice_item_add,
        name="invoice_item_add",
    ),
    path("customers/<int:customer_id>/contacts/new/", corrections.contact_add, name="contact_add"),
    path(
        "customers/<int:customer_id>/address/",
        corrections.customer_address,
        name="customer_address",
    ),
    path("contacts/<int:customer_contact_id>/", corrections.contact_edit, name="contact_edit"),
    path(
        "contacts/<int:customer_contact_id>/remove/",
        corrections.contact_remove,
        name="contact_remove",
    ),
    path(
        "locations/<int:location_id>/address/",
        corrections.location_address,
        name="location_address",
    ),
    path(
        "locations/<int:location_id>/utility-account/",
        corrections.location_utility_account,
        name="location_utility_account",
    ),
    # write-backs
    path(
        "corrections/<int:correction_id>/retry/",
        corrections.correction_retry,
        name="correction_retry",
    ),
    path(
        "corrections/<int:correction_id>/resolve/",
        corrections.correction_resolve,
        name="correction_resolve",
    ),
    path("deliveries/", corrections.deliveries, name="deliveries"),
]
