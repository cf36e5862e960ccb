using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Features.Requests;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Setup;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// Setup's defaults at work: a campaign without a fallback reviewer gets the default one (and the wizard is prefilled
/// with it); a request whose policy names no fallback approver routes and escalates to the default one. Each test has
/// its own portal (the defaults are one row per database).
/// </summary>
public sealed class DefaultsInUseTests
{
    private static async Task SaveDefaultsAsync(PortalAppFactory portal, TestOrg org, Identity reviewer, Identity approver)
    {
        var result = await portal.GetRequiredService<UpdateDefaults>().HandleAsync(org.AdminViewer,
            new UpdateDefaults.Command { FallbackReviewerId = reviewer.Id, FallbackApproverId = approver.Id, ExpectedVersion = 0 }, "test-defaults");
        Assert.Equal(SetupStatus.Saved, result.Value?.Status);
    }

    [Fact]
    public async Task Launch_WithoutAFallbackReviewer_ItemsNobodyElseMayReviewGoToTheDefault()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new TestOrg("defaults");
        var user = org.Role(org.Organization, "user");
        var head = org.Person("Head");
        var report = org.Person("Report", manager: head);
        var deputy = org.Person("Deputy");
        org.Grant(head, user);
        org.Grant(report, user);
        await org.SaveAsync(portal);
        var withoutDefault = await portal.LaunchCampaignAsync(org.Definition(d => d.FallbackReviewerId = null), org.AdminViewer);
        await SaveDefaultsAsync(portal, org, deputy, deputy);

        var options = await portal.GetRequiredService<GetCampaignOptions>().HandleAsync(org.AdminViewer);
        var launched = await portal.LaunchCampaignAsync(org.Definition(d => d.FallbackReviewerId = null), org.AdminViewer);

        Assert.False(withoutDefault.Ok);
        Assert.Contains("A fallback reviewer is required", withoutDefault.Refusal.Message, StringComparison.Ordinal);
        Assert.Equal(deputy.Id, options.Value!.DefaultFallbackReviewer?.Id);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        var reviewers = await db.ReviewItems.Where(i => i.CampaignId == launched.Value.CampaignId).ToDictionaryAsync(i => i.IdentityId, i => i.ReviewerId);
        // The head has no manager: their item falls to the fallback, which is now the default.
        Assert.Equal(deputy.Id, reviewers[head.Id]);
        Assert.Equal(head.Id, reviewers[report.Id]);
        var stored = await db.Campaigns.Where(c => c.Id == launched.Value.CampaignId).Select(c => c.Definition).SingleAsync();
        Assert.Equal(deputy.Id, stored.FallbackReviewerId);
    }

    [Fact]
    public async Task Submit_PolicyNamesNoFallbackApprover_OwnStepGoesToTheDefaultFallbackApprover()
    {
        // Olga owns prod and asks for it: without a default this is refused (the owner's manager has the manager step).
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var refused = await org.SubmitAsync(org.Olga, RequestOrg.Command(org.Developer, org.Olga));
        await SaveDefaultsAsync(portal, org.Org, org.Sam, org.Fred);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Olga, org.Developer));

        Assert.False(refused.Ok);
        Assert.Equal([(ApproverKind.Manager, org.Boss.Id), (ApproverKind.Fallback, org.Fred.Id)],
            request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
    }

    [Fact]
    public async Task Escalate_NoPolicy_MovesToTheDefaultFallbackApproverBeforeTheApproversManager()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        await SaveDefaultsAsync(portal, org.Org, org.Sam, org.Fred);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);

        portal.Time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await portal.GetRequiredService<EscalateApprovalsJob>().RunAsync());

        var step = await org.StepAsync(id, 1);
        Assert.Equal((org.Fred.Id, ApproverKind.Fallback), (step.ApproverId, step.ApproverKind));
        Assert.Single(await org.AuditAsync("request.escalated", nameof(AccessRequest), id.ToString(CultureInfo.InvariantCulture)));
    }
}
