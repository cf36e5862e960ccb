using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>
/// One chronological story of an identity for auditors: access granted, approved, certified,
/// revoked and verified, merged with its activity condensed into periods of use and dormancy
/// ("used on 41 of 60 days", "dormant since 3 May").
/// </summary>
public sealed class GetIdentityTimeline(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    /// <summary>Gaps up to this many days still count as one period of use.</summary>
    private const int GapDays = 7;

    public async Task<Result<IReadOnlyList<TimelineEntry>>> HandleAsync(Viewer viewer, int identityId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await IdentityAccess.CanReadAsync(db, viewer, identityId, cancellationToken))
        {
            return Refusal.Forbidden(IdentityAccess.CannotRead);
        }
        var entries = new List<TimelineEntry>();

        var grants = await db.Grants.AsNoTracking().Where(g => g.IdentityId == identityId)
            .Select(g => new { g.Id, g.GrantedAt, g.EndedAt, g.Source, Name = g.Entitlement.DisplayName })
            .ToListAsync(cancellationToken);
        foreach (var g in grants)
        {
            entries.Add(new(g.GrantedAt, TimelineKind.Granted, $"Granted {g.Name}", g.Source switch
            {
                GrantSource.AccessRequest => "through an approved request",
                GrantSource.DirectorySync => "first seen in the directory",
                _ => null,
            }, null));
            if (g.EndedAt is { } ended)
            {
                entries.Add(new(ended, TimelineKind.Removed, $"Access to {g.Name} ended", "no longer present upstream", null));
            }
        }

        // Changes learnt from the activity feed, and a request's trail around its approvals: who asked and who provisioned it
        // (the approvals themselves come from the approval steps below, which also show denials).
        var history = await db.GrantEvents.AsNoTracking().Where(e => e.Grant.IdentityId == identityId
                && (e.ActivityId != null || e.Kind == GrantEvent.Requested || e.Kind == GrantEvent.Provisioned))
            .Select(e => new { e.OccurredAt, e.Kind, e.Detail, e.ActorDescription, Name = e.Grant.Entitlement.DisplayName })
            .ToListAsync(cancellationToken);
        entries.AddRange(history.Select(h => new TimelineEntry(h.OccurredAt, TimelineKind.Changed, $"{h.Name}: {h.Detail}",
            h.Kind, h.ActorDescription)));

        var steps = await db.ApprovalSteps.AsNoTracking()
            .Where(s => s.AccessRequest.BeneficiaryId == identityId && s.DecidedAt != null)
            .Select(s => new { s.DecidedAt, s.Status, s.Comment, Approver = s.Approver.DisplayName, Name = s.AccessRequest.Entitlement.DisplayName })
            .ToListAsync(cancellationToken);
        entries.AddRange(steps.Select(s => new TimelineEntry(s.DecidedAt!.Value,
            s.Status == ApprovalStatus.Approved ? TimelineKind.Approved : TimelineKind.Removed,
            $"{Humanize.Enum(s.Status)} request for {s.Name}", s.Comment, s.Approver)));

        var decisions = await db.ReviewDecisions.AsNoTracking().Where(d => d.ReviewItem.IdentityId == identityId)
            .Select(d => new { d.DecidedAt, d.Outcome, d.Justification, d.DecidedById, Name = d.ReviewItem.Entitlement.DisplayName,
                Campaign = d.ReviewItem.Campaign.Name })
            .ToListAsync(cancellationToken);
        var deciders = await NamesAsync(db, decisions.Where(d => d.DecidedById != null).Select(d => d.DecidedById!.Value), cancellationToken);
        entries.AddRange(decisions.Select(d => new TimelineEntry(d.DecidedAt,
            d.Outcome == DecisionOutcome.Keep ? TimelineKind.Certified : TimelineKind.Decided,
            $"{Humanize.Outcome(d.Outcome)} {d.Name} ({d.Campaign})", d.Justification is null ? null : Humanize.Justification(d.Justification), d.DecidedById is { } by ? deciders.GetValueOrDefault(by) : "Exception policy")));

        var tasks = await db.RemediationTasks.AsNoTracking().Where(t => t.Grant.IdentityId == identityId)
            .Select(t => new { t.CreatedAt, t.CompletedAt, t.VerifiedAt, t.Status, t.Action, Name = t.Grant.Entitlement.DisplayName })
            .ToListAsync(cancellationToken);
        foreach (var t in tasks)
        {
            if (t.CompletedAt is { } done)
            {
                entries.Add(new(done, TimelineKind.Removed, $"{Humanize.Remediation(t.Action)}: carried out for {t.Name}", null, "remediation"));
            }
            if (t.VerifiedAt is { } verified)
            {
                entries.Add(new(verified, t.Status == RemediationStatus.Drift ? TimelineKind.Drift : TimelineKind.Verified,
                    t.Status == RemediationStatus.Drift ? $"Drift: {t.Name} is back or still there" : $"Removal of {t.Name} verified by directory sync",
                    null, "directory sync"));
            }
        }

        entries.AddRange(await ActivityPeriodsAsync(db, identityId, cancellationToken));
        return entries.OrderBy(e => e.At).ToList();
    }

    private async Task<IEnumerable<TimelineEntry>> ActivityPeriodsAsync(ReviewPortalDbContext db, int identityId, CancellationToken cancellationToken)
    {
        var days = await db.ActivityRollups.AsNoTracking().Where(r => r.IdentityId == identityId)
            .GroupBy(r => r.Day).Select(g => new { Day = g.Key, Count = g.Sum(r => r.Count) })
            .OrderBy(d => d.Day).ToListAsync(cancellationToken);
        var periods = new List<TimelineEntry>();
        var i = 0;
        while (i < days.Count)
        {
            var start = i;
            while (i + 1 < days.Count && days[i + 1].Day.DayNumber - days[i].Day.DayNumber <= GapDays)
            {
                i++;
            }
            var (from, to) = (days[start].Day, days[i].Day);
            var span = to.DayNumber - from.DayNumber + 1;
            periods.Add(new(At(from), TimelineKind.Activity,
                span == 1 ? $"Used on {from:d MMM yyyy}" : $"Used on {i - start + 1} of {span} days, {from:d MMM} – {to:d MMM yyyy}",
                $"{days.Skip(start).Take(i - start + 1).Sum(d => d.Count):N0} events", null));
            i++;
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (days.Count > 0 && today.DayNumber - days[^1].Day.DayNumber > GapDays)
        {
            periods.Add(new(At(days[^1].Day.AddDays(1)), TimelineKind.Dormant, $"Dormant since {days[^1].Day.AddDays(1):d MMM yyyy}",
                $"{today.DayNumber - days[^1].Day.DayNumber} days without activity", null));
        }
        return periods;
    }

    private static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static async Task<Dictionary<int, string>> NamesAsync(ReviewPortalDbContext db, IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var set = ids.Distinct().ToList();
        return await db.Identities.Where(i => set.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.DisplayName, cancellationToken);
    }
}

public enum TimelineKind
{
    Granted,
    Changed,
    Approved,
    Certified,
    Decided,
    Removed,
    Verified,
    Drift,
    Activity,
    Dormant,
}

public sealed record TimelineEntry(DateTimeOffset At, TimelineKind Kind, string Title, string? Detail, string? Actor);
