using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// Live mode with no simulation anywhere: Claude is the HTTP fake, the people come from a CSV file. Maria leads (no
/// Claude seat); Ann (the Research workspace's admin) reports to her; Bob and Carl report to Ann; Carl owns an API key.
/// The organizational context is what makes the approval chain, the departed-owner rule and escalation to a reviewer's manager work: on a
/// portal without a people directory (the previous main) the request below was refused, nothing escalated to a manager,
/// and a leaver was never seen.
/// </summary>
public sealed class LiveOrganizationTests : IAsyncLifetime
{
    private FakeApiPortalFactory _portal = null!;
    private static readonly Viewer Admin = new(null, "Ada Admin", new HashSet<string> { Roles.Admin });

    private const string People = """
        email,name,department,title,manager_email,status,left_date
        maria@northwind.example,Maria Lead,Research,Director,,active,
        ann@northwind.example,Ann Admin,Research,Lead engineer,maria@northwind.example,active,
        bob@northwind.example,Bob Builder,Research,Engineer,ann@northwind.example,active,
        carl@northwind.example,Carl Coder,Research,Engineer,ann@northwind.example,active,
        """;

    public async Task InitializeAsync()
    {
        _portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?> { ["People:Source"] = "Csv" });
        var directory = _portal.Api.Directory;
        directory.Organizations.Add(("org-console", "Northwind Console"));
        // Upper case on the Claude side: people are matched by address whatever its case.
        directory.Users["org-console"] =
        [
            ("user_ann", "Ann@Northwind.example", "Ann Admin", "admin"),
            ("user_bob", "bob@northwind.example", "Bob Builder", "developer"),
            ("user_carl", "carl@northwind.example", "Carl Coder", "developer"),
        ];
        directory.Workspaces.Add(("wrkspc_research", "Research"));
        _portal.Api.Members[("wrkspc_research", "user_ann")] = "workspace_admin";
        _portal.Api.Members[("wrkspc_research", "user_bob")] = "workspace_developer";
        directory.ApiKeys.Add(("apikey_carl", "carl-eval-script", "user_carl", "wrkspc_research"));
        await ImportAsync(People);
        await SyncAsync();
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task ImportAsync(string csv)
    {
        var outcome = (await _portal.GetRequiredService<ImportPeopleCsv>().ApplyAsync(Admin, new StringReader(csv), "people.csv", $"corr-{Guid.NewGuid():N}")).Value!;
        Assert.True(outcome.Applied, string.Join("; ", outcome.Errors));
    }

    private async Task SyncAsync() => Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<SyncDirectoryJob>().RunAsync()).Status);

    private async Task<Dictionary<string, Identity>> PeopleAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person).ToDictionaryAsync(i => i.Email!);
    }

    private async Task<long> CarlRequestsResearchDeveloperAsync()
    {
        var people = await PeopleAsync();
        await using var db = await _portal.CreateDbContextAsync();
        var entitlement = await db.Entitlements.SingleAsync(e => e.Kind == EntitlementKind.WorkspaceRole && e.Value == "workspace_developer");
        var carl = people["carl@northwind.example"];
        var result = await _portal.GetRequiredService<SubmitAccessRequest>().HandleAsync(
            new Viewer(carl.Id, carl.DisplayName, new HashSet<string>()),
            new SubmitAccessRequest.Command { EntitlementId = entitlement.Id, BeneficiaryId = carl.Id, Justification = "Running the nightly evaluation suite for research." },
            "corr-request");
        Assert.True(result.Ok, result.Refusal?.Message);
        return result.Value;
    }

    private async Task<List<ApprovalStep>> StepsAsync(long requestId)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.ApprovalSteps.AsNoTracking().Where(s => s.AccessRequestId == requestId).OrderBy(s => s.Order).ToListAsync();
    }

    [Fact]
    public async Task ApprovalChain_ManagerFromTheDirectory_ThenTheOwnersManagerWhenTheOwnerIsThatManager()
    {
        var people = await PeopleAsync();

        var steps = await StepsAsync(await CarlRequestsResearchDeveloperAsync());

        // Carl's manager is Ann; Ann also owns the workspace, so the owner step goes to her manager, Maria (no Claude seat).
        Assert.Equal([(ApproverKind.Manager, people["ann@northwind.example"].Id), (ApproverKind.Fallback, people["maria@northwind.example"].Id)],
            steps.Select(s => (s.ApproverKind, s.ApproverId)));
        Assert.Equal("hr:maria@northwind.example", people["maria@northwind.example"].ExternalId);
    }

    [Fact]
    public async Task DepartedOwnerRule_ALeaverInTheFile_OpensAReviewOfTheirKeyForTheirManager_OverdueEscalatesToHers()
    {
        await using (var db = await _portal.CreateDbContextAsync())
        {
            var enabledBy = (await PeopleAsync())["ann@northwind.example"].Id;
            db.LifecycleRules.Add(new LifecycleRule { Key = LifecycleRule.DepartedOwner, Enabled = true, UpdatedById = enabledBy, UpdatedAt = _portal.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        Assert.Equal(0, await _portal.GetRequiredService<ApplyLifecycleRulesJob>().RunAsync());
        _portal.Time.Advance(TimeSpan.FromDays(1));
        await ImportAsync(People.Replace("carl@northwind.example,Carl Coder,Research,Engineer,ann@northwind.example,active,",
            "carl@northwind.example,Carl Coder,Research,Engineer,ann@northwind.example,left,2026-11-26"));
        await SyncAsync();

        var opened = await _portal.GetRequiredService<ApplyLifecycleRulesJob>().RunAsync();

        Assert.Equal(1, opened);
        var people = await PeopleAsync();
        Assert.Equal(EmploymentStatus.Departed, people["carl@northwind.example"].EmploymentStatus);
        await using var check = await _portal.CreateDbContextAsync();
        var item = await check.ReviewItems.AsNoTracking().Include(i => i.Identity).SingleAsync();
        Assert.Equal(("apikey_carl", people["ann@northwind.example"].Id), (item.Identity.ExternalId, item.ReviewerId));

        // Ann lets the review run past its due date: her manager, from the directory, hears of it.
        var due = await check.Campaigns.AsNoTracking().Where(c => c.Id == item.CampaignId).Select(c => c.DueAt).SingleAsync();
        _portal.Time.Advance(due - _portal.Time.GetUtcNow() + TimeSpan.FromDays(3));
        await _portal.GetRequiredService<ReviewPortal.Web.Features.Email.SendRemindersJob>().RunAsync();

        var escalation = await check.OutboxEmails.AsNoTracking().SingleAsync(m => m.DeduplicationKey.StartsWith(ReviewPortal.Web.Features.Email.OutboxKeys.Escalation));
        Assert.Equal("maria@northwind.example", escalation.To);
        Assert.Contains("Ann Admin", escalation.Subject + escalation.TextBody);
    }
}
