using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Lifecycle;

/// <summary>
/// A small organization for lifecycle tests on its own empty portal (the job scans the whole database): Boss manages
/// Maya, Maya manages Dana. Each test adds the keys it needs with <see cref="Key"/> before <see cref="SaveAsync"/>.
/// </summary>
public sealed class LifecycleOrg
{
    public static readonly DateTimeOffset DanaLeft = new(2026, 10, 3, 17, 0, 0, TimeSpan.Zero);

    public LifecycleOrg(PortalAppFactory portal, bool mayaDeparted = false)
    {
        Portal = portal;
        Org = new TestOrg("lifecycle");
        Boss = Org.Person("Boss");
        Maya = Org.Person("Maya", manager: Boss, departed: mayaDeparted);
        Dana = Org.Person("Dana", manager: Maya, departed: true);
        Dana.DepartedAt = DanaLeft;
        Workspace = Org.Workspace("prod", owner: Boss);
        KeyEntitlement = Org.Role(Workspace, "active", kind: EntitlementKind.ApiKey);
    }

    public PortalAppFactory Portal { get; }
    public TestOrg Org { get; }
    public Identity Boss { get; }
    public Identity Maya { get; }
    public Identity Dana { get; }
    public Resource Workspace { get; }
    public Entitlement KeyEntitlement { get; }

    /// <summary>An active key of the given kind, last active <paramref name="idleDays"/> ago, holding its own key entitlement.</summary>
    public (Identity Key, Grant Grant) Key(string name, Identity owner, int idleDays = 1, IdentityKind kind = IdentityKind.ApiKey)
    {
        var key = Org.Key(name, owner, lastActive: TestOrg.Now.AddDays(-idleDays), kind: kind);
        return (key, Org.Grant(key, KeyEntitlement));
    }

    public Task SaveAsync() => Org.SaveAsync(Portal);

    public Task<Result<int>> EnableAsync(bool departedOwner = false, bool dormantKeys = false, int dormantDays = 45) =>
        Portal.GetRequiredService<UpdateLifecycleRules>().HandleAsync(Org.AdminViewer, new UpdateLifecycleRules.Command
        {
            DepartedOwnerEnabled = departedOwner, DormantKeysEnabled = dormantKeys, DormantDays = dormantDays,
        }, "test-enable");

    public Task<int> RunAsync() => Portal.GetRequiredService<ApplyLifecycleRulesJob>().RunAsync();

    public async Task<List<ReviewItem>> ItemsAsync()
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().Include(i => i.Campaign).OrderBy(i => i.Id).ToListAsync();
    }

    public async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync();
    }

    public Task<Result<int>> DecideAsync(ReviewItem item, Identity reviewer, DecisionOutcome outcome, string? justification = null) =>
        Portal.GetRequiredService<DecideReviewItem>().HandleAsync(TestOrg.Viewer(reviewer), new DecideReviewItem.Command
        {
            ItemId = item.Id, Outcome = outcome, Justification = justification, ExpectedVersion = item.Version, EvidenceHash = item.EvidenceHash,
        }, "test-decide");
}
