using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// A small organization for the setup screens: Olga owns the prod workspace, Rita owns the key ritas-key, Sam and Pat are
/// employed, Lee has left, Cora is Compliance staff. The org's IAM admin saves. Tagged, so many can share one database.
/// </summary>
public sealed class SetupOrg
{
    private SetupOrg(PortalAppFactory portal, TestOrg org) => (Portal, Org) = (portal, org);

    public PortalAppFactory Portal { get; }
    public TestOrg Org { get; }
    public Identity Olga { get; private set; } = null!;
    public Identity Rita { get; private set; } = null!;
    public Identity Sam { get; private set; } = null!;
    public Identity Pat { get; private set; } = null!;
    public Identity Lee { get; private set; } = null!;
    public Identity Cora { get; private set; } = null!;
    public Identity RitasKey { get; private set; } = null!;
    public Resource Prod { get; private set; } = null!;

    public Viewer Admin => Org.AdminViewer;
    public Viewer Compliance => TestOrg.Viewer(Cora, Roles.Compliance);

    public static async Task<SetupOrg> CreateAsync(PortalAppFactory portal)
    {
        var org = new TestOrg("setup");
        var o = new SetupOrg(portal, org);
        o.Olga = org.Person("Olga");
        o.Rita = org.Person("Rita");
        o.Sam = org.Person("Sam");
        o.Pat = org.Person("Pat");
        o.Lee = org.Person("Lee", departed: true);
        o.Cora = org.Person("Cora");
        o.RitasKey = org.Key("ritas-key", o.Rita);
        o.Prod = org.Workspace("prod", o.Olga);
        await org.SaveAsync(portal);
        return o;
    }

    public Task<Result<SetupResult>> SetOwnersAsync(Viewer viewer, Identity? owner, Identity? backup, int expectedVersion) =>
        Portal.GetRequiredService<SetResourceOwners>().HandleAsync(viewer, new SetResourceOwners.Command
        {
            ResourceId = Prod.Id, OwnerId = owner?.Id, BackupOwnerId = backup?.Id, ExpectedVersion = expectedVersion,
        }, $"test-{Guid.NewGuid():N}");

    public Task<Result<SetupResult>> TransferAsync(Viewer viewer, Identity nhi, Identity? newOwner, int expectedVersion, string? reason = null) =>
        Portal.GetRequiredService<TransferNhiOwnership>().HandleAsync(viewer, new TransferNhiOwnership.Command
        {
            IdentityId = nhi.Id, NewOwnerId = newOwner?.Id, ExpectedVersion = expectedVersion, Reason = reason,
        }, $"test-{Guid.NewGuid():N}");

    public async Task<Resource> ProdAsync()
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.Resources.AsNoTracking().SingleAsync(r => r.Id == Prod.Id);
    }

    public async Task<Identity> IdentityAsync(Identity identity)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.Identities.AsNoTracking().SingleAsync(i => i.Id == identity.Id);
    }

    public async Task<List<AuditEntry>> AuditAsync(string action, string targetType, int targetId)
    {
        var id = targetId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var db = await Portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetType == targetType && e.TargetId == id)
            .OrderBy(e => e.Sequence).ToListAsync();
    }
}
