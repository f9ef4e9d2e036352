package collections_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// wrapperCollections maps each typed wrapper to its collection. A wrapper
// missing here fails TestWrapperFieldsExist, so none escapes the check.
var wrapperCollections = map[string]string{
	"Group":         collections.Groups,
	"Client":        collections.Clients,
	"Role":          collections.Roles,
	"Contact":       collections.Contacts,
	"Event":         collections.Events,
	"ChangeRequest": collections.ChangeRequests,
	"Shift":         collections.Shifts,
	"Assignment":    collections.Assignments,
	"Profession":    collections.Professions,
	"StaffMember":   collections.Staff,
	"Invoice":       collections.Invoices,
	"Settings":      collections.PortalSettings,
	"Page":          collections.CMSPages,
	"Snippet":       collections.ClientSnippets,
}

// TestMigratedSchema migrates a fresh database and checks that exactly the
// collections of collections.All exist, with the explicit ids relations use.
func TestMigratedSchema(t *testing.T) {
	app := portaltest.App(t)

	for _, name := range collections.All {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Errorf("collection %s missing: %v", name, err)
			continue
		}
		if c.Id != collections.ID(name) {
			t.Errorf("collection %s has id %s, want %s", name, c.Id, collections.ID(name))
		}
		if !c.IsView() && (c.Fields.GetByName(collections.FieldCreated) == nil || c.Fields.GetByName(collections.FieldUpdated) == nil) {
			t.Errorf("collection %s lacks created/updated", name)
		}
	}

	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, name := range collections.All {
		known[name] = true
	}
	for _, c := range all {
		if !c.System && !known[c.Name] {
			t.Errorf("collection %s exists but is not listed in collections.All", c.Name)
		}
	}
}

// TestWrapperFieldsExist reads the wrappers' source and checks that every
// Field* constant a wrapper method uses is a field of its collection.
func TestWrapperFieldsExist(t *testing.T) {
	app := portaltest.App(t)
	consts, uses := parseWrappers(t)
	if len(uses) < len(wrapperCollections) {
		t.Fatalf("found methods of %d wrappers, want at least %d", len(uses), len(wrapperCollections))
	}
	for wrapper, fields := range uses {
		name, ok := wrapperCollections[wrapper]
		if !ok {
			t.Errorf("wrapper %s is not mapped to a collection in wrapperCollections", wrapper)
			continue
		}
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, ident := range fields {
			field, ok := consts[ident]
			if !ok {
				t.Errorf("%s uses %s, which is not a string constant", wrapper, ident)
				continue
			}
			if c.Fields.GetByName(field) == nil {
				t.Errorf("%s uses field %q (%s), which collection %s does not have", wrapper, field, ident, name)
			}
		}
	}
}

// TestContactsAuthOptions checks the auth settings the portal relies on.
func TestContactsAuthOptions(t *testing.T) {
	app := portaltest.App(t)
	c, err := app.FindCollectionByNameOrId(collections.Contacts)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsAuth() || !c.PasswordAuth.Enabled {
		t.Fatal("contacts must be an auth collection with password sign-in")
	}
	if c.AuthRule == nil || !strings.Contains(*c.AuthRule, `status = "active"`) {
		t.Errorf("contacts auth rule = %v, want it to require an active status", c.AuthRule)
	}
	for _, f := range c.Fields {
		if ff, ok := f.(*core.FileField); ok && !ff.Protected {
			t.Errorf("contacts.%s must be a protected file field", ff.Name)
		}
	}
}

// parseWrappers returns the string constants of the package and, per
// receiver type, the Field* identifiers its methods use.
func parseWrappers(t *testing.T) (map[string]string, map[string][]string) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	uses := map[string][]string{}
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			ast.Inspect(file, func(n ast.Node) bool {
				if vs, ok := n.(*ast.ValueSpec); ok {
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								consts[name.Name], _ = strconv.Unquote(lit.Value)
							}
						}
					}
				}
				return true
			})
			for _, decl := range file.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || fn.Body == nil {
					continue
				}
				recv := receiverName(fn.Recv.List[0].Type)
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && strings.HasPrefix(id.Name, "Field") {
						uses[recv] = append(uses[recv], id.Name)
					}
					return true
				})
				if _, seen := uses[recv]; !seen {
					uses[recv] = nil
				}
			}
		}
	}
	return consts, uses
}

func receiverName(expr ast.Expr) string {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	if id, ok := expr.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
