// Package pb_public embeds the portal pages so the binary serves them without
// any file beside it (spec P1, P5). The pages live in client-portal/; this Go
// file is not served because only that folder is embedded.
package pb_public

import "embed"

// FS holds the client-portal/ folder: the portal's HTML, CSS, ES modules and
// vendored libraries.
//
//go:embed all:client-portal
var FS embed.FS
