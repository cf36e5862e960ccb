using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// Only the step's approver answers it, never on their own request, never twice in one request; a denial needs a comment.
/// A refusal changes nothing: the step, the request and the audit trail stay as they were.
/// </summary>
public sealed class DecideApprovalTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private async Task ReassignAsync(long stepId, Identity approver)
    {
        await using var db = await portal.CreateDbContextAsync();
        await db.ApprovalSteps.Where(s => s.Id == stepId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ApproverId, approver.Id));
    }

    private static async Task AssertUnchangedAsync(RequestOrg org, long requestId, AccessRequest before, (int, int, long) counts)
    {
        var after = await org.RequestAsync(requestId);
        Assert.Equal(before.Status, after.Status);
        Assert.Equal(before.Steps.Select(s => (s.ApproverId, s.Status, s.DecidedById, s.Comment)),
            after.Steps.Select(s => (s.ApproverId, s.Status, s.DecidedById, s.Comment)));
        Assert.Equal(counts, await org.CountsAsync());
    }

    [Fact]
    public async Task Decide_RequesterAssignedToOwnStepByDbEdit_ForbiddenAndNothingChanges()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var step = await org.StepAsync(id, 1);
        await ReassignAsync(step.Id, org.Rita);
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();

        var result = await org.DecideAsync(org.As(org.Rita), step.Id);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Contains("own request", result.Refusal?.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(org, id, before, counts);
    }

    [Fact]
    public async Task Decide_BeneficiaryAssignedToStepByDbEdit_ForbiddenAndNothingChanges()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey);
        var step = await org.StepAsync(id, 1);
        await ReassignAsync(step.Id, org.RitasKey);
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();

        var result = await org.DecideAsync(org.As(org.RitasKey), step.Id);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        await AssertUnchangedAsync(org, id, before, counts);
    }

    [Fact]
    public async Task Decide_ApproverOfStepOneAssignedToStepTwo_ForbiddenAndNothingChanges()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        var second = await org.StepAsync(id, 2);
        Assert.Equal(ApprovalStatus.Pending, second.Status);
        await ReassignAsync(second.Id, org.Max);
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();

        var result = await org.DecideAsync(org.As(org.Max), second.Id);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Contains("already approved an earlier step", result.Refusal?.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(org, id, before, counts);
    }

    [Fact]
    public async Task Decide_ApproveStepOne_OpensStepTwoForOwnerAndAudits()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);

        var result = await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id, comment: "Part of the launch team.");

        Assert.True(result.Ok);
        var request = await org.RequestAsync(id);
        Assert.Equal(AccessRequestStatus.Pending, request.Status);
        Assert.Equal((ApprovalStatus.Approved, (int?)org.Max.Id, "Part of the launch team."),
            (request.Steps[0].Status, request.Steps[0].DecidedById, request.Steps[0].Comment));
        Assert.Equal((ApprovalStatus.Pending, org.Olga.Id), (request.Steps[1].Status, request.Steps[1].ApproverId));
        Assert.Single(await org.AuditAsync("request.step-approved", nameof(AccessRequest), id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  no  ")]
    public async Task Decide_DenyWithoutRealComment_RefusedAndNothingChanges(string? comment)
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var step = await org.StepAsync(id, 1);
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();

        var result = await org.DecideAsync(org.As(org.Max), step.Id, approve: false, comment: comment);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("Say why you deny it", result.Refusal?.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(org, id, before, counts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Decide_CommentLongerThanTheColumn_RefusedAndNothingChanges(bool approve)
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var step = await org.StepAsync(id, 1);
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();
        var comment = "Not on the launch team. " + new string('c', MaxLengths.ApprovalStep.Comment);

        var result = await org.DecideAsync(org.As(org.Max), step.Id, approve, comment);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal($"Keep the comment to {MaxLengths.ApprovalStep.Comment} characters; this one has {comment.Length}.", result.Refusal?.Message);
        // On the comment field, where the approvals page shows it.
        Assert.Equal(result.Refusal?.Message, result.Refusal?.FieldErrors?[nameof(DecideApproval.Command.Comment)]);
        await AssertUnchangedAsync(org, id, before, counts);
    }

    [Fact]
    public async Task Decide_DenyWithComment_EndsRequestAndSkipsLaterSteps()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);

        var result = await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id, approve: false, comment: "Not on the launch team.");

        Assert.True(result.Ok);
        var request = await org.RequestAsync(id);
        Assert.Equal(AccessRequestStatus.Denied, request.Status);
        Assert.Equal([ApprovalStatus.Denied, ApprovalStatus.Skipped], request.Steps.Select(s => s.Status));
        Assert.Equal("Not on the launch team.", request.Steps[0].Comment);
        Assert.Single(await org.AuditAsync("request.denied", nameof(AccessRequest), id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Decide_StepWaitingForAnotherApprover_ForbiddenAndNothingChanges()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var step = await org.StepAsync(id, 1); // Max's
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();

        foreach (var outsider in new[] { org.As(org.Olga), org.As(org.Boss), org.As(org.Org.Admin, Roles.Admin), new Viewer(null, "nobody", new HashSet<string>()) })
        {
            var approve = await org.DecideAsync(outsider, step.Id);
            var deny = await org.DecideAsync(outsider, step.Id, approve: false, comment: "Not my call, but no.");
            Assert.Equal(RefusalKind.Forbidden, approve.Refusal?.Kind);
            Assert.Equal(RefusalKind.Forbidden, deny.Refusal?.Kind);
        }
        await AssertUnchangedAsync(org, id, before, counts);
    }

    [Fact]
    public async Task Decide_LaterStepNotYetOpen_RefusedEvenForItsApprover()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var before = await org.RequestAsync(id);
        var counts = await org.CountsAsync();

        var result = await org.DecideAsync(org.As(org.Olga), before.Steps[1].Id);

        Assert.False(result.Ok);
        Assert.Contains("waiting", result.Refusal?.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(org, id, before, counts);
    }

    private static DecideApproval.SeenStep Seen(ApprovalStep step) => new(step.Id, step.Version);

    [Fact]
    public async Task ApproveMany_StepsOfOthersMixedWithOwn_ApprovesOnlyOwnAndReportsEachRefusal()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var ritas = await org.SubmitOkAsync(org.Rita, org.Developer);
        var petes = await org.SubmitOkAsync(org.Pete, org.Developer);
        var olgasRole = await org.RoleWithPolicyAsync(ApprovalFlow.OwnerOnly, fallback: org.Fred);
        var forOlga = await org.SubmitOkAsync(org.Pete, olgasRole, org.PetesKey);
        var maxSteps = new[] { Seen(await org.StepAsync(ritas, 1)), Seen(await org.StepAsync(petes, 1)) };
        var olgaStep = Seen(await org.StepAsync(forOlga, 1));

        var (approved, problems) = await portal.GetRequiredService<DecideApproval>()
            .ApproveManyAsync(org.As(org.Olga), [.. maxSteps, olgaStep, maxSteps[0]], null, "test-bulk");

        Assert.Equal(1, approved);
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("Only the step's approver", p, StringComparison.Ordinal));
        Assert.Equal([ApprovalStatus.Pending, ApprovalStatus.Waiting], (await org.RequestAsync(ritas)).Steps.Select(s => s.Status));
        Assert.Equal([ApprovalStatus.Pending, ApprovalStatus.Waiting], (await org.RequestAsync(petes)).Steps.Select(s => s.Status));
        Assert.Equal(AccessRequestStatus.Approved, (await org.RequestAsync(forOlga)).Status);
    }
}
