using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>"Deny selected": one comment for all, checked before anything is answered, and only the viewer's own steps.</summary>
public sealed class DenySelectedTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private DecideApproval Decide => portal.GetRequiredService<DecideApproval>();

    private async Task<DecideApproval.SeenStep> SeenAsync(RequestOrg org, long requestId, int order = 1)
    {
        var step = await org.StepAsync(requestId, order);
        return new DecideApproval.SeenStep(step.Id, step.Version);
    }

    [Fact]
    public async Task DenyMany_CommentTooShort_RefusedOnTheCommentAndNothingAnswered()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var ritas = await org.SubmitOkAsync(org.Rita, org.Developer);
        var before = await org.CountsAsync();

        var result = await Decide.DenyManyAsync(org.As(org.Max), [await SeenAsync(org, ritas)], "no", "deny");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(DecideApproval.Validator.DenyCommentNeeded, result.Refusal?.FieldErrors?[nameof(DecideApproval.Command.Comment)]);
        Assert.Equal(AccessRequestStatus.Pending, (await org.RequestAsync(ritas)).Status);
        Assert.Equal(before, await org.CountsAsync());
    }

    [Fact]
    public async Task DenyMany_TwoOfTheApproversSteps_BothDeniedWithTheOneComment()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var ritas = await org.SubmitOkAsync(org.Rita, org.Developer);
        var petes = await org.SubmitOkAsync(org.Pete, org.Developer, org.PetesKey);

        var result = await Decide.DenyManyAsync(org.As(org.Max), [await SeenAsync(org, ritas), await SeenAsync(org, petes)],
            "Prod access is frozen this quarter.", "deny");

        Assert.Equal((2, 0), (result.Value!.Answered, result.Value.Problems.Count));
        foreach (var id in new[] { ritas, petes })
        {
            var request = await org.RequestAsync(id);
            Assert.Equal(AccessRequestStatus.Denied, request.Status);
            var step = request.Steps.Single(s => s.Order == 1);
            Assert.Equal((org.Max.Id, "Prod access is frozen this quarter."), (step.DecidedById, step.Comment));
        }
    }

    [Fact]
    public async Task DenyMany_AnotherApproversStepInTheRequest_ReportedAndLeftPending()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var ritas = await org.SubmitOkAsync(org.Rita, org.Developer);
        var ownerOnly = await org.RoleWithPolicyAsync(ApprovalFlow.OwnerOnly, fallback: org.Fred);
        var olgas = await org.SubmitOkAsync(org.Rita, ownerOnly);

        var result = await Decide.DenyManyAsync(org.As(org.Max), [await SeenAsync(org, ritas), await SeenAsync(org, olgas)],
            "Prod access is frozen this quarter.", "deny");

        Assert.Equal(1, result.Value!.Answered);
        Assert.Contains("Only the step's approver can answer it.", Assert.Single(result.Value.Problems), StringComparison.Ordinal);
        Assert.Equal(AccessRequestStatus.Denied, (await org.RequestAsync(ritas)).Status);
        var untouched = await org.StepAsync(olgas, 1);
        Assert.Equal((ApprovalStatus.Pending, (int?)null), (untouched.Status, untouched.DecidedById));
    }
}
