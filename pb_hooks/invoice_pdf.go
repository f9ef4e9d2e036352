package pb_hooks

import (
	"bytes"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/crewportal/crewportal/money"
)

// invoiceDocument is everything an invoice PDF shows, gathered when the
// invoice is issued (spec F2). The parties' details are the frozen copy
// stored on the invoice (billing), so re-rendering it stamped VOID prints
// what the client received, whatever changed since.
type invoiceDocument struct {
	Number, Currency, Locale string
	IssuedOn, DueOn          string // already written in the agency's way
	Agency                   invoiceParty
	Client                   invoiceParty
	Instructions             string
	Lines                    []invoiceDocumentLine
	Totals                   money.InvoiceTotals
	Logo                     []byte // PNG or JPEG, optional
	LogoType                 string // "PNG" or "JPG"
	Void                     bool
}

// invoiceParty is a name and its address block.
type invoiceParty struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	TaxID   string `json:"tax_id,omitempty"`
	Email   string `json:"email,omitempty"`
}

// invoiceDocumentLine is one printed line.
type invoiceDocumentLine struct {
	Description, Quantity, TaxRate string
	UnitPrice                      int64
	Totals                         money.LineTotals
}

// renderInvoicePDF writes the invoice as an A4 PDF with fpdf's core fonts
// (cp1252, so no font files ship): the agency's logo and address, the
// client's billing details, the lines with tax, the totals, the due date and
// the payment instructions; a void invoice gets a large VOID stamp.
func renderInvoicePDF(d invoiceDocument) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(15, 12, 15) // the columns below fill the 180 mm between
	pdf.SetCreator("Crewportal", true)
	pdf.SetTitle("Invoice "+d.Number, true)
	pdf.SetCompression(true)
	pdf.SetAutoPageBreak(true, 20)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	amount := func(minor int64) string { return tr(money.Format(minor, d.Currency, d.Locale)) }
	pdf.AddPage()

	if len(d.Logo) > 0 {
		opts := fpdf.ImageOptions{ImageType: d.LogoType, ReadDpi: true}
		pdf.RegisterImageOptionsReader("logo", opts, bytes.NewReader(d.Logo))
		if pdf.Ok() {
			pdf.ImageOptions("logo", 15, 12, 0, 18, false, opts, 0, "")
		} else {
			pdf.ClearError() // a broken logo must not stop an invoice
		}
	}
	pdf.SetXY(110, 12)
	pdf.SetFont("Helvetica", "B", 12)
	pdf.MultiCell(85, 6, tr(d.Agency.Name), "", "R", false)
	pdf.SetX(110)
	pdf.SetFont("Helvetica", "", 9)
	pdf.MultiCell(85, 4.5, tr(d.Agency.Address), "", "R", false)

	pdf.SetXY(15, 45)
	pdf.SetFont("Helvetica", "B", 20)
	pdf.CellFormat(0, 10, tr("Invoice "+d.Number), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 6, tr("Issued on: "+d.IssuedOn+"     Due on: "+d.DueOn), "", 1, "L", false, 0, "")
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(0, 6, tr("Billed to"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	billed := []string{d.Client.Name, d.Client.Address}
	if d.Client.TaxID != "" {
		billed = append(billed, "Tax number: "+d.Client.TaxID)
	}
	if d.Client.Email != "" {
		billed = append(billed, d.Client.Email)
	}
	pdf.MultiCell(0, 5, tr(strings.Join(nonEmpty(billed), "\n")), "", "L", false)
	pdf.Ln(6)

	widths := []float64{70, 20, 28, 16, 22, 24}
	header := []string{"Description", "Quantity", "Unit price", "Tax", "Tax amount", "Amount"}
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetFillColor(235, 235, 235)
	for i, h := range header {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 7, tr(h), "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range d.Lines {
		y := pdf.GetY()
		pdf.MultiCell(widths[0], 5, tr(l.Description), "", "L", false)
		bottom := pdf.GetY()
		pdf.SetXY(15+widths[0], y)
		for i, v := range []string{l.Quantity, amount(l.UnitPrice), l.TaxRate + " %", amount(l.Totals.Tax), amount(l.Totals.Net)} {
			pdf.CellFormat(widths[i+1], 5, tr(v), "", 0, "R", false, 0, "")
		}
		pdf.SetXY(15, bottom+1)
	}
	pdf.Ln(3)
	for _, row := range []struct {
		label string
		value int64
		bold  bool
	}{{"Subtotal", d.Totals.Subtotal, false}, {"Tax", d.Totals.Tax, false}, {"Total due", d.Totals.Total, true}} {
		style := ""
		if row.bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(136, 6, tr(row.label), "", 0, "R", false, 0, "")
		pdf.CellFormat(44, 6, amount(row.value), "", 1, "R", false, 0, "")
	}
	if d.Instructions != "" {
		pdf.Ln(6)
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(0, 6, tr("How to pay"), "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5, tr(d.Instructions+"\nPlease quote the invoice number "+d.Number+"."), "", "L", false)
	}
	if d.Void {
		stampVoid(pdf)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("invoice PDF %s: %w", d.Number, err)
	}
	return buf.Bytes(), nil
}

// stampVoid prints a large red VOID across every page.
func stampVoid(pdf *fpdf.Fpdf) {
	for page := 1; page <= pdf.PageCount(); page++ {
		pdf.SetPage(page)
		pdf.SetTextColor(200, 30, 30)
		pdf.SetFont("Helvetica", "B", 110)
		pdf.TransformBegin()
		pdf.TransformRotate(35, 105, 160)
		pdf.Text(45, 190, "VOID")
		pdf.TransformEnd()
		pdf.SetTextColor(0, 0, 0)
	}
}

// nonEmpty drops blank strings.
func nonEmpty(parts []string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}
