using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Audit;

/// <summary>
/// Compliance reads everything and changes nothing: every mutating handler refuses the compliance
/// persona (the UI hiding buttons is not the control), and the database is byte-for-byte the same
/// in what matters — decisions, campaigns, tasks, outbox, grants, requests, owners, defaults, policies and the ledger.
/// </summary>
public sealed class ComplianceCannotChangeTests(PortalAppFactory portal) : IClassFixture<PortalAppFactory>
{
    private sealed record State(string Items, string Decisions, string Campaigns, string Tasks, string Outbox, string Grants, string Requests,
        string Steps, string Owners, string NhiOwners, string Defaults, string Policies, long LedgerHead);

    private async Task<State> StateAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        static string Join<T>(IEnumerable<T> rows) => string.Join(";", rows);
        return new State(
            Join(await db.ReviewItems.OrderBy(i => i.Id).Select(i => $"{i.Id}:{i.Outcome}:{i.ReviewerId}:{i.Version}").ToListAsync()),
            Join(await db.ReviewDecisions.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync()),
            Join(await db.Campaigns.OrderBy(c => c.Id).Select(c => $"{c.Id}:{c.Status}").ToListAsync()),
            Join(await db.RemediationTasks.OrderBy(t => t.Id).Select(t => $"{t.Id}:{t.Status}:{t.Attempts}:{t.NextAttemptAt}").ToListAsync()),
            Join(await db.OutboxEmails.OrderBy(m => m.Id).Select(m => $"{m.Id}:{m.Status}:{m.Attempts}").ToListAsync()),
            Join(await db.Grants.OrderBy(g => g.Id).Select(g => $"{g.Id}:{g.EndedAt}").ToListAsync()),
            Join(await db.AccessRequests.OrderBy(r => r.Id).Select(r => $"{r.Id}:{r.Status}").ToListAsync()),
            Join(await db.ApprovalSteps.OrderBy(s => s.Id).Select(s => $"{s.Id}:{s.Status}").ToListAsync()),
            Join(await db.Resources.OrderBy(r => r.Id).Select(r => $"{r.Id}:{r.OwnerId}:{r.BackupOwnerId}:{r.OwnerVersion}").ToListAsync()),
            Join(await db.Identities.OrderBy(i => i.Id).Select(i => $"{i.Id}:{i.OwnerId}:{i.OwnerVersion}").ToListAsync()),
            Join(await db.Defaults.Select(d => $"{d.FallbackReviewerId}:{d.FallbackApproverId}:{d.Version}").ToListAsync()),
            Join(await db.ApprovalPolicies.OrderBy(p => p.Id).Select(p => $"{p.Id}:{p.Flow}:{p.Version}").ToListAsync()),
            await db.AuditEntries.MaxAsync(e => e.Sequence));
    }

    [Fact]
    public async Task EveryMutatingHandler_ComplianceViewer_RefusedAndNothingChanges()
    {
        var compliance = await portal.ViewerForAsync("compliance");
        Assert.True(compliance.IsCompliance);
        Assert.False(compliance.IsAdmin);
        var me = compliance.IdentityId!.Value;
        await using var db = await portal.CreateDbContextAsync();
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Status == CampaignStatus.Active);
        var item = await db.ReviewItems.AsNoTracking().FirstAsync(i => i.CampaignId == campaign.Id && i.Outcome == null && i.ReviewerId != me);
        var pendingStep = await db.ApprovalSteps.Where(s => s.Status == ApprovalStatus.Pending && s.ApproverId != me)
            .Select(s => new { s.Id, s.Version }).FirstOrDefaultAsync();
        var (stepId, stepVersion) = (pendingStep?.Id ?? 1, pendingStep?.Version ?? 0);
        var requestId = await db.AccessRequests.OrderByDescending(r => r.Status == AccessRequestStatus.Approved).Select(r => (long?)r.Id).FirstOrDefaultAsync() ?? 1;
        var manualTask = await db.RemediationTasks.OrderByDescending(t => t.Status == RemediationStatus.ManualRequired).Select(t => (long?)t.Id).FirstOrDefaultAsync() ?? 1;
        var failedTask = await db.RemediationTasks.OrderByDescending(t => t.Status == RemediationStatus.Failed).Select(t => (long?)t.Id).FirstOrDefaultAsync() ?? 1;
        var mail = await db.OutboxEmails.OrderByDescending(m => m.Status == OutboxStatus.DeadLetter).Select(m => (long?)m.Id).FirstOrDefaultAsync() ?? 1;
        var workspace = await db.Resources.AsNoTracking().FirstAsync(r => r.Kind == ResourceKind.Workspace && r.OwnerId != null);
        var key = await db.Identities.AsNoTracking().FirstAsync(i => i.Kind == IdentityKind.ApiKey && i.OwnerId != null);
        // A policy for Compliance to try to remove, saved by an admin before the state is taken.
        var policy = await portal.GetRequiredService<SaveApprovalPolicy>().HandleAsync(await portal.ViewerForAsync("admin"),
            new SaveApprovalPolicy.Command { Scope = ApprovalPolicyScope.Resource, ResourceId = workspace.Id, Flow = ApprovalFlow.OwnerOnly }, "admin");
        Assert.Equal(SetupStatus.Saved, policy.Value?.Status);
        var policyId = await db.ApprovalPolicies.Where(p => p.ResourceId == workspace.Id).Select(p => p.Id).SingleAsync();
        var before = await StateAsync();

        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(compliance, new DecideReviewItem.Command
        {
            ItemId = item.Id, Outcome = DecisionOutcome.Revoke, Justification = "Compliance says so.", ExpectedVersion = item.Version,
            EvidenceHash = item.EvidenceHash,
        }, "compliance");
        Assert.Equal(RefusalKind.Forbidden, decided.Refusal?.Kind);

        var bulk = await portal.GetRequiredService<BulkDecide>().HandleAsync(compliance,
            new BulkDecide.Command([new SeenItem(item.Id, item.Version)], DecisionOutcome.Revoke, "Compliance says so."), "compliance");
        Assert.Equal(0, bulk.Value!.Saved);

        var accepted = await portal.GetRequiredService<BulkDecide>().AcceptRecommendationsAsync(compliance, [new SeenItem(item.Id, item.Version)], "compliance");
        Assert.Equal(0, accepted.Value!.Saved);

        var launched = await portal.LaunchCampaignAsync(new CampaignDefinition
        {
            Name = "Compliance's own campaign", ResourceIds = [], EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()],
            IdentityKinds = [.. Enum.GetValues<IdentityKind>()], Reviewer = ReviewerRule.Manager, FallbackReviewerId = me,
            DueAt = PortalAppFactory.Now.AddDays(14), UnreviewedOutcome = UnreviewedOutcome.Revoke,
        }, compliance);
        Assert.False(launched.Ok);

        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(compliance, campaign.Id, "compliance");
        Assert.False(closed.Ok);

        foreach (var job in portal.GetRequiredService<JobRegistry>().All.Where(j => j.RunNowAuditAction is not null))
        {
            Assert.False((await portal.GetRequiredService<RunJobNow>().HandleAsync(compliance, job.Id, "compliance")).Ok);
        }

        var approval = await portal.GetRequiredService<DecideApproval>().HandleAsync(compliance, new DecideApproval.Command(stepId, true, null, stepVersion), "compliance");
        Assert.False(approval.Ok);
        var denial = await portal.GetRequiredService<DecideApproval>()
            .HandleAsync(compliance, new DecideApproval.Command(stepId, false, "Denied by compliance for no reason.", stepVersion), "compliance");
        Assert.False(denial.Ok);
        var (approvedMany, _) = await portal.GetRequiredService<DecideApproval>().ApproveManyAsync(compliance, [new DecideApproval.SeenStep(stepId, stepVersion)], null, "compliance");
        Assert.Equal(0, approvedMany);

        Assert.False((await portal.GetRequiredService<ConfirmFulfilment>().HandleAsync(compliance, requestId, "compliance")).Ok);
        Assert.False((await portal.GetRequiredService<MarkRemediationDone>().HandleAsync(compliance, new MarkRemediationDone.Command(manualTask, "done"), "compliance")).Ok);
        Assert.False((await portal.GetRequiredService<RetryRemediationTask>().HandleAsync(compliance, failedTask, "compliance")).Ok);
        Assert.False((await portal.GetRequiredService<RequeueOutboxEmail>().HandleAsync(compliance, mail)).Ok);

        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<SetResourceOwners>().HandleAsync(compliance,
            new SetResourceOwners.Command { ResourceId = workspace.Id, OwnerId = me, ExpectedVersion = workspace.OwnerVersion }, "compliance")).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<TransferNhiOwnership>().HandleAsync(compliance,
            new TransferNhiOwnership.Command { IdentityId = key.Id, NewOwnerId = me, ExpectedVersion = key.OwnerVersion }, "compliance")).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<UpdateDefaults>().HandleAsync(compliance,
            new UpdateDefaults.Command { FallbackReviewerId = me, FallbackApproverId = me }, "compliance")).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<SaveApprovalPolicy>().HandleAsync(compliance,
            new SaveApprovalPolicy.Command { Scope = ApprovalPolicyScope.Default, Flow = ApprovalFlow.TwoOwners }, "compliance")).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<RemoveApprovalPolicy>().HandleAsync(compliance,
            new RemoveApprovalPolicy.Command(policyId, 1), "compliance")).Refusal?.Kind);

        Assert.Equal(before, await StateAsync());
    }
}
