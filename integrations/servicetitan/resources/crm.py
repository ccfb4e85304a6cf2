"""CRM: customers, locations, contacts, leads, bookings, booking provider tags, bulk tags."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from integrations.servicetitan.endpoints import (
    ACTIVE,
    CREATED,
    EXPORT,
    IDS,
    MODIFIED,
    PAGED,
    SORT,
    QueryValue,
    define,
)
from integrations.servicetitan.models.crm import (
    Booking,
    BookingCreate,
    BookingProviderTag,
    BookingUpdate,
    Contact,
    ContactMethod,
    CreatedCustomer,
    CreatedLocation,
    Customer,
    CustomerContact,
    CustomerContactCreate,
    CustomerContactUpdate,
    CustomerCreate,
    CustomerUpdate,
    CustomFieldType,
    Lead,
    Location,
    LocationContact,
    LocationCreate,
    LocationUpdate,
)
from integrations.servicetitan.paging import Page

from .base import Exportable, ExportFeed, Gettable, Listable, Resource

__all__ = [
    "BookingProviderTags",
    "Bookings",
    "BulkTags",
    "Contacts",
    "Customers",
    "Leads",
    "Locations",
]

_STD = (*PAGED, *IDS, *CREATED, *MODIFIED, *SORT)
_EXTERNAL = ("externalDataApplicationGuid", "externalDataKey", "externalDataValues")
_ADDRESS = ("street", "unit", "city", "state", "zip", "country", "latitude", "longitude")

CUSTOMERS_LIST = define(
    "customers.list",
    "crm",
    "GET",
    "/customers",
    "Customers_GetList",
    query=(
        *_STD,
        *ACTIVE,
        *_EXTERNAL,
        *_ADDRESS,
        "excludeAccountingChangesFromModifiedDateRange",
        "name",
        "phone",
    ),
)
CUSTOMERS_GET = define("customers.get", "crm", "GET", "/customers/{id}", "Customers_Get")
CUSTOMERS_CREATE = define("customers.create", "crm", "POST", "/customers", "Customers_Create")
CUSTOMERS_UPDATE = define("customers.update", "crm", "PATCH", "/customers/{id}", "Customers_Update")
CUSTOMERS_EXPORT = define(
    "customers.export",
    "crm",
    "GET",
    "/export/customers",
    "ExportCustomers_GetCustomers",
    query=EXPORT,
)
CUSTOMERS_CUSTOM_FIELDS = define(
    "customers.custom_field_types",
    "crm",
    "GET",
    "/customers/custom-fields",
    "Customers_GetCustomFieldTypes",
    query=(*PAGED, *CREATED, *MODIFIED, *SORT),
)
CUSTOMER_CONTACTS_LIST = define(
    "customers.contacts.list",
    "crm",
    "GET",
    "/customers/{id}/contacts",
    "Customers_GetContactList",
    query=PAGED,
)
CUSTOMER_CONTACTS_CREATE = define(
    "customers.contacts.create",
    "crm",
    "POST",
    "/customers/{id}/contacts",
    "Customers_CreateContact",
)
CUSTOMER_CONTACTS_UPDATE = define(
    "customers.contacts.update",
    "crm",
    "PATCH",
    "/customers/{id}/contacts/{contactId}",
    "Customers_UpdateContact",
)
CUSTOMER_CONTACTS_DELETE = define(
    "customers.contacts.delete",
    "crm",
    "DELETE",
    "/customers/{id}/contacts/{contactId}",
    "Customers_DeleteContact",
)
CUSTOMER_CONTACTS_MODIFIED = define(
    "customers.contacts.list_modified",
    "crm",
    "GET",
    "/customers/contacts",
    "Customers_GetModifiedContactsList",
    query=(*PAGED, *CREATED, *MODIFIED, "customerIds"),
)
CUSTOMER_CONTACTS_EXPORT = define(
    "customers.contacts.export",
    "crm",
    "GET",
    "/export/customers/contacts",
    "ExportContacts_CustomersContacts",
    query=EXPORT,
)
TAGS_ADD = define("tags.add", "crm", "PUT", "/tags", "BulkTags_AddTags")
TAGS_REMOVE = define("tags.remove", "crm", "DELETE", "/tags", "BulkTags_RemoveTags")

LOCATIONS_LIST = define(
    "locations.list",
    "crm",
    "GET",
    "/locations",
    "Locations_GetList",
    query=(*_STD, *ACTIVE, *_EXTERNAL, *_ADDRESS, "name", "customerId"),
)
LOCATIONS_GET = define("locations.get", "crm", "GET", "/locations/{id}", "Locations_Get")
LOCATIONS_CREATE = define("locations.create", "crm", "POST", "/locations", "Locations_Create")
LOCATIONS_UPDATE = define("locations.update", "crm", "PATCH", "/locations/{id}", "Locations_Update")
LOCATIONS_EXPORT = define(
    "locations.export", "crm", "GET", "/export/locations", "ExportLocations_Locations", query=EXPORT
)
LOCATION_CONTACTS_LIST = define(
    "locations.contacts.list",
    "crm",
    "GET",
    "/locations/contacts",
    "Locations_GetLocationsContactsList",
    query=(*PAGED, *CREATED, *MODIFIED, "locationIds"),
)
LOCATION_CONTACTS_EXPORT = define(
    "locations.contacts.export",
    "crm",
    "GET",
    "/export/locations/contacts",
    "ExportContacts_LocationsContacts",
    query=EXPORT,
)

CONTACTS_LIST = define(
    "contacts.list",
    "crm",
    "GET",
    "/contacts",
    "Contacts_GetList",
    query=(*PAGED, *CREATED, *MODIFIED, *SORT, "name", "title", "referenceId", "isArchived"),
)
CONTACTS_GET = define("contacts.get", "crm", "GET", "/contacts/{id}", "Contacts_Get")
CONTACT_METHODS_LIST = define(
    "contacts.methods.list",
    "crm",
    "GET",
    "/contacts/{contactId}/contact-methods",
    "ContactMethods_GetContactMethods",
    query=(*PAGED, *CREATED, *MODIFIED, *SORT, "referenceId", "type", "value"),
)
CONTACT_METHODS_GET = define(
    "contacts.methods.get",
    "crm",
    "GET",
    "/contacts/{contactId}/contact-methods/{contactMethodId}",
    "ContactMethods_GetContactMethod",
)
CONTACT_METHODS_SEARCH = define(
    "contacts.methods.search",
    "crm",
    "GET",
    "/contacts/contact-methods",
    "Contacts_SearchContactMethods",
    query=(*PAGED, *CREATED, *MODIFIED, *SORT, "contactId", "referenceId", "type", "value"),
)

LEADS_LIST = define(
    "leads.list",
    "crm",
    "GET",
    "/leads",
    "Leads_GetList",
    query=(
        *_STD,
        "customerId",
        "isProspect",
        "withoutCustomer",
        "status",
        "customerCity",
        "customerState",
        "customerZip",
        "customerCreatedOnOrAfter",
        "customerCreatedBefore",
        "customerModifiedOnOrAfter",
        "genPermUrl",
        "leadCustomerName",
        "leadPhone",
        "isCaptureSourceForm",
    ),
)
LEADS_GET = define("leads.get", "crm", "GET", "/leads/{id}", "Leads_Get")
LEADS_EXPORT = define(
    "leads.export", "crm", "GET", "/export/leads", "ExportLeads_Leads", query=EXPORT
)

BOOKINGS_LIST = define(
    "bookings.list", "crm", "GET", "/bookings", "Bookings_GetList", query=(*_STD, "externalId")
)
BOOKINGS_GET = define("bookings.get", "crm", "GET", "/bookings/{id}", "Bookings_Get")
PROVIDER_BOOKINGS_LIST = define(
    "bookings.provider.list",
    "crm",
    "GET",
    "/booking-provider/{booking_provider}/bookings",
    "Bookings_GetList2",
    query=(*_STD, "externalId"),
)
PROVIDER_BOOKINGS_GET = define(
    "bookings.provider.get",
    "crm",
    "GET",
    "/booking-provider/{booking_provider}/bookings/{id}",
    "Bookings_GetForProvider",
)
PROVIDER_BOOKINGS_CREATE = define(
    "bookings.provider.create",
    "crm",
    "POST",
    "/booking-provider/{booking_provider}/bookings",
    "Bookings_Create",
)
PROVIDER_BOOKINGS_UPDATE = define(
    "bookings.provider.update",
    "crm",
    "PATCH",
    "/booking-provider/{booking_provider}/bookings/{id}",
    "Bookings_Update",
)
BOOKINGS_EXPORT = define(
    "bookings.export", "crm", "GET", "/export/bookings", "ExportBookings_Get", query=EXPORT
)
BOOKING_PROVIDER_TAGS_LIST = define(
    "booking_provider_tags.list",
    "crm",
    "GET",
    "/booking-provider-tags",
    "BookingProviderTags_GetList",
    query=(*_STD, "name"),
)
BOOKING_PROVIDER_TAGS_GET = define(
    "booking_provider_tags.get",
    "crm",
    "GET",
    "/booking-provider-tags/{id}",
    "BookingProviderTags_Get",
)


class Customers(Listable[Customer], Gettable[Customer], Exportable):
    """``client.customers``: customers and their (legacy) phone/email contact rows."""

    model = Customer
    list_endpoint = CUSTOMERS_LIST
    get_endpoint = CUSTOMERS_GET
    export_endpoint = CUSTOMERS_EXPORT

    def create(self, body: CustomerCreate | Mapping[str, Any]) -> CreatedCustomer:
        """Create a customer with its locations and contacts (one non-idempotent POST)."""
        return CreatedCustomer.from_raw(self._request(CUSTOMERS_CREATE, json=body))

    def update(self, customer_id: int, body: CustomerUpdate | Mapping[str, Any]) -> Customer:
        """PATCH: only the fields set are sent; ``tagTypeIds``/``customFields`` replace the
        whole list."""
        payload = self._request(CUSTOMERS_UPDATE, path={"id": customer_id}, json=body)
        return Customer.from_raw(payload)

    def custom_field_types(self, *, page: int = 1, page_size: int = 50) -> Page[CustomFieldType]:
        return self._page(
            CUSTOMERS_CUSTOM_FIELDS, CustomFieldType, page=page, page_size=page_size, filters={}
        )

    def list_contacts(
        self, customer_id: int, *, page: int = 1, page_size: int = 50
    ) -> Page[CustomerContact]:
        return self._page(
            CUSTOMER_CONTACTS_LIST,
            CustomerContact,
            path={"id": customer_id},
            page=page,
            page_size=page_size,
            filters={},
        )

    def iter_contacts(self, customer_id: int) -> Iterator[CustomerContact]:
        for page in self._pages(
            CUSTOMER_CONTACTS_LIST, CustomerContact, path={"id": customer_id}, filters={}
        ):
            yield from page.items

    def list_modified_contacts(
        self, *, page: int = 1, page_size: int = 50, **filters: QueryValue
    ) -> Page[CustomerContact]:
        """Contacts across customers by ``customerIds`` or a modified-date range."""
        return self._page(
            CUSTOMER_CONTACTS_MODIFIED,
            CustomerContact,
            page=page,
            page_size=page_size,
            filters=filters,
        )

    def create_contact(
        self, customer_id: int, body: CustomerContactCreate | Mapping[str, Any]
    ) -> CustomerContact:
        payload = self._request(CUSTOMER_CONTACTS_CREATE, path={"id": customer_id}, json=body)
        return CustomerContact.from_raw(payload)

    def update_contact(
        self, customer_id: int, contact_id: int, body: CustomerContactUpdate | Mapping[str, Any]
    ) -> CustomerContact:
        payload = self._request(
            CUSTOMER_CONTACTS_UPDATE, path={"id": customer_id, "contactId": contact_id}, json=body
        )
        return CustomerContact.from_raw(payload)

    def delete_contact(self, customer_id: int, contact_id: int) -> None:
        self._request(CUSTOMER_CONTACTS_DELETE, path={"id": customer_id, "contactId": contact_id})

    @property
    def contacts_feed(self) -> ExportFeed:
        """``/export/customers/contacts`` (rows carry ``customerId`` and ``active``)."""
        return self._feed(CUSTOMER_CONTACTS_EXPORT)


class BulkTags(Resource):
    """``client.tags``: add or remove tag types on many customers at once."""

    def add(self, *, customer_ids: Sequence[int], tag_type_ids: Sequence[int]) -> None:
        """Every tag on every customer (PUT: adding a present tag changes nothing)."""
        body = {"customerIds": list(customer_ids), "tagTypeIds": list(tag_type_ids)}
        self._request(TAGS_ADD, json=body)

    def remove(self, *, customer_ids: Sequence[int], tag_type_ids: Sequence[int]) -> None:
        """DELETE with a JSON body, as ServiceTitan documents it."""
        body = {"customerIds": list(customer_ids), "tagTypeIds": list(tag_type_ids)}
        self._request(TAGS_REMOVE, json=body)


class Locations(Listable[Location], Gettable[Location], Exportable):
    """``client.locations``."""

    model = Location
    list_endpoint = LOCATIONS_LIST
    get_endpoint = LOCATIONS_GET
    export_endpoint = LOCATIONS_EXPORT

    def create(self, body: LocationCreate | Mapping[str, Any]) -> CreatedLocation:
        return CreatedLocation.from_raw(self._request(LOCATIONS_CREATE, json=body))

    def update(self, location_id: int, body: LocationUpdate | Mapping[str, Any]) -> Location:
        payload = self._request(LOCATIONS_UPDATE, path={"id": location_id}, json=body)
        return Location.from_raw(payload)

    def list_contacts(
        self, *, page: int = 1, page_size: int = 50, **filters: QueryValue
    ) -> Page[LocationContact]:
        """Location contact rows by ``locationIds`` or a modified-date range."""
        return self._page(
            LOCATION_CONTACTS_LIST, LocationContact, page=page, page_size=page_size, filters=filters
        )

    @property
    def contacts_feed(self) -> ExportFeed:
        return self._feed(LOCATION_CONTACTS_EXPORT)


class Contacts(Listable[Contact], Gettable[Contact]):
    """``client.contacts``: the new GUID-keyed contacts model and their contact methods."""

    model = Contact
    list_endpoint = CONTACTS_LIST
    get_endpoint = CONTACTS_GET

    def list_methods(
        self, contact_id: str, *, page: int = 1, page_size: int = 50, **filters: QueryValue
    ) -> Page[ContactMethod]:
        return self._page(
            CONTACT_METHODS_LIST,
            ContactMethod,
            path={"contactId": contact_id},
            page=page,
            page_size=page_size,
            filters=filters,
        )

    def get_method(self, contact_id: str, contact_method_id: str) -> ContactMethod:
        payload = self._request(
            CONTACT_METHODS_GET,
            path={"contactId": contact_id, "contactMethodId": contact_method_id},
        )
        return ContactMethod.from_raw(payload)

    def search_methods(
        self, *, page: int = 1, page_size: int = 50, **filters: QueryValue
    ) -> Page[ContactMethod]:
        """Contact methods across contacts (by ``contactId``, ``type``, ``value``…)."""
        return self._page(
            CONTACT_METHODS_SEARCH, ContactMethod, page=page, page_size=page_size, filters=filters
        )

    def iter_methods(self, **filters: QueryValue) -> Iterator[ContactMethod]:
        for page in self._pages(CONTACT_METHODS_SEARCH, ContactMethod, filters=filters):
            yield from page.items


class Leads(Listable[Lead], Gettable[Lead], Exportable):
    """``client.leads``."""

    model = Lead
    list_endpoint = LEADS_LIST
    get_endpoint = LEADS_GET
    export_endpoint = LEADS_EXPORT


class Bookings(Listable[Booking], Gettable[Booking], Exportable):
    """``client.bookings``: reads across providers, writes through one booking provider."""

    model = Booking
    list_endpoint = BOOKINGS_LIST
    get_endpoint = BOOKINGS_GET
    export_endpoint = BOOKINGS_EXPORT

    def list_for_provider(
        self,
        provider_id: int,
        *,
        page: int = 1,
        page_size: int = 50,
        include_total: bool = False,
        sort: str | None = None,
        **filters: QueryValue,
    ) -> Page[Booking]:
        return self._page(
            PROVIDER_BOOKINGS_LIST,
            Booking,
            path={"booking_provider": provider_id},
            page=page,
            page_size=page_size,
            include_total=include_total,
            sort=sort,
            filters=filters,
        )

    def iter_for_provider(self, provider_id: int, **filters: QueryValue) -> Iterator[Booking]:
        for page in self._pages(
            PROVIDER_BOOKINGS_LIST, Booking, path={"booking_provider": provider_id}, filters=filters
        ):
            yield from page.items

    def get_for_provider(self, provider_id: int, booking_id: int) -> Booking:
        payload = self._request(
            PROVIDER_BOOKINGS_GET, path={"booking_provider": provider_id, "id": booking_id}
        )
        return Booking.from_raw(payload)

    def create(self, provider_id: int, body: BookingCreate | Mapping[str, Any]) -> Booking:
        """Create a booking (``externalId`` is required: use it to reconcile after a
        :class:`~integrations.servicetitan.errors.WriteOutcomeUnknownError`)."""
        payload = self._request(
            PROVIDER_BOOKINGS_CREATE, path={"booking_provider": provider_id}, json=body
        )
        return Booking.from_raw(payload)

    def update(
        self, provider_id: int, booking_id: int, body: BookingUpdate | Mapping[str, Any]
    ) -> Booking:
        payload = self._request(
            PROVIDER_BOOKINGS_UPDATE,
            path={"booking_provider": provider_id, "id": booking_id},
            json=body,
        )
        return Booking.from_raw(payload)


class BookingProviderTags(Listable[BookingProviderTag], Gettable[BookingProviderTag]):
    """``client.booking_provider_tags``."""

    model = BookingProviderTag
    list_endpoint = BOOKING_PROVIDER_TAGS_LIST
    get_endpoint = BOOKING_PROVIDER_TAGS_GET
