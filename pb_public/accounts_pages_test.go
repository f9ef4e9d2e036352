package pb_public_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/demo"
	"github.com/crewportal/crewportal/pb_hooks"
)

// TestActivationLink follows an invitation email: the contact chooses a
// password on the activation page and lands signed in on the home page. A
// link that doesn't work says so and how to get a new one.
func TestActivationLink(t *testing.T) {
	ctx, base, app := demoPortal(t)
	hire, err := app.FindAuthRecordByEmail(collections.Contacts, "new.hire@northwind.test")
	if err != nil {
		t.Fatal(err)
	}
	hire.Set(collections.FieldStatus, "invited")
	if err := app.Save(hire); err != nil {
		t.Fatal(err)
	}
	link := mailLink(t, app, pb_hooks.NotifyActivation, "new.hire@northwind.test", base)
	if !strings.Contains(link, "/client-portal/activate?token=") {
		t.Fatalf("activation link %q", link)
	}

	openPage(t, ctx, base, strings.TrimPrefix(link, base), "activate")
	if got := text(t, ctx, "h1"); got != "Activate your account" {
		t.Errorf("heading = %q", got)
	}
	if got := text(t, ctx, "#password-intro"); got != "Welcome, Jack Moreno — choose your password" {
		t.Errorf("intro = %q", got)
	}
	// Two different passwords are caught next to the field, before any request.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#password-new-password"), "jacks-own-password"),
		chromedp.SendKeys(chromedp.CSS("#password-new-password-confirm"), "jacks-other-password"),
		chromedp.Click(chromedp.CSS("#password-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#password-new-password-confirm-error", "not the same")
	if err := chromedp.Do(ctx,
		fill("#password-new-password-confirm", "jacks-own-password"),
		chromedp.Click(chromedp.CSS("#password-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "home")
	if got := text(t, ctx, "h1"); got != "Welcome, Jack Moreno" {
		t.Errorf("home heading = %q", got)
	}
	hire, _ = app.FindRecordById(collections.Contacts, hire.Id)
	if hire.GetString(collections.FieldStatus) != "active" || !hire.ValidatePassword("jacks-own-password") {
		t.Errorf("after activation: status %q, password set %v", hire.GetString(collections.FieldStatus), hire.ValidatePassword("jacks-own-password"))
	}

	// The used link, and a made-up one, no longer work.
	for _, path := range []string{strings.TrimPrefix(link, base), "/client-portal/activate?token=not-a-real-token"} {
		openPage(t, ctx, base, path, "activate")
		got := text(t, ctx, "#link-expired")
		for _, want := range []string{"expired or was already used", "Ask a colleague who manages contacts in your company, or your agency contact, to send a new invitation."} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: expired page lacks %q:\n%s", path, want, got)
			}
		}
	}
}

// TestForgotAndResetPassword requests a reset on the forgot-password page,
// follows the emailed link, chooses a new password and is signed in.
func TestForgotAndResetPassword(t *testing.T) {
	ctx, base, app := demoPortal(t)
	const email = "manager@northwind.test"

	openPage(t, ctx, base, "/client-portal/sign-in", "sign-in")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/client-portal/forgot-password"]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "forgot-password")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#forgot-email"), email),
		chromedp.Click(chromedp.CSS("#forgot-submit")),
	); err != nil {
		t.Fatal(err)
	}
	want := "If an account exists for " + email + ", we have sent a link to choose a new password. It expires in 30 minutes."
	if got := waitText(t, ctx, "#forgot-status", "If an account exists"); got != want {
		t.Errorf("confirmation = %q", got)
	}

	link := mailLink(t, app, pb_hooks.NotifyPasswordReset, email, base)
	openPage(t, ctx, base, strings.TrimPrefix(link, base), "reset-password")
	if got := text(t, ctx, "h1"); got != "Choose a new password" {
		t.Errorf("heading = %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#password-new-password"), "olivias-new-password"),
		chromedp.SendKeys(chromedp.CSS("#password-new-password-confirm"), "olivias-new-password"),
		chromedp.Click(chromedp.CSS("#password-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "home")
	if got := text(t, ctx, "h1"); got != "Welcome, Olivia Hart" {
		t.Errorf("home heading = %q", got)
	}

	// The link worked once; opened again it points to a new one.
	openPage(t, ctx, base, strings.TrimPrefix(link, base), "reset-password")
	waitText(t, ctx, "#link-expired", "expired or was already used")
	if !exists(t, ctx, `#link-expired a[href="/client-portal/forgot-password"]`) {
		t.Error("the expired reset page has no link to request a new one")
	}
}

// TestProfile changes the contact's own details, password and email address
// from My profile, and confirms the new address from the emailed link.
func TestProfile(t *testing.T) {
	ctx, base, app := demoPortal(t)
	signInHome(t, ctx, base, "booker@northwind.test")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#portal-nav a[data-route="profile"]`))); err != nil {
		t.Fatal(err)
	}
	waitRoute(t, ctx, "profile")

	// Details: saved at once, and the header follows the new name.
	if err := chromedp.Do(ctx,
		fill("#details-name", "Samantha Patel"),
		fill("#details-job-title", "Event coordinator"),
		chromedp.Click(chromedp.CSS("#details-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#details-status", "Your details are saved.")
	waitText(t, ctx, "#contact-name", "Samantha Patel")
	booker, _ := app.FindAuthRecordByEmail(collections.Contacts, "booker@northwind.test")
	if booker.GetString("name") != "Samantha Patel" || booker.GetString("job_title") != "Event coordinator" {
		t.Errorf("saved name %q, job title %q", booker.GetString("name"), booker.GetString("job_title"))
	}

	// Photo: uploaded, then shown from the protected file with a file token.
	photo := filepath.Join(t.TempDir(), "me.png")
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{200, 80, 40, 255}}, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#photo-file"), []string{photo}),
		chromedp.Click(chromedp.CSS("#photo-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#photo-status", "Your new photo is saved.")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelector("#profile-photo img")?.complete && document.querySelector("#profile-photo img").naturalWidth > 0`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the new photo is not shown: %v", err)
	}
	booker, _ = app.FindAuthRecordByEmail(collections.Contacts, "booker@northwind.test")
	if !strings.HasPrefix(booker.GetString("photo"), "me") {
		t.Errorf("saved photo = %q", booker.GetString("photo"))
	}

	// Password: a wrong current password is reported next to its field; the
	// right one changes it and the contact stays signed in.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#password-old"), "not-my-password"),
		chromedp.SendKeys(chromedp.CSS("#password-new-password"), "sams-new-password"),
		chromedp.SendKeys(chromedp.CSS("#password-new-password-confirm"), "sams-new-password"),
		chromedp.Click(chromedp.CSS("#password-submit")),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#password-old-error").textContent !== ""`)); err != nil {
		t.Fatalf("no error for a wrong current password: %v", err)
	}
	if err := chromedp.Do(ctx,
		fill("#password-old", demo.ContactPassword),
		chromedp.Click(chromedp.CSS("#password-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#password-status", "Your password is changed.")
	openPage(t, ctx, base, "/client-portal/profile", "profile") // still signed in after a reload

	// Email: a link goes to the new address; the change happens only once
	// it is confirmed with the password, and then the contact signs in again.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#email-new"), "sam.patel@northwind.test"),
		chromedp.Click(chromedp.CSS("#email-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#email-status", "We have sent a link to sam.patel@northwind.test")
	link := mailLink(t, app, pb_hooks.NotifyEmailChange, "sam.patel@northwind.test", base)
	openPage(t, ctx, base, strings.TrimPrefix(link, base), "confirm-email")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#confirm-email-password"), "sams-new-password"),
		chromedp.Click(chromedp.CSS("#confirm-email-submit")),
	); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#confirm-email-status", "Your email address is now sam.patel@northwind.test.")
	if _, err := app.FindAuthRecordByEmail(collections.Contacts, "sam.patel@northwind.test"); err != nil {
		t.Errorf("the new address was not saved: %v", err)
	}
	if n, _ := app.CountRecords(collections.MailOutbox, dbx.HashExp{"kind": string(pb_hooks.NotifyContactDetailsChanged)}); n == 0 {
		t.Error("the agency was not told about the changes")
	}
	signIn(t, ctx, base, "sam.patel@northwind.test", "sams-new-password")
	waitRoute(t, ctx, "home")
}
