using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// The approver's inbox: steps waiting for the viewer only, each with the context to decide — the
/// requester's role, department, manager and current Claude access, how many peers hold it, recent
/// activity, the entitlement's risk and earlier requests for the same access.
/// </summary>
public sealed class ListPendingApprovals(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result<IReadOnlyList<PendingApproval>>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } me)
        {
            // A sign-in linked to no person waits on no step.
            return Array.Empty<PendingApproval>();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var steps = await db.ApprovalSteps.AsNoTracking()
            .Where(s => s.ApproverId == me && s.Status == ApprovalStatus.Pending)
            .OrderBy(s => s.AccessRequest.RequestedAt)
            .Select(s => new
            {
                StepId = s.Id, StepVersion = s.Version, s.Order, s.ActivatedAt, s.EscalatedAt, Request = s.AccessRequest.Id, s.AccessRequest.RequestedAt,
                s.AccessRequest.Justification, s.AccessRequest.DurationDays, s.AccessRequest.StartsAt,
                RequesterId = s.AccessRequest.RequesterId, Requester = s.AccessRequest.Requester.DisplayName,
                BeneficiaryId = s.AccessRequest.BeneficiaryId, Beneficiary = s.AccessRequest.Beneficiary.DisplayName, BeneficiaryKind = s.AccessRequest.Beneficiary.Kind,
                s.AccessRequest.Requester.Department, s.AccessRequest.Requester.Title,
                Manager = s.AccessRequest.Requester.Manager != null ? s.AccessRequest.Requester.Manager.DisplayName : null,
                s.AccessRequest.EntitlementId, Entitlement = s.AccessRequest.Entitlement.DisplayName, s.AccessRequest.Entitlement.IsPrivileged,
                Resource = s.AccessRequest.Entitlement.Resource.Name, Steps = s.AccessRequest.Steps.Count,
            })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var result = new List<PendingApproval>();
        foreach (var s in steps)
        {
            var access = await db.Grants.AsNoTracking().Where(g => g.IdentityId == s.BeneficiaryId && g.EndedAt == null)
                .Select(g => g.Entitlement.DisplayName).OrderBy(n => n).ToListAsync(cancellationToken);
            var peers = await db.Grants.CountAsync(g => g.EntitlementId == s.EntitlementId && g.EndedAt == null
                && g.Identity.Department == s.Department, cancellationToken);
            var history = await db.AccessRequests.AsNoTracking()
                .Where(r => r.EntitlementId == s.EntitlementId && r.BeneficiaryId == s.BeneficiaryId && r.Id != s.Request)
                .OrderByDescending(r => r.RequestedAt).Take(5)
                .Select(r => $"{r.RequestedAt:yyyy-MM-dd}: {r.Status}").ToListAsync(cancellationToken);
            var activity = await ActivitySummary.LoadAsync(db, s.BeneficiaryId, now, 30, cancellationToken);
            // The answers before this step (the manager's approval and comment, for the owner's step two).
            var earlierSteps = await db.ApprovalSteps.AsNoTracking()
                .Where(x => x.AccessRequestId == s.Request && x.Order < s.Order && x.DecidedAt != null)
                .OrderBy(x => x.Order)
                .Select(x => new EarlierStep(x.Order, x.ApproverKind, x.Status, x.DecidedAt!.Value, x.Comment,
                    db.Identities.Where(p => p.Id == (x.DecidedById ?? x.ApproverId)).Select(p => p.DisplayName).FirstOrDefault() ?? "?",
                    db.Identities.Where(p => p.Id == (x.DecidedById ?? x.ApproverId)).Select(p => p.Email).FirstOrDefault()))
                .ToListAsync(cancellationToken);
            result.Add(new PendingApproval(s.StepId, s.StepVersion, s.Request, s.Order, s.Steps, s.RequestedAt, s.ActivatedAt, s.EscalatedAt, s.Justification,
                s.DurationDays, s.StartsAt, s.RequesterId, s.Requester, s.BeneficiaryId, s.Beneficiary, s.BeneficiaryKind, s.Department, s.Title, s.Manager,
                s.Entitlement, s.Resource, s.IsPrivileged, access, peers, history, activity.ActiveDays, activity.TotalEvents,
                activity.Days.Select(d => d.Total).ToArray()) { EarlierSteps = earlierSteps });
        }
        return result;
    }
}

/// <param name="StepVersion">The step's version as shown: the approver's answer carries it, so an answer to a step that changed meanwhile is refused.</param>
public sealed record PendingApproval(long StepId, int StepVersion, long RequestId, int Step, int Steps, DateTimeOffset RequestedAt, DateTimeOffset? WaitingSince,
    DateTimeOffset? EscalatedAt, string Justification, int? DurationDays, DateTimeOffset StartsAt, int RequesterId, string Requester,
    int BeneficiaryId, string Beneficiary, IdentityKind BeneficiaryKind, string? Department, string? Title, string? Manager, string Entitlement,
    string Resource, bool IsPrivileged, IReadOnlyList<string> CurrentAccess, int PeersHolding, IReadOnlyList<string> EarlierRequests,
    int ActiveDays, int EventsLast30Days, int[] Daily)
{
    /// <summary>How the steps before this one were answered: who, when, and their comment.</summary>
    public IReadOnlyList<EarlierStep> EarlierSteps { get; init; } = [];
}

/// <summary>An answered approval step before the approver's own.</summary>
public sealed record EarlierStep(int Order, ApproverKind Kind, ApprovalStatus Status, DateTimeOffset At, string? Comment, string By, string? ByEmail)
{
    public string ByLabel => Components.Shared.Humanize.Person(By, ByEmail);
}
