using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Drafts: saved from the wizard with no items, edited, launched (the draft row itself becomes the active campaign) or
/// deleted; never reminded. Clone copies any campaign into a new draft.
/// </summary>
public class CampaignDraftTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private async Task<TestOrg> OrgAsync()
    {
        var org = new TestOrg("draft");
        var manager = org.Person("Manager");
        var user = org.Role(org.Organization, "user");
        org.Grant(org.Person("Ada", manager), user);
        org.Grant(org.Person("Grace", manager), user);
        await org.SaveAsync(portal);
        return org;
    }

    private async Task<Result<int>> SaveAsync(TestOrg org, int? id, CampaignDefinition definition) =>
        await portal.GetRequiredService<SaveCampaignDraft>().HandleAsync(org.AdminViewer, new CampaignDraft(id, definition), "test-draft");

    private async Task<Campaign> CampaignAsync(int id)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.Campaigns.AsNoTracking().Include(c => c.Items).SingleAsync(c => c.Id == id);
    }

    private async Task<List<AuditEntry>> AuditAsync(string action, int campaignId)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.CampaignId == campaignId).ToListAsync();
    }

    [Fact]
    public async Task SaveDraft_New_DraftWithItsDefinitionAndNoItems_Audited()
    {
        var org = await OrgAsync();

        var saved = await SaveAsync(org, null, org.Definition(d => d.UnreviewedOutcome = UnreviewedOutcome.Revoke));

        Assert.True(saved.Ok, saved.Refusal?.Message);
        var draft = await CampaignAsync(saved.Value);
        Assert.Equal((CampaignStatus.Draft, (DateTimeOffset?)null, org.Admin.Id, 0), (draft.Status, draft.LaunchedAt, draft.CreatedById, draft.Items.Count));
        Assert.Equal((UnreviewedOutcome.Revoke, org.Organization.Id), (draft.Definition.UnreviewedOutcome, Assert.Single(draft.Definition.ResourceIds)));
        Assert.Single(await AuditAsync("campaign.draft-saved", draft.Id));
        var opened = await portal.GetRequiredService<GetCampaignDraft>().HandleAsync(org.AdminViewer, draft.Id);
        Assert.Equal(CampaignDefinition.ToJson(draft.Definition), CampaignDefinition.ToJson(opened.Value!));
    }

    [Fact]
    public async Task SaveDraft_Unfinished_OnlyTheNameIsRequired()
    {
        var org = await OrgAsync();

        Assert.True((await SaveAsync(org, null, new CampaignDefinition { Name = $"{org.Tag} half done" })).Ok);
        var refused = await SaveAsync(org, null, new CampaignDefinition { Name = " " });
        Assert.Equal(RefusalKind.Invalid, refused.Refusal?.Kind);
        Assert.Contains(nameof(CampaignDefinition.Name), refused.Refusal!.FieldErrors!.Keys);
    }

    [Fact]
    public async Task SaveDraft_NonAdmin_Forbidden()
    {
        var org = await OrgAsync();

        var refused = await portal.GetRequiredService<SaveCampaignDraft>().HandleAsync(TestOrg.Viewer(org.Admin, "Compliance"),
            new CampaignDraft(null, org.Definition()), "test");

        Assert.Equal(RefusalKind.Forbidden, refused.Refusal?.Kind);
    }

    [Fact]
    public async Task EditDraft_ThenLaunch_TheSameRowBecomesTheActiveCampaignWithItems()
    {
        var org = await OrgAsync();
        var id = (await SaveAsync(org, null, org.Definition())).Value;
        Assert.True((await SaveAsync(org, id, org.Definition(d => d.Name = $"{org.Tag} edited"))).Ok);
        var edited = await CampaignAsync(id);
        Assert.Equal(($"{org.Tag} edited", CampaignStatus.Draft), (edited.Name, edited.Status));

        var launched = await portal.GetRequiredService<LaunchCampaign>().HandleAsync(org.AdminViewer, edited.Definition, draftId: id, "test-launch");

        Assert.True(launched.Ok, launched.Refusal?.Message);
        Assert.Equal((id, 2), (launched.Value.CampaignId, launched.Value.Items));
        var campaign = await CampaignAsync(id);
        Assert.Equal((CampaignStatus.Active, PortalAppFactory.Now, 2), (campaign.Status, campaign.LaunchedAt, campaign.Items.Count));
        Assert.Single(await AuditAsync("campaign.launched", id));
    }

    [Fact]
    public async Task LaunchDraft_Twice_SecondRefusedAsConflictAndNothingWrittenTwice()
    {
        var org = await OrgAsync();
        var id = (await SaveAsync(org, null, org.Definition())).Value;
        var launch = portal.GetRequiredService<LaunchCampaign>();
        Assert.True((await launch.HandleAsync(org.AdminViewer, org.Definition(), draftId: id, "first")).Ok);

        var second = await launch.HandleAsync(org.AdminViewer, org.Definition(), draftId: id, "second");

        Assert.Equal(RefusalKind.Conflict, second.Refusal?.Kind);
        Assert.Equal(2, (await CampaignAsync(id)).Items.Count);
        Assert.Single(await AuditAsync("campaign.launched", id));
        // Nor can the launched campaign be saved over as a draft, or deleted.
        Assert.Equal(RefusalKind.Conflict, (await SaveAsync(org, id, org.Definition(d => d.Name = "overwritten"))).Refusal?.Kind);
        Assert.Equal(RefusalKind.Conflict, (await portal.GetRequiredService<DeleteCampaignDraft>().HandleAsync(org.AdminViewer, id, "test")).Refusal?.Kind);
        Assert.Equal($"{org.Tag} review", (await CampaignAsync(id)).Name);
    }

    [Fact]
    public async Task LaunchDraft_NothingInScope_RefusedAndStillADraft()
    {
        var org = await OrgAsync();
        var definition = org.Definition(d => d.IdentityKinds = [IdentityKind.ServiceAccount]);
        var id = (await SaveAsync(org, null, definition)).Value;

        var refused = await portal.GetRequiredService<LaunchCampaign>().HandleAsync(org.AdminViewer, definition, draftId: id, "test");

        Assert.Equal(RefusalKind.Invalid, refused.Refusal?.Kind);
        Assert.Equal(CampaignStatus.Draft, (await CampaignAsync(id)).Status);
    }

    [Fact]
    public async Task DeleteDraft_Gone_Audited()
    {
        var org = await OrgAsync();
        var id = (await SaveAsync(org, null, org.Definition())).Value;

        Assert.True((await portal.GetRequiredService<DeleteCampaignDraft>().HandleAsync(org.AdminViewer, id, "test-delete")).Ok);

        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.Campaigns.AnyAsync(c => c.Id == id));
        Assert.Single(await db.AuditEntries.Where(e => e.Action == "campaign.draft-deleted" && e.TargetId == id.ToString()).ToListAsync());
    }

    [Fact]
    public async Task Draft_DueToday_NeverReminded()
    {
        var org = await OrgAsync();
        // Due today and "launched" never: the reminder run must pass it by.
        var id = (await SaveAsync(org, null, org.Definition(d => d.DueAt = PortalAppFactory.Now))).Value;

        await portal.GetRequiredService<SendRemindersJob>().RunAsync();

        await using var db = await portal.CreateDbContextAsync();
        var keys = await db.OutboxEmails.Select(m => m.DeduplicationKey).ToListAsync();
        Assert.DoesNotContain(keys, k => EmailOutbox.CampaignIdOf(k) == id);
    }

    [Fact]
    public async Task Clone_ActiveCampaign_NewDraftNamedCopyDueInTheFutureWithTheSameDefinition()
    {
        // Its own portal: the clock moves on a month, and a shared portal's clock cannot go back.
        await using var own = new EmptyPortalAppFactory();
        var org = new TestOrg("clone");
        org.Grant(org.Person("Ada", org.Person("Manager")), org.Role(org.Organization, "user"));
        await org.SaveAsync(own);
        var source = await own.LaunchCampaignAsync(org.Definition(d =>
        {
            d.UnreviewedOutcome = UnreviewedOutcome.TakeRecommendation;
            d.DueAt = PortalAppFactory.Now.AddDays(10);
        }), org.AdminViewer);
        Assert.True(source.Ok, source.Refusal?.Message);
        own.Time.SetUtcNow(PortalAppFactory.Now.AddDays(30));

        var cloned = await own.GetRequiredService<CloneCampaign>().HandleAsync(org.AdminViewer, source.Value.CampaignId, "test-clone");

        Assert.True(cloned.Ok, cloned.Refusal?.Message);
        await using var db = await own.CreateDbContextAsync();
        var copy = await db.Campaigns.AsNoTracking().Include(c => c.Items).SingleAsync(c => c.Id == cloned.Value);
        Assert.Equal(($"{org.Tag} review (copy)", CampaignStatus.Draft, 0, org.Admin.Id), (copy.Name, copy.Status, copy.Items.Count, copy.CreatedById));
        // The original ran ten days; the copy is due ten days from the day it was cloned, at the wizard's hour.
        Assert.Equal(new DateTimeOffset(2027, 1, 5, 17, 0, 0, TimeSpan.Zero), copy.DueAt);
        Assert.Equal(copy.DueAt, copy.Definition.DueAt);
        Assert.Equal(UnreviewedOutcome.TakeRecommendation, copy.Definition.UnreviewedOutcome);
        Assert.Equal(org.Organization.Id, Assert.Single(copy.Definition.ResourceIds));
        Assert.Single(await db.AuditEntries.AsNoTracking().Where(e => e.Action == "campaign.cloned" && e.CampaignId == copy.Id).ToListAsync());
        Assert.Equal(CampaignStatus.Active, (await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == source.Value.CampaignId)).Status);
    }

    [Fact]
    public async Task Clone_LongNameAndNoSuchCampaign_FitsTheColumn_NotFound()
    {
        var org = await OrgAsync();
        var id = (await SaveAsync(org, null, org.Definition(d => d.Name = new string('x', MaxLengths.Campaign.Name)))).Value;
        var clone = portal.GetRequiredService<CloneCampaign>();

        var copy = await CampaignAsync((await clone.HandleAsync(org.AdminViewer, id, "test")).Value);

        Assert.Equal(MaxLengths.Campaign.Name, copy.Name.Length);
        Assert.EndsWith("… (copy)", copy.Name);
        Assert.Equal(RefusalKind.NotFound, (await clone.HandleAsync(org.AdminViewer, int.MaxValue, "test")).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await clone.HandleAsync(TestOrg.Viewer(org.Admin, "Compliance"), id, "test")).Refusal?.Kind);
    }
}
