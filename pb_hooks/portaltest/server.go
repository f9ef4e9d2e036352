package portaltest

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// StartServer runs the real PocketBase server (apis.Serve: the same router,
// middlewares and OnServe hooks as production) for app on a free port of
// 127.0.0.1 and returns its base URL, e.g. "http://127.0.0.1:41234". When the
// test ends the app is cleaned up (a *tests.TestApp) or closed, which stops
// the server.
func StartServer(t testing.TB, app core.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "portaltest.listener",
		Func: func(se *core.ServeEvent) error {
			se.Listener = ln
			se.InstallerFunc = nil // never open the superuser installer in tests
			return se.Next()
		},
		Priority: -1000,
	})

	done := make(chan error, 1)
	go func() {
		done <- apis.Serve(app, apis.ServeConfig{HttpAddr: ln.Addr().String()})
	}()
	t.Cleanup(func() {
		// Both trigger OnTerminate, which shuts the server down.
		if ta, ok := app.(*tests.TestApp); ok {
			ta.Cleanup()
		} else {
			Close(app)
		}
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop within 10s")
		}
	})

	base := "http://" + ln.Addr().String()
	waitReady(t, base+"/api/health", done)
	return base
}

// waitReady polls the health endpoint until the server answers, for at most
// ten seconds.
func waitReady(t testing.TB, url string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server stopped before it was ready: %v", err)
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server was not ready within 10s")
}
