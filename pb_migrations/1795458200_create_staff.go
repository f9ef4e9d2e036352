package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/crewportal/crewportal/collections"
)

// Creates the agency's staff with their private files, qualifications with
// certificates, and personal vehicles. Every file here is protected: clients
// only ever get short-lived file tokens for staff rostered on their events.
func init() {
	m.Register(func(app core.App) error {
		staff := newCollection(collections.Staff,
			text("name", true, 120),
			email("email", false),
			text("phone", false, 50),
			protectedFile("photo", imageMaxMB, 1, imageTypes, "100x100", "300x300"),
			&core.FileField{Name: "photo_id", Protected: true, MaxSelect: 1, MaxSize: imageMaxMB * mb,
				MimeTypes: imageTypes, Thumbs: []string{"300x300"},
				Help: "Photo ID shown to clients for security checks when the settings allow it."},
			relations("skills", collections.Skills, 50),
			boolean("active"),
			&core.TextField{Name: "notes", Max: 5000, Hidden: true},
		)
		staff.AddIndex("idx_staff_name", false, "name", "")

		staffQualifications := newCollection(collections.StaffQualifications,
			relation("staff", collections.Staff, true, true),
			relation("qualification", collections.Qualifications, true, false),
			text("reference", false, 100),
			date("valid_until", false),
			protectedFile("certificate", 10, 1, append([]string{"application/pdf"}, imageTypes...)),
		)
		staffQualifications.AddIndex("idx_staff_qualifications_staff", true, "staff, qualification", "")
		staffQualifications.AddIndex("idx_staff_qualifications_qualification", false, "qualification", "")

		vehicles := newCollection(collections.StaffVehicles,
			relation("staff", collections.Staff, true, true),
			text("make", true, 60),
			text("model", false, 60),
			text("colour", false, 40),
			text("plate", true, 20),
		)
		vehicles.AddIndex("idx_staff_vehicles_staff", false, "staff", "")

		return saveAll(app, staff, staffQualifications, vehicles)
	}, func(app core.App) error {
		return deleteAll(app, collections.Staff, collections.StaffQualifications, collections.StaffVehicles)
	})
}
