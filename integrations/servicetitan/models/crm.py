"""Crm models generated from ServiceTitan's ``crm-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from .base import LooseStr, Money, STModel, STRequest, UTCDateTime

__all__ = [
    "AddressModel",
    "AddressModelInput",
    "Booking",
    "BookingAddressInput",
    "BookingContact",
    "BookingContactModelInput",
    "BookingCreate",
    "BookingProviderTag",
    "BookingUpdate",
    "Contact",
    "ContactMethod",
    "ContactPreferences",
    "ContactPreferencesInput",
    "CreatedCustomer",
    "CreatedCustomerContact",
    "CreatedLocation",
    "CreatedLocationContact",
    "CustomFieldModel",
    "CustomFieldType",
    "CustomFieldUpdateModelInput",
    "Customer",
    "CustomerAddress",
    "CustomerAddressInput",
    "CustomerContact",
    "CustomerContactCreate",
    "CustomerContactUpdate",
    "CustomerCreate",
    "CustomerUpdate",
    "ExternalDataCreateInput",
    "ExternalDataModel",
    "ExternalDataModelInput",
    "ExternalDataUpdateInput",
    "ExternalDataUpdateModelInput",
    "Lead",
    "Location",
    "LocationAddressInput",
    "LocationContact",
    "LocationCreate",
    "LocationUpdate",
    "NewCustomerContactInput",
    "NewLocationInput",
    "PhoneSettings",
    "UpdateCustomerAddressInput",
]


ContactType = Literal[
    "Phone",
    "Email",
    "Fax",
    "MobilePhone",
]
CustomerType = Literal[
    "Residential",
    "Commercial",
]
ExternalDataPatchMode = Literal[
    "Replace",
    "Merge",
]
GeolocationCoordinatesSource = Literal[
    "None",
    "System",
    "User",
    "Imported",
]
GeolocationVerificationStatus = Literal[
    "Unverified",
    "InProgress",
    "Failed",
    "Verified",
]
Priority = Literal[
    "Low",
    "Normal",
    "High",
    "Urgent",
]


class CustomerAddress(STModel):
    """``Crm.V2.Customers.CustomerAddress``."""

    street: LooseStr = None
    unit: LooseStr = None
    city: LooseStr = None
    state: LooseStr = None
    zip: LooseStr = None
    country: LooseStr = None
    latitude: float | None = None
    longitude: float | None = None


class CustomFieldModel(STModel):
    """``Crm.V2.Customers.CustomFieldModel``."""

    type_id: int | None = None
    name: LooseStr = None
    value: LooseStr = None


class ExternalDataModel(STModel):
    """``Crm.V2.ExternalDataModel``."""

    key: LooseStr = None
    value: LooseStr = None


class Customer(STModel):
    """``Crm.V2.Customers.CustomerResponse``."""

    id: int
    active: bool | None = None
    name: LooseStr = None
    type: LooseStr = None
    address: CustomerAddress | None = None
    custom_fields: list[CustomFieldModel] | None = None
    balance: Money = None
    tax_exempt: bool | None = None
    tag_type_ids: list[int] | None = None
    do_not_mail: bool | None = None
    do_not_service: bool | None = None
    national_account: bool | None = None
    created_on: UTCDateTime = None
    created_by_id: int | None = None
    modified_on: UTCDateTime = None
    merged_to_id: int | None = None
    payment_term_id: int | None = None
    credit_limit: Money = None
    credit_limit_balance: Money = None
    external_data: list[ExternalDataModel] | None = None


class CreatedLocationContact(STModel):
    """``Crm.V2.Locations.LocationContact``."""

    id: int
    type: LooseStr = None
    value: LooseStr = None
    memo: LooseStr = None


class CreatedLocation(STModel):
    """``Crm.V2.Locations.CreateLocationResponse``."""

    tax_zone_id: int | None = None
    id: int
    customer_id: int | None = None
    active: bool | None = None
    name: LooseStr = None
    address: CustomerAddress | None = None
    custom_fields: list[CustomFieldModel] | None = None
    created_on: UTCDateTime = None
    created_by_id: int | None = None
    modified_on: UTCDateTime = None
    merged_to_id: int | None = None
    zone_id: int | None = None
    tax_exempt: bool | None = None
    tag_type_ids: list[int] | None = None
    external_data: list[ExternalDataModel] | None = None
    contacts: list[CreatedLocationContact] | None = None


class CreatedCustomerContact(STModel):
    """``Crm.V2.Customers.CustomerContact``."""

    id: int
    type: LooseStr = None
    value: LooseStr = None
    memo: LooseStr = None


class CreatedCustomer(STModel):
    """``Crm.V2.Customers.CreatedCustomerResponse``."""

    id: int
    active: bool | None = None
    name: LooseStr = None
    type: LooseStr = None
    address: CustomerAddress | None = None
    custom_fields: list[CustomFieldModel] | None = None
    balance: Money = None
    tax_exempt: bool | None = None
    tag_type_ids: list[int] | None = None
    do_not_mail: bool | None = None
    do_not_service: bool | None = None
    national_account: bool | None = None
    created_on: UTCDateTime = None
    created_by_id: int | None = None
    modified_on: UTCDateTime = None
    merged_to_id: int | None = None
    payment_term_id: int | None = None
    credit_limit: Money = None
    credit_limit_balance: Money = None
    external_data: list[ExternalDataModel] | None = None
    locations: list[CreatedLocation] | None = None
    contacts: list[CreatedCustomerContact] | None = None


class PhoneSettings(STModel):
    """``Crm.V2.Customers.PhoneSettings``."""

    phone_number: LooseStr = None
    do_not_text: bool | None = None


class ContactPreferences(STModel):
    """``Crm.V2.Customers.ContactPreferencesResponse``."""

    job_reminders_enabled: bool | None = None
    marketing_updates_enabled: bool | None = None
    invoice_statement_notification: bool | None = None
    invoice_notification: bool | None = None
    statement_notification: bool | None = None


class CustomerContact(STModel):
    """``Crm.V2.Customers.CustomerContactWithModifiedOnAndCustomerIdResponse``."""

    modified_on: UTCDateTime = None
    phone_settings: PhoneSettings | None = None
    created_on: UTCDateTime = None
    preferences: ContactPreferences | None = None
    id: int
    type: LooseStr = None
    value: LooseStr = None
    memo: LooseStr = None
    customer_id: int | None = None


class CustomFieldType(STModel):
    """``Crm.V2.Customers.CustomFieldTypeResponse``."""

    id: int
    name: LooseStr = None
    data_type: LooseStr = None
    data_type_options: list[str] | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class Location(STModel):
    """``Crm.V2.Locations.LocationResponse``."""

    id: int
    customer_id: int | None = None
    active: bool | None = None
    name: LooseStr = None
    address: CustomerAddress | None = None
    custom_fields: list[CustomFieldModel] | None = None
    created_on: UTCDateTime = None
    created_by_id: int | None = None
    modified_on: UTCDateTime = None
    merged_to_id: int | None = None
    zone_id: int | None = None
    tax_exempt: bool | None = None
    tag_type_ids: list[int] | None = None
    external_data: list[ExternalDataModel] | None = None
    tax_zone_id: int | None = None


class LocationContact(STModel):
    """``Crm.V2.LocationsContactResponse``."""

    id: int
    type: LooseStr = None
    value: LooseStr = None
    memo: LooseStr = None
    phone_settings: PhoneSettings | None = None
    modified_on: UTCDateTime = None
    created_on: UTCDateTime = None
    preferences: ContactPreferences | None = None
    location_id: int | None = None


class Contact(STModel):
    """``Crm.V2.ContactResponse``."""

    id: str
    reference_id: LooseStr = None
    name: LooseStr = None
    title: LooseStr = None
    is_archived: bool | None = None
    created_on: UTCDateTime = None
    created_by: int | None = None
    modified_on: UTCDateTime = None
    modified_by: int | None = None


class ContactMethod(STModel):
    """``Crm.V2.ContactMethodResponse``."""

    id: str
    contact_id: LooseStr = None
    reference_id: LooseStr = None
    type: LooseStr = None
    value: LooseStr = None
    memo: LooseStr = None
    created_on: UTCDateTime = None
    created_by: int | None = None
    modified_on: UTCDateTime = None
    modified_by: int | None = None


class Lead(STModel):
    """``Crm.V2.LeadResponse``."""

    id: int
    status: LooseStr = None
    priority: LooseStr = None
    customer_id: int | None = None
    location_id: int | None = None
    business_unit_id: int | None = None
    job_type_id: int | None = None
    campaign_id: int | None = None
    follow_up_date: UTCDateTime = None
    created_by_id: int | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    tag_type_ids: list[int] | None = None
    dismissing_reason_id: int | None = None
    summary: LooseStr = None
    call_reason_id: int | None = None
    call_id: int | None = None
    booking_id: int | None = None
    manual_call_id: int | None = None
    lead_url: LooseStr = None
    lead_customer_name: LooseStr = None
    lead_phone: LooseStr = None
    lead_email: LooseStr = None
    lead_street: LooseStr = None
    lead_unit: LooseStr = None
    lead_city: LooseStr = None
    lead_state: LooseStr = None
    lead_zip: LooseStr = None
    lead_country: LooseStr = None
    capture_source: LooseStr = None


class AddressModel(STModel):
    """``Crm.V2.AddressModel``."""

    street: LooseStr = None
    unit: LooseStr = None
    city: LooseStr = None
    state: LooseStr = None
    zip: LooseStr = None
    country: LooseStr = None


class Booking(STModel):
    """``Crm.V2.BookingResponse``."""

    id: int
    source: LooseStr = None
    created_on: UTCDateTime = None
    name: LooseStr = None
    address: AddressModel | None = None
    customer_type: LooseStr = None
    start: UTCDateTime = None
    campaign_id: int | None = None
    business_unit_id: int | None = None
    is_first_time_client: bool | None = None
    uploaded_images: list[str] | None = None
    is_send_confirmation_email: bool | None = None
    status: LooseStr = None
    dismissing_reason_id: int | None = None
    job_id: int | None = None
    external_id: LooseStr = None
    priority: LooseStr = None
    job_type_id: int | None = None
    booking_provider_id: int | None = None
    modified_on: UTCDateTime = None
    summary: LooseStr = None


class BookingContact(STModel):
    """``Crm.V2.BookingContactResponse``."""

    id: int
    type: LooseStr = None
    value: LooseStr = None
    memo: LooseStr = None
    modified_on: UTCDateTime = None


class BookingProviderTag(STModel):
    """``Crm.V2.GetBookingProviderTagResponse``."""

    id: int
    tag_name: LooseStr = None
    description: LooseStr = None
    type: LooseStr = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    active: bool | None = None


class CustomerAddressInput(STRequest):
    """``Crm.V2.Customers.CustomerAddress``."""

    street: str
    unit: str | None = None
    city: str
    state: str
    zip: str
    country: str
    latitude: float | None = None
    longitude: float | None = None


class NewCustomerContactInput(STRequest):
    """``Crm.V2.Customers.NewCustomerContact``."""

    type: ContactType | None
    value: str
    memo: str | None = None


class CustomFieldUpdateModelInput(STRequest):
    """``Crm.V2.Customers.CustomFieldUpdateModel``."""

    type_id: int
    value: str


class ExternalDataModelInput(STRequest):
    """``Crm.V2.ExternalDataModel``."""

    key: str
    value: str


class ExternalDataCreateInput(STRequest):
    """``Crm.V2.ExternalDataCreateRequest``."""

    application_guid: str
    external_data: list[ExternalDataModelInput]


class NewLocationInput(STRequest):
    """``Crm.V2.Customers.NewLocation``."""

    name: str
    address: CustomerAddressInput | None
    contacts: list[NewCustomerContactInput] | None = None
    custom_fields: list[CustomFieldUpdateModelInput] | None = None
    tag_type_ids: list[int] | None = None
    external_data: ExternalDataCreateInput | None = None
    coordinates_source: GeolocationCoordinatesSource | None = None
    coordinates_verification_status: GeolocationVerificationStatus | None = None


class CustomerCreate(STRequest):
    """``Crm.V2.Customers.CreateCustomerRequest``."""

    name: str
    type: CustomerType | None = None
    do_not_mail: bool | None = None
    do_not_service: bool | None = None
    national_account: bool | None = None
    locations: list[NewLocationInput]
    address: CustomerAddressInput | None
    contacts: list[NewCustomerContactInput] | None = None
    custom_fields: list[CustomFieldUpdateModelInput] | None = None
    tag_type_ids: list[int] | None = None
    external_data: ExternalDataCreateInput | None = None
    tax_exempt: bool | None = None
    payment_term_id: int | None = None
    credit_limit: Decimal | None = None
    credit_limit_balance: Decimal | None = None


class UpdateCustomerAddressInput(STRequest):
    """``Crm.V2.Customers.UpdateCustomerAddress``."""

    street: str
    unit: str
    city: str
    state: str
    zip: str
    country: str
    latitude: float
    longitude: float


class ExternalDataUpdateModelInput(STRequest):
    """``Crm.V2.ExternalDataUpdateModel``."""

    key: str
    value: str | None = None


class ExternalDataUpdateInput(STRequest):
    """``Crm.V2.ExternalDataUpdateRequest``."""

    patch_mode: ExternalDataPatchMode | None = None
    application_guid: str
    external_data: list[ExternalDataUpdateModelInput]


class CustomerUpdate(STRequest):
    """``Crm.V2.Customers.UpdateCustomerRequest``."""

    name: str | None = None
    type: CustomerType | None = None
    address: UpdateCustomerAddressInput | None = None
    custom_fields: list[CustomFieldUpdateModelInput] | None = None
    external_data: ExternalDataUpdateInput | None = None
    do_not_mail: bool | None = None
    do_not_service: bool | None = None
    national_account: bool | None = None
    active: bool | None = None
    tag_type_ids: list[int] | None = None
    tax_exempt: bool | None = None
    payment_term_id: int | None = None
    credit_limit: Decimal | None = None
    credit_limit_balance: Decimal | None = None


class CustomerContactCreate(STRequest):
    """``Crm.V2.Customers.CreateCustomerContactRequest``."""

    type: ContactType | None
    value: str
    memo: str | None = None


class ContactPreferencesInput(STRequest):
    """``Crm.V2.Customers.ContactPreferencesRequest``."""

    job_reminders_enabled: bool
    marketing_updates_enabled: bool
    invoice_statement_notification: bool
    invoice_notification: bool
    statement_notification: bool


class CustomerContactUpdate(STRequest):
    """``Crm.V2.Customers.UpdateCustomerContactRequest``."""

    type: ContactType | None = None
    value: str | None = None
    memo: str | None = None
    preferences: ContactPreferencesInput | None = None


class LocationCreate(STRequest):
    """``Crm.V2.Locations.CreateLocationRequest``."""

    name: str
    address: CustomerAddressInput | None
    contacts: list[NewCustomerContactInput] | None = None
    custom_fields: list[CustomFieldUpdateModelInput] | None = None
    tag_type_ids: list[int] | None = None
    external_data: ExternalDataCreateInput | None = None
    coordinates_source: GeolocationCoordinatesSource | None = None
    coordinates_verification_status: GeolocationVerificationStatus | None = None
    customer_id: int


class LocationAddressInput(STRequest):
    """``Crm.V2.Locations.AddressPatchModel``."""

    street: str
    unit: str
    city: str
    state: str
    zip: str
    country: str
    latitude: float | None = None
    longitude: float | None = None


class LocationUpdate(STRequest):
    """``Crm.V2.Locations.UpdateLocationRequest``."""

    customer_id: int | None = None
    name: str | None = None
    address: LocationAddressInput | None = None
    active: bool | None = None
    tax_zone_id: int | None = None
    custom_fields: list[CustomFieldUpdateModelInput] | None = None
    tag_type_ids: list[int] | None = None
    external_data: ExternalDataUpdateInput | None = None


class AddressModelInput(STRequest):
    """``Crm.V2.AddressModel``."""

    street: str
    unit: str | None = None
    city: str
    state: str
    zip: str
    country: str


class BookingContactModelInput(STRequest):
    """``Crm.V2.BookingContactModel``."""

    type: ContactType
    value: str
    memo: str | None = None


class BookingCreate(STRequest):
    """``Crm.V2.CreateBookingRequest``."""

    source: str
    name: str
    address: AddressModelInput | None = None
    contacts: list[BookingContactModelInput] | None = None
    customer_type: str | None = None
    start: datetime | None = None
    summary: str
    campaign_id: int | None = None
    business_unit_id: int | None = None
    job_type_id: int | None = None
    priority: Priority | None = None
    is_first_time_client: bool
    uploaded_images: list[str] | None = None
    is_send_confirmation_email: bool | None = None
    external_id: str


class BookingAddressInput(STRequest):
    """``Crm.V2.AddressPatchModel``."""

    street: str
    unit: str
    city: str
    state: str
    zip: str
    country: str


class BookingUpdate(STRequest):
    """``Crm.V2.UpdateBookingRequest``."""

    source: str | None = None
    name: str | None = None
    address: BookingAddressInput | None = None
    customer_type: CustomerType | None = None
    start: datetime | None = None
    summary: str | None = None
    campaign_id: int | None = None
    business_unit_id: int | None = None
    job_type_id: int | None = None
    priority: Priority | None = None
    is_first_time_client: bool | None = None
    uploaded_images: list[str] | None = None
    external_id: str | None = None
