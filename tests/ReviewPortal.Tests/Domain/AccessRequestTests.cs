using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Domain;

/// <summary>A request moves through its approval steps in order; a denial ends it, the last approval makes it due.</summary>
public sealed class AccessRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static AccessRequest ThreeSteps() => new()
    {
        Justification = "team work",
        Status = AccessRequestStatus.Pending,
        Steps =
        [
            new ApprovalStep { Order = 1, ApproverId = 11, Status = ApprovalStatus.Pending, ActivatedAt = Now.AddDays(-1) },
            new ApprovalStep { Order = 2, ApproverId = 12, Status = ApprovalStatus.Waiting },
            new ApprovalStep { Order = 3, ApproverId = 13, Status = ApprovalStatus.Waiting },
        ],
    };

    [Fact]
    public void Decide_FirstStepApproves_SecondStepWaitsForItsApproverFromNow()
    {
        var request = ThreeSteps();

        var next = request.Decide(request.Steps[0], approve: true, decidedById: 11, "fine", Now);

        Assert.Equal((12, ApprovalStatus.Pending, (DateTimeOffset?)Now), (next!.ApproverId, next.Status, next.ActivatedAt));
        Assert.Equal((ApprovalStatus.Approved, (int?)11, "fine"), (request.Steps[0].Status, request.Steps[0].DecidedById, request.Steps[0].Comment));
        Assert.Equal((AccessRequestStatus.Pending, ApprovalStatus.Waiting), (request.Status, request.Steps[2].Status));
        Assert.Null(request.ProvisionAt);
    }

    [Fact]
    public void Decide_SecondStepDenies_RequestDeniedAndTheLastStepSkipped()
    {
        var request = ThreeSteps();
        request.Decide(request.Steps[0], approve: true, decidedById: 11, null, Now);

        var next = request.Decide(request.Steps[1], approve: false, decidedById: 12, "not needed", Now.AddHours(1));

        Assert.Null(next);
        Assert.Equal((AccessRequestStatus.Denied, (DateTimeOffset?)Now.AddHours(1)), (request.Status, request.CompletedAt));
        Assert.Equal([ApprovalStatus.Approved, ApprovalStatus.Denied, ApprovalStatus.Skipped], request.Steps.Select(s => s.Status));
        Assert.Null(request.ProvisionAt);
    }

    [Fact]
    public void Decide_LastStepApproves_RequestApprovedAndDueForProvisioningNow()
    {
        var request = ThreeSteps();
        request.Decide(request.Steps[0], approve: true, decidedById: 11, null, Now);
        request.Decide(request.Steps[1], approve: true, decidedById: 12, null, Now);

        var next = request.Decide(request.Steps[2], approve: true, decidedById: 13, null, Now.AddMinutes(5));

        Assert.Null(next);
        Assert.Equal((AccessRequestStatus.Approved, (DateTimeOffset?)Now.AddMinutes(5)), (request.Status, request.ProvisionAt));

        request.Fulfil(Now.AddMinutes(6));

        Assert.Equal((AccessRequestStatus.Fulfilled, (DateTimeOffset?)Now.AddMinutes(6), (DateTimeOffset?)null),
            (request.Status, request.CompletedAt, request.ProvisionAt));
    }

    [Fact]
    public void ProvisioningNotDone_TheApiCouldNotTakeCalls_NotChargedAnAttemptAndNoteShortenedToItsColumn()
    {
        var request = new AccessRequest { Justification = "x", Status = AccessRequestStatus.Approved, ProvisionAttempts = 2, ProvisionAt = Now };

        request.ProvisioningNotDone(Now.AddMinutes(10), countsAsAttempt: false, new string('n', MaxLengths.AccessRequest.FulfilmentNote + 50));

        Assert.Equal((1, (DateTimeOffset?)Now.AddMinutes(10), MaxLengths.AccessRequest.FulfilmentNote),
            (request.ProvisionAttempts, request.ProvisionAt, request.FulfilmentNote!.Length));
        Assert.EndsWith("…", request.FulfilmentNote, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalate_ToAFallback_WaitsForThemFromNow_WithNobodyEligible_OnlyMarked()
    {
        var handed = new ApprovalStep { ApproverId = 11, ApproverKind = ApproverKind.Manager, Status = ApprovalStatus.Pending, ActivatedAt = Now.AddDays(-5) };
        var stuck = new ApprovalStep { ApproverId = 11, ApproverKind = ApproverKind.Manager, Status = ApprovalStatus.Pending, ActivatedAt = Now.AddDays(-5) };

        handed.Escalate(42, Now);
        stuck.Escalate(null, Now);

        Assert.Equal((42, ApproverKind.Fallback, (DateTimeOffset?)Now, (DateTimeOffset?)Now), (handed.ApproverId, handed.ApproverKind, handed.ActivatedAt, handed.EscalatedAt));
        Assert.Equal((11, ApproverKind.Manager, (DateTimeOffset?)Now.AddDays(-5), (DateTimeOffset?)Now), (stuck.ApproverId, stuck.ApproverKind, stuck.ActivatedAt, stuck.EscalatedAt));
    }
}
