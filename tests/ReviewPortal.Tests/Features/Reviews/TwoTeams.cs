using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using DecideReviewItemCommand = ReviewPortal.Web.Features.Reviews.DecideReviewItem.Command;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Two managers' teams under one launched campaign (Manager rule, fallback = the org's IAM admin).
/// Manager A reviews Alice (user: Keep, prod developer: Keep, prod admin: Reduce), Aaron (user: Revoke,
/// dormant 41 days) and the key of Gone, a departed report (Look closer). Manager B reviews Bea
/// (user: Keep, prod developer: Keep). Olga owns the prod workspace; Audrey is a compliance auditor.
/// </summary>
public sealed class TwoTeams
{
    private TwoTeams(PortalAppFactory portal, TestOrg org) => (Portal, Org) = (portal, org);

    public PortalAppFactory Portal { get; }
    public TestOrg Org { get; }
    public int CampaignId { get; private set; }
    public Identity ManagerA { get; private set; } = null!;
    public Identity ManagerB { get; private set; } = null!;
    public Identity Alice { get; private set; } = null!;
    public Identity Aaron { get; private set; } = null!;
    public Identity Gone { get; private set; } = null!;
    public Identity GonesKey { get; private set; } = null!;
    public Identity Bea { get; private set; } = null!;
    public Identity Olga { get; private set; } = null!;
    public Identity Audrey { get; private set; } = null!;
    public Entitlement User { get; private set; } = null!;
    public Entitlement Developer { get; private set; } = null!;
    public Entitlement ProdAdmin { get; private set; } = null!;
    public Entitlement KeyActive { get; private set; } = null!;

    /// <summary>A scope without Alice's prod admin role, for campaigns whose silence removes access (the launch refuses to leave prod without an admin).</summary>
    public static readonly List<string> UnprivilegedRoles = ["user", "workspace_developer", "active"];

    public Viewer A => TestOrg.Viewer(ManagerA);
    public Viewer B => TestOrg.Viewer(ManagerB);
    public Viewer Compliance => TestOrg.Viewer(Audrey, Roles.Compliance);
    public Viewer Admin => Org.AdminViewer;

    public static async Task<TwoTeams> LaunchAsync(PortalAppFactory portal, Action<CampaignDefinition>? configure = null)
    {
        var teams = new TwoTeams(portal, new TestOrg("teams"));
        var org = teams.Org;
        teams.ManagerA = org.Person("Manager A");
        teams.ManagerB = org.Person("Manager B");
        teams.Olga = org.Person("Olga");
        teams.Audrey = org.Person("Audrey");
        var prod = org.Workspace("prod", teams.Olga);
        teams.User = org.Role(org.Organization, "user");
        teams.Developer = org.Role(prod, "workspace_developer");
        teams.ProdAdmin = org.Role(prod, "workspace_admin", privileged: true, reducesTo: teams.Developer);
        teams.KeyActive = org.Role(prod, "active", kind: EntitlementKind.ApiKey);

        teams.Alice = org.Person("Alice", teams.ManagerA);
        org.Activity(teams.Alice, Enumerable.Range(0, 22), countPerDay: 3);
        // Their workspace roles are judged on their activity in prod (issue #16): both work there.
        org.WorkspaceActivity(teams.Alice, prod, Enumerable.Range(0, 22), countPerDay: 3, category: ActivityCategory.ChatAndContent, alsoOverall: false);
        org.Grant(teams.Alice, teams.User);
        org.Grant(teams.Alice, teams.Developer);
        org.Grant(teams.Alice, teams.ProdAdmin);
        teams.Aaron = org.Person("Aaron", teams.ManagerA, lastActive: TestOrg.Now.AddDays(-41));
        org.Grant(teams.Aaron, teams.User);
        teams.Gone = org.Person("Gone", teams.ManagerA, departed: true, lastActive: TestOrg.Now.AddDays(-50));
        teams.GonesKey = org.Key("Gone's key", teams.Gone);
        org.Activity(teams.GonesKey, [0, 1], category: ActivityCategory.ApiKeyUse);
        org.Grant(teams.GonesKey, teams.KeyActive);

        teams.Bea = org.Person("Bea", teams.ManagerB);
        org.Activity(teams.Bea, Enumerable.Range(0, 10), countPerDay: 3);
        org.WorkspaceActivity(teams.Bea, prod, Enumerable.Range(0, 10), countPerDay: 3, category: ActivityCategory.ChatAndContent, alsoOverall: false);
        org.Grant(teams.Bea, teams.User);
        org.Grant(teams.Bea, teams.Developer);
        await org.SaveAsync(portal);

        var launched = await portal.LaunchCampaignAsync(org.Definition(configure), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        teams.CampaignId = launched.Value.CampaignId;
        return teams;
    }

    public async Task<ReviewItem> ItemAsync(Identity holder, Entitlement entitlement, int stage = 1)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking()
            .SingleAsync(i => i.CampaignId == CampaignId && i.IdentityId == holder.Id && i.EntitlementId == entitlement.Id && i.Stage == stage);
    }

    public async Task<ReviewItem> ItemAsync(long id)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    public async Task<List<ReviewItem>> ItemsAsync()
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == CampaignId).OrderBy(i => i.Id).ToListAsync();
    }

    public async Task<List<ReviewDecision>> DecisionsAsync()
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.ReviewDecisions.AsNoTracking().Where(d => d.ReviewItem.CampaignId == CampaignId).OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>This campaign's audit entries with the given action.</summary>
    public async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.CampaignId == CampaignId && e.Action == action)
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>Items as the reviewer's list shows them: id and the version seen (what a bulk decision takes).</summary>
    public static List<SeenItem> Seen(params IEnumerable<ReviewItem> items) => items.Select(i => new SeenItem(i.Id, i.Version)).ToList();

    /// <summary>What the reviewer's "Accept recommendations" sends: the page's default list (undecided) of this campaign, as shown.</summary>
    public async Task<IReadOnlyList<SeenItem>> AcceptableOnScreenAsync(Viewer reviewer)
    {
        var queue = await Portal.GetRequiredService<ListMyReviewItems>()
            .HandleAsync(reviewer, new ListMyReviewItems.Query { CampaignId = CampaignId, Decided = false });
        Assert.True(queue.Ok, queue.Refusal?.Message);
        return queue.Value.AcceptableRecommendations();
    }

    /// <summary>A command as the panel sends it for an item just loaded.</summary>
    public static DecideReviewItemCommand Command(ReviewItem item, DecisionOutcome outcome, string? justification = null) => new()
    {
        ItemId = item.Id, Outcome = outcome, Justification = justification, ExpectedVersion = item.Version, EvidenceHash = item.EvidenceHash,
    };
}
