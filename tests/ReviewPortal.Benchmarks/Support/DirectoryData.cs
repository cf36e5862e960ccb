using System.Globalization;
using Microsoft.Data.Sqlite;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Benchmarks.Support;

/// <summary>
/// A synthetic directory for the campaign and audit benchmarks, bulk-inserted with prepared statements into a migrated
/// file: departments, titles, managers and NHI owners on the identities, an enterprise org and a console org with
/// workspaces and groups, their entitlements (with privileged roles and reduce-to roles), and <c>openGrants</c> open
/// grants (two per person: org role and seat; one per API key: the key; the rest group memberships) plus 10 % ended ones.
/// Identity i is a person unless i % 10 == 0 (an API key), as in the summary benchmark's identities.
/// </summary>
internal static class DirectoryData
{
    public const int Departments = 20;

    public static string Department(int i) => $"Dept {i % Departments:D2}";

    public static void InsertIdentities(SqliteConnection connection, int identities, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Identities (ExternalId, Kind, DisplayName, Email, EmploymentStatus, Status, CreatedAt, LastSyncedAt, OwnerVersion)
            VALUES (@external, @kind, @name, @email, 0, 'active', @created, @created, 0)
            """;
        var external = insert.Parameters.Add("@external", SqliteType.Text);
        var kind = insert.Parameters.Add("@kind", SqliteType.Integer);
        var name = insert.Parameters.Add("@name", SqliteType.Text);
        var email = insert.Parameters.Add("@email", SqliteType.Text);
        insert.Parameters.AddWithValue("@created", now.AddDays(-400).UtcTicks);
        insert.Prepare();
        for (var i = 1; i <= identities; i++)
        {
            var person = i % 10 != 0;
            external.Value = person ? $"user_01Bench{i:D8}" : $"apikey_01Bench{i:D8}";
            kind.Value = (int)(person ? IdentityKind.Person : IdentityKind.ApiKey);
            name.Value = person ? $"Person {i}" : $"key-{i}";
            email.Value = person ? $"person{i}@northwind.example" : DBNull.Value;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Departments, titles, managers (persons 1–999) and owners (API key i is owned by person i − 1).</summary>
    public static void Organise(SqliteConnection connection, int identities)
    {
        using var transaction = connection.BeginTransaction();
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE Identities SET Department = @dept, Title = @title, ManagerId = @manager, OwnerId = @owner WHERE Id = @id";
        var dept = update.Parameters.Add("@dept", SqliteType.Text);
        var title = update.Parameters.Add("@title", SqliteType.Text);
        var manager = update.Parameters.Add("@manager", SqliteType.Integer);
        var owner = update.Parameters.Add("@owner", SqliteType.Integer);
        var id = update.Parameters.Add("@id", SqliteType.Integer);
        update.Prepare();
        for (var i = 1; i <= identities; i++)
        {
            var person = i % 10 != 0;
            var m = 1 + (int)((i * 7919L) % 999);
            if (m % 10 == 0)
            {
                m++;
            }
            id.Value = i;
            dept.Value = person ? Department(i) : DBNull.Value;
            title.Value = person ? (i % 17 == 0 ? "Engineering Manager" : i % 3 == 0 ? "Analyst" : "Engineer") : DBNull.Value;
            manager.Value = person && m != i ? m : DBNull.Value;
            owner.Value = person ? DBNull.Value : i - 1;
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <returns>The number of open grants inserted.</returns>
    public static int InsertAccess(SqliteConnection connection, int identities, int openGrants, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using var resource = connection.CreateCommand();
        resource.Transaction = transaction;
        resource.CommandText = """
            INSERT INTO Resources (ExternalId, Kind, Platform, Name, ParentId, OwnerId, CreatedAt, OwnerVersion)
            VALUES (@ext, @kind, @platform, @name, @parent, @owner, @created, 0); SELECT last_insert_rowid();
            """;
        var rExt = resource.Parameters.Add("@ext", SqliteType.Text);
        var rKind = resource.Parameters.Add("@kind", SqliteType.Integer);
        var rPlatform = resource.Parameters.Add("@platform", SqliteType.Integer);
        var rName = resource.Parameters.Add("@name", SqliteType.Text);
        var rParent = resource.Parameters.Add("@parent", SqliteType.Integer);
        var rOwner = resource.Parameters.Add("@owner", SqliteType.Integer);
        resource.Parameters.AddWithValue("@created", now.AddDays(-700).UtcTicks);
        int AddResource(string ext, ResourceKind kind, Platform platform, string name, int? parent, int? owner)
        {
            rExt.Value = ext;
            rKind.Value = (int)kind;
            rPlatform.Value = (int)platform;
            rName.Value = name;
            rParent.Value = (object?)parent ?? DBNull.Value;
            rOwner.Value = (object?)owner ?? DBNull.Value;
            return Convert.ToInt32(resource.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        using var entitlement = connection.CreateCommand();
        entitlement.Transaction = transaction;
        entitlement.CommandText = """
            INSERT INTO Entitlements (ResourceId, Kind, Value, DisplayName, IsPrivileged, IsRequestable, AllowsPermanent, ReducesToId)
            VALUES (@resource, @kind, @value, @name, @privileged, 1, 1, @reduces); SELECT last_insert_rowid();
            """;
        var eResource = entitlement.Parameters.Add("@resource", SqliteType.Integer);
        var eKind = entitlement.Parameters.Add("@kind", SqliteType.Integer);
        var eValue = entitlement.Parameters.Add("@value", SqliteType.Text);
        var eName = entitlement.Parameters.Add("@name", SqliteType.Text);
        var ePrivileged = entitlement.Parameters.Add("@privileged", SqliteType.Integer);
        var eReduces = entitlement.Parameters.Add("@reduces", SqliteType.Integer);
        int AddEntitlement(int resourceId, EntitlementKind kind, string value, string name, bool privileged, int? reducesTo)
        {
            eResource.Value = resourceId;
            eKind.Value = (int)kind;
            eValue.Value = value;
            eName.Value = name;
            ePrivileged.Value = privileged ? 1 : 0;
            eReduces.Value = (object?)reducesTo ?? DBNull.Value;
            return Convert.ToInt32(entitlement.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var enterprise = AddResource("org-bench-enterprise", ResourceKind.Organization, Platform.ClaudeEnterprise, "Northwind (Claude Enterprise)", null, 1);
        var console = AddResource("org-bench-console", ResourceKind.Organization, Platform.ClaudeConsole, "Northwind (Claude Console)", null, 2);
        var orgUser = AddEntitlement(enterprise, EntitlementKind.OrgRole, "user", "Enterprise user", false, null);
        var orgAdmin = AddEntitlement(enterprise, EntitlementKind.OrgRole, "admin", "Enterprise admin", true, orgUser);
        var orgOwner = AddEntitlement(enterprise, EntitlementKind.OrgRole, "owner", "Enterprise owner", true, orgAdmin);
        var seat = AddEntitlement(enterprise, EntitlementKind.Seat, "standard", "Standard seat", false, null);
        var premium = AddEntitlement(enterprise, EntitlementKind.Seat, "premium", "Premium seat", false, seat);
        var apiKey = AddEntitlement(console, EntitlementKind.ApiKey, "api_key", "Console API key", false, null);
        var workspaceRoles = new List<int>();
        for (var w = 1; w <= 100; w++)
        {
            var ws = AddResource($"wrkspc_bench{w:D3}", ResourceKind.Workspace, Platform.ClaudeConsole, $"Workspace {w}", console, w % 5 == 0 ? null : 1 + w * 11);
            var user = AddEntitlement(ws, EntitlementKind.WorkspaceRole, "workspace_user", $"Workspace {w} user", false, null);
            var dev = AddEntitlement(ws, EntitlementKind.WorkspaceRole, "workspace_developer", $"Workspace {w} developer", false, user);
            workspaceRoles.Add(AddEntitlement(ws, EntitlementKind.WorkspaceRole, "workspace_admin", $"Workspace {w} admin", true, dev));
            workspaceRoles.Add(dev);
        }
        var groups = new List<int>();
        for (var g = 1; g <= 400; g++)
        {
            var group = AddResource($"group_bench{g:D3}", ResourceKind.Group, Platform.ClaudeEnterprise, $"Group {g}", enterprise, 3 + g * 7);
            groups.Add(AddEntitlement(group, EntitlementKind.GroupMembership, "member", $"Group {g} member", false, null));
        }

        using var grant = connection.CreateCommand();
        grant.Transaction = transaction;
        grant.CommandText = """
            INSERT INTO Grants (IdentityId, EntitlementId, GrantedAt, EndedAt, Source, LastSeenInSyncAt)
            VALUES (@identity, @entitlement, @granted, @ended, 0, @seen)
            """;
        var gIdentity = grant.Parameters.Add("@identity", SqliteType.Integer);
        var gEntitlement = grant.Parameters.Add("@entitlement", SqliteType.Integer);
        var gGranted = grant.Parameters.Add("@granted", SqliteType.Integer);
        var gEnded = grant.Parameters.Add("@ended", SqliteType.Integer);
        grant.Parameters.AddWithValue("@seen", now.UtcTicks);
        grant.Prepare();
        var random = new Random(100);
        var open = 0;
        void AddGrant(int identity, int entitlementId, bool ended = false)
        {
            gIdentity.Value = identity;
            gEntitlement.Value = entitlementId;
            gGranted.Value = now.AddDays(-random.Next(1, 730)).AddMinutes(-random.Next(1440)).UtcTicks;
            gEnded.Value = ended ? now.AddDays(-random.Next(1, 200)).UtcTicks : DBNull.Value;
            grant.ExecuteNonQuery();
            if (!ended)
            {
                open++;
            }
        }
        for (var i = 1; i <= identities && open < openGrants; i++)
        {
            if (i % 10 == 0)
            {
                AddGrant(i, apiKey);
                continue;
            }
            AddGrant(i, i <= 3 ? orgOwner : i % 500 == 1 ? orgAdmin : orgUser);
            if (open < openGrants)
            {
                AddGrant(i, i % 7 == 0 ? premium : seat);
            }
        }
        for (var k = 0; open < openGrants; k++)
        {
            var person = 1 + (int)((k * 104729L) % identities);
            if (person % 10 == 0)
            {
                person++;
            }
            AddGrant(Math.Min(person, identities - 1), k % 4 == 0 ? workspaceRoles[k / 4 % workspaceRoles.Count] : groups[k % groups.Count]);
        }
        var ended = openGrants / 10;
        for (var k = 0; k < ended; k++)
        {
            var person = 1 + (int)((k * 15485863L) % identities);
            AddGrant(person % 10 == 0 ? person - 1 : person, groups[(k * 7) % groups.Count], ended: true);
        }
        transaction.Commit();
        return open;
    }
}
