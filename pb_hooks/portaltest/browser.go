package portaltest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium, which `make test` and .ci/run install.
const ChromiumPath = "/usr/bin/chromium"

// NewBrowser starts headless Chromium with a fresh profile and returns a tab
// context that expires after timeout. Browser tests never skip: a machine
// without Chromium fails here with how to fix it.
//
// The tab's console is watched: a console error or an uncaught exception
// fails the test when it ends (see ConsoleWatch for what counts).
//
// The flags keep Chromium off the network: the test machines have no
// internet, and its background services would otherwise fail noisily.
func NewBrowser(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("browser tests need %s: run `make test` (it installs Debian's chromium) or apt-get install -y chromium", ChromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now, so a launch failure is reported as such.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	failOnConsoleErrors(t, WatchConsole(ctx))
	return ctx
}

// NewTab opens a tab of the browser of ctx in its own browser context (its
// own cookies and storage, like a private window), so several people can be
// signed in side by side in one Chromium. The tab closes and its console is
// checked like NewBrowser's when the test ends.
func NewTab(t testing.TB, ctx context.Context) (context.Context, *ConsoleWatch) {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	watch := WatchConsole(tab)
	failOnConsoleErrors(t, watch)
	return tab, watch
}

// failOnConsoleErrors fails t, when it ends, with the problems watch saw.
// Cleanups run last-in first-out, so this runs before the tab closes.
func failOnConsoleErrors(t testing.TB, watch *ConsoleWatch) {
	t.Cleanup(func() {
		if problems := watch.Take(); len(problems) > 0 {
			t.Errorf("the page wrote to the console:\n%s", strings.Join(problems, "\n"))
		}
	})
}

// ConsoleWatch collects the problems a tab reports: console.error calls,
// uncaught exceptions and unhandled promise rejections, and browser log
// errors such as a failed script or a 5xx answer. A 4xx answer to an API call
// is not one: the page asked, the server refused (not found, no permission,
// invalid input), and the page shows that in its own words, which the tests
// check.
type ConsoleWatch struct {
	mu       sync.Mutex
	problems []string
}

// WatchConsole starts collecting the problems of the tab of ctx until ctx ends.
func WatchConsole(ctx context.Context) *ConsoleWatch {
	w := &ConsoleWatch{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if isProblem(m) {
				w.mu.Lock()
				w.problems = append(w.problems, fmt.Sprintf("%s %s:%d: %s", m.Type, m.URL, m.Line+1, m.Text))
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func isProblem(m chromedp.ConsoleMessage) bool {
	switch {
	case m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException:
		return false
	case m.Source == "network" && strings.Contains(m.Text, "status of 4"):
		return false
	}
	return true
}

// Take returns the problems seen so far and forgets them.
func (w *ConsoleWatch) Take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	problems := w.problems
	w.problems = nil
	return problems
}
