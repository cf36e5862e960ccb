using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// The five demo personas, found in the synced demo organization by what they are (not by a
/// hard-coded id), so they survive re-seeding with another size.
/// </summary>
public sealed class DevPersonas(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public static readonly IReadOnlyList<(string Key, string Role, string Description)> Keys =
    [
        ("manager", "Manager", "Certifies the Claude access of their reports and of the keys those reports own."),
        ("appowner", "App owner", "Owns the production workspace; approves requests and reviews its access."),
        ("compliance", "Compliance auditor", "Reads audit trails and exports evidence; changes nothing."),
        ("admin", "Admin", "IAM team: connectors, campaigns, remediation and background jobs."),
        ("engineer", "Requester", "Builds agents; owns an agent's API key and asks for the access it needs."),
    ];

    private static readonly IdentityKind[] NonHumanKinds = [IdentityKind.ApiKey, IdentityKind.ServiceAccount, IdentityKind.Agent];

    public async Task<IReadOnlyList<DevPersona>> ListAsync(CancellationToken cancellationToken)
    {
        var found = new List<DevPersona>();
        foreach (var (key, _, _) in Keys)
        {
            if (await FindAsync(key, cancellationToken) is { } persona)
            {
                found.Add(persona);
            }
        }
        return found;
    }

    public async Task<DevPersona?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = db.Identities.Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active);
        // The middle manager with the most direct reports: a real review queue.
        var managers = people.Where(p => p.ManagerId != null && !db.Resources.Any(r => r.OwnerId == p.Id))
            .OrderByDescending(p => db.Identities.Count(r => r.ManagerId == p.Id))
            .ThenBy(p => p.Id);
        var (identity, roles) = key switch
        {
            "manager" => (await managers.FirstOrDefaultAsync(cancellationToken), Array.Empty<string>()),
            "appowner" => (await db.Resources.Where(r => r.Kind == ResourceKind.Workspace && r.OwnerId != null)
                .OrderByDescending(r => r.Name.Contains("prod")).ThenBy(r => r.Id)
                .Select(r => r.Owner).FirstOrDefaultAsync(cancellationToken), [Roles.AppOwner]),
            "compliance" => (await people.Where(p => p.Title != null && p.Title.Contains("Compliance"))
                .OrderBy(p => p.Id).FirstOrDefaultAsync(cancellationToken), [Roles.Compliance]),
            // An individual contributor who actually holds an org admin role: the IAM operator.
            "admin" => (await people.Where(p => p.Title != null && !p.Title.StartsWith("VP") && !p.Title.StartsWith("Head")
                    && p.Grants.Any(g => g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.OrgRole && g.Entitlement.Value == "admin"))
                .OrderByDescending(p => p.LastActiveAt).ThenBy(p => p.Id).FirstOrDefaultAsync(cancellationToken), new[] { Roles.Admin }),
            // A plain signed-in user: a report of the manager persona (so that manager answers step 1 of their requests)
            // who answers for at least one active key, service account or agent to request access for.
            "engineer" => (await people.Where(p => p.ManagerId != null && p.ManagerId == managers.Select(m => (int?)m.Id).FirstOrDefault()
                    && db.Identities.Any(n => n.OwnerId == p.Id && n.Status == "active" && NonHumanKinds.Contains(n.Kind)))
                .OrderBy(p => p.Id).FirstOrDefaultAsync(cancellationToken), Array.Empty<string>()),
            _ => (null, Array.Empty<string>()),
        };
        if (identity is null)
        {
            return null;
        }
        var meta = Keys.First(k => k.Key == key);
        return new DevPersona(key, identity.Id, identity.DisplayName, identity.Email, identity.Title, meta.Role,
            meta.Description, roles);
    }

    public async Task RecordSignInAsync(DevPersona persona, DateTimeOffset at, string correlationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(persona.IdentityId, persona.FullName, at, correlationId), "portal.signed-in",
            new AuditTarget("Identity", persona.IdentityId.ToString()), after: new { method = "dev-persona", persona.Key },
            identityId: persona.IdentityId);
        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed record DevPersona(string Key, int IdentityId, string FullName, string? Email, string? Title, string RoleName,
    string Description, IReadOnlyList<string> Roles)
{
    public string FirstName => FullName.Split(' ', 2)[0];
}
