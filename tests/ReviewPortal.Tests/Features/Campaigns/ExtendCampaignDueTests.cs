using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>Extending an active campaign's due date: admins only, later dates only, audited, each waiting reviewer told once.</summary>
public class ExtendCampaignDueTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private sealed record Launched(TestOrg Org, int CampaignId, Identity Waiting, Identity Done, DateTimeOffset DueAt);

    /// <summary>Two reviewers: one still has an undecided item, the other has decided all of theirs.</summary>
    private async Task<Launched> LaunchAsync()
    {
        var org = new TestOrg("extend");
        var waiting = org.Person("Waiting manager");
        var done = org.Person("Done manager");
        var user = org.Role(org.Organization, "user");
        org.Grant(org.Person("Ada", waiting), user);
        org.Grant(org.Person("Grace", waiting), user);
        org.Grant(org.Person("Linus", done), user);
        await org.SaveAsync(portal);
        var launched = await portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        await db.ReviewItems.Where(i => i.CampaignId == launched.Value.CampaignId && i.ReviewerId == done.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Outcome, DecisionOutcome.Keep).SetProperty(i => i.DecidedById, done.Id));
        return new Launched(org, launched.Value.CampaignId, waiting, done, org.Definition().DueAt);
    }

    private Task<Result<ExtendDueResult>> ExtendAsync(Launched c, DateTimeOffset newDue, ReviewPortal.Web.Infrastructure.Auth.Viewer? viewer = null) =>
        portal.GetRequiredService<ExtendCampaignDue>().HandleAsync(viewer ?? c.Org.AdminViewer, new ExtendDue(c.CampaignId, newDue), "test-extend");

    private async Task<List<OutboxEmail>> MailsAsync(int campaignId)
    {
        await using var db = await portal.CreateDbContextAsync();
        var prefix = $"{OutboxKeys.DueExtended}:{campaignId}:";
        return await db.OutboxEmails.AsNoTracking().Where(m => m.DeduplicationKey.StartsWith(prefix)).ToListAsync();
    }

    [Fact]
    public async Task Extend_LaterDate_DueMovedAuditedAndOneMailPerWaitingReviewer()
    {
        var c = await LaunchAsync();
        var newDue = c.DueAt.AddDays(7);

        var extended = await ExtendAsync(c, newDue);

        Assert.True(extended.Ok, extended.Refusal?.Message);
        Assert.Equal((c.DueAt, newDue, 1), (extended.Value.PreviousDueAt, extended.Value.NewDueAt, extended.Value.ReviewersTold));
        await using var db = await portal.CreateDbContextAsync();
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(x => x.Id == c.CampaignId);
        Assert.Equal((newDue, newDue), (campaign.DueAt, campaign.Definition.DueAt));
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "campaign.due-extended" && e.CampaignId == c.CampaignId);
        Assert.Equal(c.DueAt, JsonDocument.Parse(entry.Before!).RootElement.GetProperty("DueAt").GetDateTimeOffset());
        Assert.Equal(newDue, JsonDocument.Parse(entry.After!).RootElement.GetProperty("DueAt").GetDateTimeOffset());
        var mail = Assert.Single(await MailsAsync(c.CampaignId));
        Assert.Equal((c.Waiting.Email, OutboxKeys.ForDueExtended(c.CampaignId, c.Waiting.Id, newDue)), (mail.To, mail.DeduplicationKey));
        Assert.Contains("2 access review items", mail.TextBody);
    }

    [Fact]
    public async Task Extend_SameDateAgain_RefusedAndNoSecondMail()
    {
        var c = await LaunchAsync();
        var newDue = c.DueAt.AddDays(7);
        Assert.True((await ExtendAsync(c, newDue)).Ok);

        var again = await ExtendAsync(c, newDue);

        Assert.Equal(RefusalKind.Invalid, again.Refusal?.Kind);
        Assert.Single(await MailsAsync(c.CampaignId));
        // A further extension is a new date: the waiting reviewer is told again, once.
        Assert.True((await ExtendAsync(c, newDue.AddDays(7))).Ok);
        Assert.Equal(2, (await MailsAsync(c.CampaignId)).Count);
    }

    [Fact]
    public async Task Extend_EarlierDate_RefusedOnTheField()
    {
        var c = await LaunchAsync();

        var refused = await ExtendAsync(c, c.DueAt.AddDays(-3));

        Assert.Equal(RefusalKind.Invalid, refused.Refusal?.Kind);
        Assert.StartsWith("The new due date must be after the current one", refused.Refusal!.FieldErrors![nameof(ExtendDue.NewDueAt)]);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal(c.DueAt, (await db.Campaigns.AsNoTracking().SingleAsync(x => x.Id == c.CampaignId)).DueAt);
        Assert.Empty(await MailsAsync(c.CampaignId));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(400)]
    public async Task Extend_PastOrFarFuture_RefusedByTheValidator(int daysFromNow)
    {
        var c = await LaunchAsync();

        var refused = await ExtendAsync(c, PortalAppFactory.Now.AddDays(daysFromNow));

        Assert.Contains(nameof(ExtendDue.NewDueAt), refused.Refusal!.FieldErrors!.Keys);
    }

    [Fact]
    public async Task Extend_NonAdmin_Forbidden()
    {
        var c = await LaunchAsync();

        var refused = await ExtendAsync(c, c.DueAt.AddDays(7), TestOrg.Viewer(c.Waiting, "Compliance"));

        Assert.Equal(RefusalKind.Forbidden, refused.Refusal?.Kind);
        Assert.Empty(await MailsAsync(c.CampaignId));
    }

    [Fact]
    public async Task Extend_ClosedCampaign_Conflict()
    {
        var c = await LaunchAsync();
        Assert.True((await portal.GetRequiredService<CloseCampaign>().HandleAsync(c.Org.AdminViewer, c.CampaignId, "test-close")).Ok);

        var refused = await ExtendAsync(c, c.DueAt.AddDays(7));

        Assert.Equal(RefusalKind.Conflict, refused.Refusal?.Kind);
    }
}
