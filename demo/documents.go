package demo

import (
	"bytes"
	"fmt"

	"codeberg.org/go-pdf/fpdf"
)

// The demo agency's T&C PDF is written here with fpdf, so the demo shows the
// T&C agreement of a booking without shipping binaries. (Its invoices' PDFs
// are the server's own, rendered when the demo issues them.)

// documentPDF writes an A4 document with a title and paragraphs.
func documentPDF(title string, paragraphs ...string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("Crewportal demo", true)
	pdf.SetTitle(title, true)
	pdf.SetCompression(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // core fonts are cp1252
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 9, tr(title), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 11)
	for _, p := range paragraphs {
		pdf.MultiCell(0, 6, tr(p), "", "L", false)
		pdf.Ln(3)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("demo PDF %q: %w", title, err)
	}
	return buf.Bytes(), nil
}

// termsPDF is the demo agency's terms and conditions document.
func termsPDF(version string) ([]byte, error) {
	return documentPDF("Crewportal demo agency – Terms and conditions ("+version+")",
		"1. Bookings. A booking made in the client portal is a request until the agency confirms it. "+
			"Confirmed bookings are charged at the rates of the client's price list.",
		"2. Changes and cancellations. Changes to a confirmed booking are requested in the portal and "+
			"apply once the agency approves them. Cancellations less than 48 hours before the start are "+
			"charged at 50% of the estimate.",
		"3. Hours. Staff are paid for a minimum of four hours per shift; hours beyond the booking are "+
			"charged as worked, as signed off by the client's contact on site.",
		"4. Payment. Invoices are due within the term printed on them.")
}
