using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Features.Requests;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// The context reviewers and approvers missed (issue #15, 9): the stage-one decision on a stage-two item, the request and
/// each approver's answer, earlier certifications, a key's owner as they are today, transferring a departed owner's key,
/// and the manager's step-one answer on the owner's step-two card.
/// </summary>
public sealed class ItemContextTests(PortalAppFactory portal) : IClassFixture<PortalAppFactory>
{
    private const string Why = "Needed for the release train this quarter.";

    private Task<Result<ReviewItemView>> GetAsync(Web.Infrastructure.Auth.Viewer viewer, long itemId) =>
        portal.GetRequiredService<GetReviewItem>().HandleAsync(viewer, itemId);

    private async Task DecideAsync(TwoTeams teams, Web.Infrastructure.Auth.Viewer viewer, ReviewItem item, DecisionOutcome outcome, string? why)
    {
        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(viewer, TwoTeams.Command(item, outcome, why), $"test-{Guid.NewGuid():N}");
        Assert.True(decided.Ok, decided.Refusal?.Message);
    }

    [Fact]
    public async Task StageTwoItem_StageOneKept_ShowsTheDecisionWhoWhenAndWhy()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => { d.SecondStage = true; d.SecondStageOutcomes = [DecisionOutcome.Keep]; });
        await DecideAsync(teams, teams.A, await teams.ItemAsync(teams.Alice, teams.Developer), DecisionOutcome.Keep, Why);
        var stageTwo = await teams.ItemAsync(teams.Alice, teams.Developer, stage: 2);
        Assert.Equal(teams.Olga.Id, stageTwo.ReviewerId);

        var view = await GetAsync(TestOrg.Viewer(teams.Olga), stageTwo.Id);

        Assert.True(view.Ok, view.Refusal?.Message);
        var one = view.Value.Context?.StageOne;
        Assert.NotNull(one);
        Assert.Equal((DecisionOutcome.Keep, teams.ManagerA.Id, Why), (one.Outcome, one.By?.Id, one.Justification));
        Assert.Equal($"{teams.ManagerA.DisplayName} · {teams.ManagerA.Email}", one.By?.ToString());
        Assert.Equal(TestOrg.Now, one.At);
    }

    [Fact]
    public async Task StageOneItem_HasNoStageOneContext_AndShowsTheHoldersEmail()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var view = await GetAsync(teams.A, (await teams.ItemAsync(teams.Alice, teams.Developer)).Id);

        Assert.True(view.Ok, view.Refusal?.Message);
        Assert.Null(view.Value.Context?.StageOne);
        // The holder's email beside their name (issue #15, 8).
        Assert.Equal(teams.Alice.Email, view.Value.IdentityDetail);
    }

    [Fact]
    public async Task ItemOfARequestedGrant_ShowsTheRequestAndEachApproversAnswer()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Bea, teams.Developer);
        await using (var db = await portal.CreateDbContextAsync())
        {
            var request = new AccessRequest
            {
                RequesterId = teams.Bea.Id, BeneficiaryId = teams.Bea.Id, EntitlementId = teams.Developer.Id, Justification = "Shipping the eval harness.",
                RequestedAt = TestOrg.Now.AddDays(-100), StartsAt = TestOrg.Now.AddDays(-100), Status = AccessRequestStatus.Fulfilled,
                Steps =
                [
                    new ApprovalStep { Order = 1, ApproverKind = ApproverKind.Manager, ApproverId = teams.ManagerB.Id, Status = ApprovalStatus.Approved,
                        DecidedById = teams.ManagerB.Id, DecidedAt = TestOrg.Now.AddDays(-99), Comment = "On the eval team." },
                    new ApprovalStep { Order = 2, ApproverKind = ApproverKind.ResourceOwner, ApproverId = teams.Olga.Id, Status = ApprovalStatus.Approved,
                        DecidedById = teams.Olga.Id, DecidedAt = TestOrg.Now.AddDays(-98) },
                ],
            };
            db.AccessRequests.Add(request);
            await db.SaveChangesAsync();
            await db.Grants.Where(g => g.Id == item.GrantId).ExecuteUpdateAsync(s => s.SetProperty(g => g.AccessRequestId, request.Id));
        }

        var view = await GetAsync(teams.B, item.Id);

        Assert.True(view.Ok, view.Refusal?.Message);
        var trail = view.Value.Context?.Request;
        Assert.NotNull(trail);
        Assert.Equal((teams.Bea.Id, "Shipping the eval harness.", TestOrg.Now.AddDays(-100)), (trail.Requester.Id, trail.Justification, trail.RequestedAt));
        Assert.Equal(
            [(1, teams.ManagerB.Id, ApprovalStatus.Approved, (string?)"On the eval team."), (2, teams.Olga.Id, ApprovalStatus.Approved, null)],
            trail.Steps.Select(s => (s.Order, s.Approver.Id, s.Status, s.Comment)));
    }

    [Fact]
    public async Task AccessCertifiedInAnEarlierCampaign_ListedWithCampaignReviewerOutcomeAndDate()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        await DecideAsync(teams, teams.B, await teams.ItemAsync(teams.Bea, teams.Developer), DecisionOutcome.Keep, Why);
        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, $"test-{Guid.NewGuid():N}");
        Assert.True(closed.Ok, closed.Refusal?.Message);
        var first = teams.CampaignId;
        var relaunched = await portal.LaunchCampaignAsync(teams.Org.Definition(), teams.Org.AdminViewer);
        Assert.True(relaunched.Ok, relaunched.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        var again = await db.ReviewItems.AsNoTracking()
            .SingleAsync(i => i.CampaignId == relaunched.Value.CampaignId && i.IdentityId == teams.Bea.Id && i.EntitlementId == teams.Developer.Id);

        var view = await GetAsync(teams.B, again.Id);

        Assert.True(view.Ok, view.Refusal?.Message);
        var earlier = Assert.Single(view.Value.Context!.EarlierCertifications);
        Assert.Equal((first, DecisionOutcome.Keep, teams.ManagerB.Id, Why), (earlier.CampaignId, earlier.Outcome, earlier.Reviewer.Id, earlier.Justification));
        Assert.NotNull(earlier.At);
    }

    [Fact]
    public async Task KeyOfADepartedOwner_OwnerShownAsLeft_AndItsReviewerMayTransfer()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var view = await GetAsync(teams.A, (await teams.ItemAsync(teams.GonesKey, teams.KeyActive)).Id);

        Assert.True(view.Ok, view.Refusal?.Message);
        var owner = view.Value.Context?.Owner;
        Assert.NotNull(owner);
        Assert.Equal((teams.Gone.Id, true), (owner.Person?.Id, owner.Departed));
        Assert.True(view.Value.CanTransferOwner);
    }

    [Fact]
    public async Task TransferOwnership_ByTheItemsReviewer_OwnerRecordMovesAndIsAudited()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);

        var result = await portal.GetRequiredService<TransferKeyOwner>().HandleAsync(teams.A,
            new TransferKeyOwner.Command { ItemId = item.Id, NewOwnerId = teams.Alice.Id, Reason = "Alice runs the pipeline now.", ExpectedOwnerVersion = 0 },
            $"test-{Guid.NewGuid():N}");

        Assert.True(result.Ok, result.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        var key = await db.Identities.AsNoTracking().SingleAsync(i => i.Id == teams.GonesKey.Id);
        Assert.Equal((teams.Alice.Id, teams.ManagerA.Id, 1), (key.OwnerId, key.OwnerAssignedById, key.OwnerVersion));
        Assert.NotNull(key.OwnerAssignedAt);
        var audit = Assert.Single(await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == "identity.owner-changed" && e.IdentityId == teams.GonesKey.Id).ToListAsync());
        Assert.Contains("Alice runs the pipeline now.", audit.After, StringComparison.Ordinal);
        Assert.Equal(teams.CampaignId, audit.CampaignId);
    }

    [Fact]
    public async Task TransferOwnership_ByAnotherReviewer_ForbiddenAndNothingMoves()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);

        var result = await portal.GetRequiredService<TransferKeyOwner>().HandleAsync(teams.B,
            new TransferKeyOwner.Command { ItemId = item.Id, NewOwnerId = teams.Bea.Id, ExpectedOwnerVersion = 0 }, $"test-{Guid.NewGuid():N}");

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal(teams.Gone.Id, await db.Identities.Where(i => i.Id == teams.GonesKey.Id).Select(i => i.OwnerId).SingleAsync());
    }

    [Fact]
    public async Task TransferOwnership_ToALeaver_RefusedOnTheField()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);

        var result = await portal.GetRequiredService<TransferKeyOwner>().HandleAsync(teams.Admin,
            new TransferKeyOwner.Command { ItemId = item.Id, NewOwnerId = teams.Gone.Id, ExpectedOwnerVersion = 0 }, $"test-{Guid.NewGuid():N}");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.True(result.Refusal?.FieldErrors?.ContainsKey(nameof(TransferKeyOwner.Command.NewOwnerId)));
    }

    [Fact]
    public async Task OwnersStepTwoCard_ShowsTheManagersStepOneApprovalWhoWhenAndComment()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id, comment: "Part of the launch team.")).Ok);

        var pending = await portal.GetRequiredService<ListPendingApprovals>().HandleAsync(org.As(org.Olga));

        Assert.True(pending.Ok, pending.Refusal?.Message);
        var card = Assert.Single(pending.Value, a => a.RequestId == id);
        var earlier = Assert.Single(card.EarlierSteps);
        Assert.Equal((1, ApproverKind.Manager, ApprovalStatus.Approved, "Part of the launch team.", org.Max.DisplayName),
            (earlier.Order, earlier.Kind, earlier.Status, earlier.Comment, earlier.By));
        Assert.Equal($"{org.Max.DisplayName} · {org.Max.Email}", earlier.ByLabel);
    }
}
