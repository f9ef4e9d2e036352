package collections

import "github.com/pocketbase/pocketbase/core"

// Group is a team of admins (e.g. "Melbourne office"); its admins receive the
// notifications of the clients assigned to it.
type Group struct{ core.BaseRecordProxy }

// Name returns the group's display name.
func (g *Group) Name() string { return g.GetString(FieldName) }

// Email returns the address clients use to reach the group (spec C2).
func (g *Group) Email() string { return g.GetString(FieldEmail) }

// AdminIDs returns the ids of the superusers who administer the group.
func (g *Group) AdminIDs() []string { return g.GetStringSlice(FieldAdmins) }

// Client is a customer company of the agency.
type Client struct{ core.BaseRecordProxy }

// Name returns the company name.
func (c *Client) Name() string { return c.GetString(FieldName) }

// SetName sets the company name.
func (c *Client) SetName(v string) { c.Set(FieldName, v) }

// GroupID returns the id of the admin group the client is assigned to.
func (c *Client) GroupID() string { return c.GetString(FieldGroup) }

// SetGroupID assigns the client to an admin group.
func (c *Client) SetGroupID(id string) { c.Set(FieldGroup, id) }

// PortalEnabled reports whether the client's contacts may use the portal (spec A1).
func (c *Client) PortalEnabled() bool { return c.GetBool(FieldPortalEnabled) }

// SetPortalEnabled switches the portal on or off for this client.
func (c *Client) SetPortalEnabled(v bool) { c.Set(FieldPortalEnabled, v) }

// DefaultPriceListID returns the client's own price list, or "" for the basic list.
func (c *Client) DefaultPriceListID() string { return c.GetString(FieldDefaultPriceList) }

// SetDefaultPriceListID sets the price list used for the client's estimates.
func (c *Client) SetDefaultPriceListID(id string) { c.Set(FieldDefaultPriceList, id) }

// Role is a named set of permissions given to contacts. A role without a
// client is shared by every client.
type Role struct{ core.BaseRecordProxy }

// Name returns the role's display name.
func (r *Role) Name() string { return r.GetString(FieldName) }

// ClientID returns the owning client, or "" for a shared role.
func (r *Role) ClientID() string { return r.GetString(FieldClient) }

// Permissions returns the permissions the role grants.
func (r *Role) Permissions() []Permission {
	raw := r.GetStringSlice(FieldPermissions)
	out := make([]Permission, len(raw))
	for i, p := range raw {
		out[i] = Permission(p)
	}
	return out
}

// Has reports whether the role grants the permission.
func (r *Role) Has(p Permission) bool {
	for _, q := range r.GetStringSlice(FieldPermissions) {
		if q == string(p) {
			return true
		}
	}
	return false
}

// SetPermissions replaces the permissions the role grants.
func (r *Role) SetPermissions(perms ...Permission) {
	raw := make([]string, len(perms))
	for i, p := range perms {
		raw[i] = string(p)
	}
	r.Set(FieldPermissions, raw)
}

// Contact is a person of a client who may sign in to the portal (auth record).
type Contact struct{ core.BaseRecordProxy }

// Name returns the contact's full name.
func (c *Contact) Name() string { return c.GetString(FieldName) }

// SetName sets the contact's full name.
func (c *Contact) SetName(v string) { c.Set(FieldName, v) }

// Phone returns the contact's phone number.
func (c *Contact) Phone() string { return c.GetString(FieldPhone) }

// ClientID returns the id of the company the contact belongs to.
func (c *Contact) ClientID() string { return c.GetString(FieldClient) }

// SetClientID sets the company the contact belongs to.
func (c *Contact) SetClientID(id string) { c.Set(FieldClient, id) }

// RoleID returns the id of the contact's role.
func (c *Contact) RoleID() string { return c.GetString(FieldRole) }

// SetRoleID gives the contact a role.
func (c *Contact) SetRoleID(id string) { c.Set(FieldRole, id) }

// Status returns the contact's portal access state.
func (c *Contact) Status() ContactStatus { return ContactStatus(c.GetString(FieldStatus)) }

// SetStatus sets the contact's portal access state.
func (c *Contact) SetStatus(s ContactStatus) { c.Set(FieldStatus, string(s)) }
