using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>The requester's own requests with their status and every step's answer.</summary>
public sealed class ListMyRequests(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<MyRequest>>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } me)
        {
            // A sign-in linked to no person has asked for nothing.
            return Array.Empty<MyRequest>();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var requests = await db.AccessRequests.AsNoTracking().Where(r => r.RequesterId == me)
            .OrderByDescending(r => r.RequestedAt).Take(100)
            .Select(r => new
            {
                r.Id, r.RequestedAt, r.Status, Entitlement = r.Entitlement.DisplayName, Resource = r.Entitlement.Resource.Name,
                Beneficiary = r.Beneficiary.DisplayName, r.Justification, r.DurationDays, r.FulfilmentNote,
                Steps = r.Steps.OrderBy(s => s.Order).Select(s => new RequestStep(s.Order, s.ApproverKind, s.Approver.DisplayName, s.Status, s.DecidedAt, s.Comment)).ToList(),
            })
            .ToListAsync(cancellationToken);
        return requests.Select(r => new MyRequest(r.Id, r.RequestedAt, r.Status, r.Entitlement, r.Resource, r.Beneficiary, r.Justification,
            r.DurationDays, r.FulfilmentNote, r.Steps)).ToList();
    }
}

public sealed record MyRequest(long Id, DateTimeOffset RequestedAt, AccessRequestStatus Status, string Entitlement, string Resource,
    string Beneficiary, string Justification, int? DurationDays, string? FulfilmentNote, IReadOnlyList<RequestStep> Steps);

public sealed record RequestStep(int Order, ApproverKind Kind, string Approver, ApprovalStatus Status, DateTimeOffset? DecidedAt, string? Comment);
