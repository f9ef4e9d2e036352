package bench

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// Table writes the report as a short table: one line per call, then the
// baseline, each page's whole load, memory, start-up and first-load bytes.
func (r *Report) Table(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "call\treq/s\t× baseline\tp50 ms\tp95 ms\tp99 ms\tCPU ms/req\tlargest client\tbytes\terrors\t")
	line := func(c CallResult) {
		largest := "-"
		if c.LargestClientCPU > 0 {
			largest = fmt.Sprintf("%.2f", c.LargestClientCPU)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.1f\t%.1f\t%.1f\t%.2f\t%s\t%.0f\t%d\t\n", c.Name, c.Throughput, c.VsBaseline,
			c.P50, c.P95, c.P99, c.CPUPerRequest, largest, c.BytesPerReq, c.Errors)
	}
	for _, c := range r.Calls {
		line(c)
	}
	line(r.Baseline)
	if err := tw.Flush(); err != nil {
		return err
	}
	pages := make([]string, 0, len(r.PageCPU))
	for p := range r.PageCPU {
		pages = append(pages, p)
	}
	sort.Strings(pages)
	fmt.Fprint(w, "\nwhole page load, server CPU ms (shell included):")
	for _, p := range pages {
		fmt.Fprintf(w, " %s %.2f;", p, r.PageCPU[p])
	}
	mail := r.Mail
	if mail == "" {
		mail = "none configured"
	}
	fmt.Fprintf(w, "\n%d contacts × %d rounds, mail server: %s; server RSS peak %.0f MB, at the end %.0f MB",
		r.Contacts, r.Rounds, mail, r.RSSPeakMB, r.RSSEndMB)
	if r.StartupMs > 0 {
		fmt.Fprintf(w, "; start-up to serving %.0f ms", r.StartupMs)
	}
	fmt.Fprintln(w)
	for _, c := range r.Calls {
		if c.EmailsPerRequest > 0 {
			fmt.Fprintf(w, "%s: %.1f emails per request, sent after the requests for %.2f ms CPU per request (%.2f in all)\n",
				c.Name, c.EmailsPerRequest, c.SendCPUPerRequest, c.CPUPerRequest+c.SendCPUPerRequest)
		}
	}
	if a := r.FirstLoad; a != nil {
		fmt.Fprintf(w, "first load: %d files, %.1f KB on the wire (%.1f KB uncompressed), %d round trips deep; repeat visit %.1f KB\n",
			a.Files, float64(a.WireBytes)/1024, float64(a.RawBytes)/1024, a.RoundTrips, float64(a.RepeatBytes)/1024)
	}
	for _, c := range append(r.Calls, r.Baseline) {
		if c.FirstError != "" {
			fmt.Fprintf(w, "first error of %s: %s\n", c.Name, c.FirstError)
		}
	}
	return nil
}
