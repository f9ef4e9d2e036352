package collections

// Field names shared by the wrappers and hooks. A name means the same thing in
// every collection that has it (e.g. FieldClient is always the owning client).
const (
	FieldID      = "id"
	FieldCreated = "created"
	FieldUpdated = "updated"

	FieldName        = "name"
	FieldEmail       = "email"
	FieldPhone       = "phone"
	FieldPhoto       = "photo"
	FieldNotes       = "notes"
	FieldAdminNotes  = "admin_notes"
	FieldActive      = "active"
	FieldStatus      = "status"
	FieldDescription = "description"

	// Ownership and references.
	FieldClient     = "client"
	FieldGroup      = "group"
	FieldRole       = "role"
	FieldEvent      = "event"
	FieldShift      = "shift"
	FieldStaff      = "staff"
	FieldProfession = "profession"
	FieldPriceList  = "price_list"
	FieldInvoice    = "invoice"

	// Groups.
	FieldAdmins = "admins"

	// Clients.
	FieldPortalEnabled = "portal_enabled"
	// FieldSessionsEndedAt is when a company's portal was last switched off.
	FieldSessionsEndedAt  = "sessions_ended_at"
	FieldDefaultPriceList = "default_price_list"
	FieldAddress          = "address"
	FieldCity             = "city"
	FieldPostcode         = "postcode"
	FieldCountry          = "country"
	FieldBillingEmail     = "billing_email"
	FieldBillingAddress   = "billing_address"
	FieldVATID            = "vat_id"

	// Roles.
	FieldPermissions = "permissions"

	// Professions, price lists and rates.
	FieldClientBookable = "client_bookable"
	FieldIsBasic        = "is_basic"
	FieldCurrency       = "currency"
	FieldHourlyRate     = "hourly_rate"

	// Events and shifts.
	FieldVenue          = "venue"
	FieldStartsAt       = "starts_at"
	FieldEndsAt         = "ends_at"
	FieldEstimatedPrice = "estimated_price"
	FieldCreatedBy      = "created_by"
	FieldRequestedBy    = "requested_by"
	FieldSource         = "source"
	FieldTags           = "tags"
	FieldTermsAgreedBy  = "terms_agreed_by"
	FieldTermsAgreedAt  = "terms_agreed_at"
	FieldTermsVersion   = "terms_version"
	FieldDecisionReason = "decision_reason"
	FieldRebookedFrom   = "rebooked_from"
	FieldStaffCount     = "staff_count"
	FieldRequiredQuals  = "required_qualifications"
	FieldQuantity       = "quantity"

	// Change requests.
	FieldProposed  = "proposed"
	FieldReason    = "reason"
	FieldDecidedBy = "decided_by"
	FieldDecidedAt = "decided_at"

	// Staff, their qualifications and vehicles.
	FieldPhotoID       = "photo_id"
	FieldSkills        = "skills"
	FieldQualification = "qualification"
	FieldValidUntil    = "valid_until"
	FieldCertificate   = "certificate"
	FieldMake          = "make"
	FieldModel         = "model"
	FieldColour        = "colour"
	FieldPlate         = "plate"

	// Event documents.
	FieldFile            = "file"
	FieldVisibleToClient = "visible_to_client"
	FieldUploadedBy      = "uploaded_by"

	// Tags and CMS pages.
	FieldClientVisible = "client_visible"

	// Assignments.
	FieldTeamLeader = "team_leader"

	// Invoices.
	FieldNumber     = "number"
	FieldIssuedOn   = "issued_on"
	FieldDueOn      = "due_on"
	FieldTotal      = "total"
	FieldPaidAmount = "paid_amount"
	FieldPDF        = "pdf"
	FieldSequence   = "sequence"
	FieldEvents     = "events"
	FieldSubtotal   = "subtotal"
	FieldTaxTotal   = "tax_total"
	FieldBilling    = "billing"
	FieldVoidedAt   = "voided_at"
	FieldVoidReason = "void_reason"
	// Invoice lines and payments (amounts in minor units, package money).
	FieldUnitPrice = "unit_price"
	FieldTaxRate   = "tax_rate"
	FieldAmount    = "amount"
	FieldTaxAmount = "tax_amount"
	FieldLineTotal = "line_total"
	FieldPaidOn    = "paid_on"
	FieldMethod    = "method"
	FieldReference = "reference"
)

// Portal settings (one record; every "configurable" switch of the spec).
const (
	FieldPortalDisabledMessage    = "portal_disabled_message"
	FieldTimeZone                 = "time_zone"
	FieldLocale                   = "locale"
	FieldClientsSetStaffCount     = "clients_set_staff_count"
	FieldDefaultStaffCount        = "default_staff_count"
	FieldRosterVisible            = "roster_visible"
	FieldRosterShowPhoto          = "roster_show_photo"
	FieldRosterShowPhotoID        = "roster_show_photo_id"
	FieldRosterShowQualifications = "roster_show_qualifications"
	FieldRosterShowVehicle        = "roster_show_vehicle"
	FieldShowRequiredQuals        = "show_required_qualifications"
	FieldClientUploadsEnabled     = "client_uploads_enabled"
	FieldUploadMaxMB              = "upload_max_mb"
	FieldUploadAllowedTypes       = "upload_allowed_types"
	FieldClientDownloadsEnabled   = "client_downloads_enabled"
	FieldNotifyInvoiceIssued      = "notify_invoice_issued"
	FieldNotifyInvoiceOverdue     = "notify_invoice_overdue"
	FieldInvoiceNumberPrefix      = "invoice_number_prefix"
	FieldInvoicePaymentDays       = "invoice_payment_days"
	FieldInvoiceInstructions      = "invoice_payment_instructions"
	FieldAgencyAddress            = "agency_address"
	FieldAgencyLogo               = "agency_logo"
	FieldTermsFile                = "terms_file"
	FieldFallbackRecipient        = "fallback_recipient"
	FieldActivationLinkHours      = "activation_link_hours"
	FieldCORSOrigins              = "cors_origins" // extra origins allowed to call the API
	FieldBookingHorizonDays       = "booking_horizon_days"
)

// Notification templates and the mail outbox.
const (
	FieldKind          = "kind"
	FieldAudience      = "audience"
	FieldEnabled       = "enabled"
	FieldSubject       = "subject"
	FieldBody          = "body"
	FieldTo            = "to"
	FieldToName        = "to_name"
	FieldHTML          = "html"
	FieldText          = "text"
	FieldAttempts      = "attempts"
	FieldNextAttemptAt = "next_attempt_at"
	FieldClaimedAt     = "claimed_at"
	FieldLastError     = "last_error"
	FieldSentAt        = "sent_at"
	FieldRecordRef     = "record_ref"
)

// The outbox worker's status record (mail_worker).
const (
	FieldWorker        = "worker"
	FieldState         = "state"
	FieldLastSuccessAt = "last_success_at"
	FieldLastErrorAt   = "last_error_at"
	FieldNextProbeAt   = "next_probe_at"
	FieldQueued        = "queued"
	FieldSending       = "sending"
	FieldFailed        = "failed"
)

// Contacts.
const (
	FieldJobTitle       = "job_title"
	FieldSendActivation = "send_activation"
	// The password fields PocketBase's auth forms accept besides "password".
	FieldPasswordConfirm = "passwordConfirm"
	FieldOldPassword     = "oldPassword"
)

// FieldPortalLink is the admins' "open the portal as this contact" link.
const FieldPortalLink = "portal_link"

// FieldDashboardLink is the admins' link that opens an event or a change
// request (also from a row of the To confirm and To approve lists) in the
// dashboard's edit panel.
const FieldDashboardLink = "dashboard_link"

// Audit log.
const (
	FieldActorType      = "actor_type"
	FieldActorID        = "actor_id"
	FieldActorName      = "actor_name"
	FieldImpersonatedBy = "impersonated_by"
	FieldAction         = "action"
	FieldCollection     = "collection"
	FieldRecordID       = "record_id"
	FieldIP             = "ip"
	FieldDetails        = "details"
)

// Idempotency keys: a portal request's key (FieldKey), scoped per contact
// and route, with a hash of its body and the answer it got.
const (
	FieldContact     = "contact"
	FieldScope       = "scope"
	FieldRequestHash = "request_hash"
	FieldResponse    = "response"
)
