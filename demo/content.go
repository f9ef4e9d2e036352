package demo

import (
	"fmt"
	"image/color"

	"github.com/crewportal/crewportal/collections"
)

// content seeds what the agency's admins wrote for the portal (spec M1–M2):
// two pages for clients, one for staff only (which no client ever sees), a
// welcome on the home page and help above the booking form.
func (s *seeder) content() {
	s.create(collections.CMSPages, map[string]any{"title": "How we work", "slug": "how-we-work",
		"audience": collections.PageForClients, "published": true, "menu_order": 1, "body": howWeWork})
	guide := s.create(collections.CMSPages, map[string]any{"title": "Uniform guide", "slug": "uniform-guide",
		"audience": collections.PageForBoth, "published": true, "menu_order": 2, "body": "<p>Uniform guide</p>",
		"images": s.file("black-tie.png", labelPNG("BLACK TIE", color.RGBA{0x1b, 0x24, 0x30, 0xff}, 480, 120, 4))})
	if guide != nil {
		// The image's address is known once the page is saved with it.
		image := fmt.Sprintf("/api/files/%s/%s/%s", collections.CMSPages, guide.Id, guide.GetStringSlice(collections.FieldImages)[0])
		guide.Set(collections.FieldBody, fmt.Sprintf(uniformGuide, image))
		if err := s.app.Save(guide); err != nil && s.err == nil {
			s.err = fmt.Errorf("save the uniform guide: %w", err)
		}
	}
	s.create(collections.CMSPages, map[string]any{"title": "Internal escalation procedure", "slug": "internal-escalation",
		"audience": collections.PageForStaff, "published": true, "menu_order": 3, "body": escalation})

	s.create(collections.ClientSnippets, map[string]any{"key": collections.SnippetHomeWelcome, "tone": "info", "enabled": true,
		"content": "<p><strong>Welcome to your staffing portal.</strong> Book events, follow your rosters and download " +
			`invoices here. New to us? Read <a href="/client-portal/pages/how-we-work">how we work</a>.</p>`})
	s.create(collections.ClientSnippets, map[string]any{"key": collections.SnippetBookingHelp, "tone": "neutral", "enabled": true,
		"content": "<p>Book at least 72 hours ahead. Need something unusual? Add it to the notes and your account " +
			`manager will call you, or ring the office on <a href="tel:+61390000000">+61 3 9000 0000</a>.</p>`})
}

const howWeWork = `<h2>From booking to event day</h2>
<ol>
<li>Book the event here at least 72 hours ahead: the venue, the times and the staff you need.</li>
<li>We confirm every booking within one business day, with the price.</li>
<li>Two days before, the roster and your team leader's phone number appear on the event's page.</li>
</ol>
<h2>Changes and cancellations</h2>
<p>Request a change or a cancellation from the event's page. Cancellations later than 48 hours before the
start are charged at the minimum call of four hours per person.</p>
<h2>Questions</h2>
<p>Call the office on <a href="tel:+61390000000">+61 3 9000 0000</a> or write to
<a href="mailto:bookings@crewportal.test">bookings@crewportal.test</a>.</p>`

// uniformGuide takes the address of its image.
const uniformGuide = `<p>Our staff arrive in the uniform of their role unless you agree another with us.</p>
<table>
<thead><tr><th scope="col">Role</th><th scope="col">Standard uniform</th><th scope="col">Black tie events</th></tr></thead>
<tbody>
<tr><td>Waiter</td><td>White shirt, black trousers, black apron</td><td>Black waistcoat and bow tie</td></tr>
<tr><td>Bartender</td><td>Black shirt, black trousers</td><td>Black waistcoat and bow tie</td></tr>
<tr><td>Steward</td><td>Agency polo shirt, dark trousers</td><td>Black suit</td></tr>
<tr><td>Security</td><td>Black suit, licence badge shown</td><td>Black suit, licence badge shown</td></tr>
</tbody>
</table>
<p><img src="%s" alt="Black tie" width="240"></p>
<p>Branded clothing of your own? Send it to the office a week ahead. The
<a href="https://www.fairwork.gov.au/">Fair Work Ombudsman</a> explains who pays for uniforms.</p>`

const escalation = `<h2>Staff only</h2>
<p>No-shows: call the on-call coordinator, then the client's site contact. Never discuss pay rates with clients.</p>`
