using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Components.Shared;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Builds the evidence snapshot for many grants at once: one read of the 30-day rollups (also the
/// peer baselines), one of the holders' other access, one of the trails. Used at launch and for
/// a single item's "refresh evidence".
/// </summary>
public sealed class EvidenceBuilder
{
    private readonly DateTimeOffset _asOf;
    private readonly DateOnly _from;
    private readonly Dictionary<int, IdentityActivity> _activity;
    private readonly Dictionary<string, double> _peerMedians;
    private readonly Dictionary<string, int> _peerCounts;
    private readonly ILookup<int, string> _otherAccess;
    private readonly ILookup<long, TrailEntry> _trails;

    private EvidenceBuilder(DateTimeOffset asOf, Dictionary<int, IdentityActivity> activity, Dictionary<string, double> peerMedians,
        Dictionary<string, int> peerCounts, ILookup<int, string> otherAccess, ILookup<long, TrailEntry> trails)
    {
        _asOf = asOf;
        _from = DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(-29);
        _activity = activity;
        _peerMedians = peerMedians;
        _peerCounts = peerCounts;
        _otherAccess = otherAccess;
        _trails = trails;
    }

    public static async Task<EvidenceBuilder> LoadAsync(ReviewPortalDbContext db, IReadOnlyCollection<ScopedGrant> grants,
        DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var from = DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(-29);
        var to = DateOnly.FromDateTime(asOf.UtcDateTime);
        var activity = new Dictionary<int, IdentityActivity>();
        // Every identity's 30 days, streamed: the scope's holders need theirs, peer baselines need everyone's. The day
        // comes back as its index in the window, computed by the database: parsing ~2 M dates from SQLite's TEXT into
        // DateOnly was a quarter of a 100,000-item launch's CPU.
        await foreach (var r in db.ActivityRollups.AsNoTracking().Where(r => r.Day >= from && r.Day <= to)
                           .Select(r => new { r.IdentityId, DayIndex = r.Day.DayNumber - from.DayNumber, r.Category, r.Count })
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!activity.TryGetValue(r.IdentityId, out var a))
            {
                activity[r.IdentityId] = a = new IdentityActivity();
            }
            a.Add(r.DayIndex, r.Category, r.Count);
        }

        // Peers: people by department, non-human identities by kind and department of their owner.
        var identities = await db.Identities.AsNoTracking()
            .Select(i => new { i.Id, i.Kind, Department = i.Department ?? (i.Owner != null ? i.Owner.Department : null) })
            .ToListAsync(cancellationToken);
        // The baseline is what active peers do: counting dormant seats would make every regular user look "busy".
        var groups = identities.GroupBy(i => PeerGroup(i.Kind, i.Department))
            .ToDictionary(g => g.Key, g => g.Select(i => (double)(activity.GetValueOrDefault(i.Id)?.Total ?? 0)).Where(t => t > 0).ToList());
        var medians = groups.ToDictionary(g => g.Key, g => Statistics.Median(g.Value) ?? 0);
        var counts = groups.ToDictionary(g => g.Key, g => g.Value.Count);

        var holderIds = grants.Select(g => g.IdentityId).ToHashSet();
        var access = await db.Grants.AsNoTracking().Where(g => g.EndedAt == null)
            .Select(g => new { g.IdentityId, g.Entitlement.DisplayName })
            .ToListAsync(cancellationToken);
        var otherAccess = access.Where(a => holderIds.Contains(a.IdentityId)).ToLookup(a => a.IdentityId, a => a.DisplayName);

        var trails = await LoadTrailsAsync(db, grants, cancellationToken);
        return new EvidenceBuilder(asOf, activity, medians, counts, otherAccess, trails);
    }

    public ItemEvidence Build(ScopedGrant grant)
    {
        var a = _activity.GetValueOrDefault(grant.IdentityId) ?? new IdentityActivity();
        var daysSince = grant.LastActiveAt is { } last ? Math.Max(0, (int)Math.Floor((_asOf - last).TotalDays)) : (int?)null;
        var activity = new ActivityEvidence(grant.LastActiveAt, daysSince, a.ActiveDays, a.Total, a.Daily,
            a.ByCategory.ToDictionary(kv => Humanize.Category(kv.Key), kv => kv.Value), a.ByCategory.GetValueOrDefault(ActivityCategory.AdminChange));
        var group = PeerGroup(grant.IdentityKind, grant.Department);
        var median = _peerMedians.GetValueOrDefault(group);
        var peers = new PeerEvidence(group, _peerCounts.GetValueOrDefault(group), median, median > 0 ? Math.Round(a.Total / median, 1) : null);
        var role = new RoleContext(grant.IdentityKind.ToString(), grant.Department, grant.Title, grant.ManagerName, grant.OwnerName,
            grant.OwnerEmployed, grant.Employed,
            _otherAccess[grant.IdentityId].Where(n => n != grant.EntitlementName).Distinct().Order().Take(20).ToList());
        var recommendation = Recommender.For(activity, peers, role, grant.IsPrivileged, grant.ReducesToId is not null, grant.GrantedAt, _asOf);
        var trail = _trails[grant.GrantId].OrderBy(t => t.At).Prepend(new TrailEntry(grant.GrantedAt, $"Holds {grant.EntitlementName}", null)).ToList();
        return new ItemEvidence(_asOf, activity, peers, role, trail, recommendation);
    }

    private static async Task<ILookup<long, TrailEntry>> LoadTrailsAsync(ReviewPortalDbContext db, IReadOnlyCollection<ScopedGrant> grants,
        CancellationToken cancellationToken)
    {
        var grantIds = grants.Select(g => g.GrantId).ToHashSet();
        var entries = new List<(long GrantId, TrailEntry Entry)>();
        var requestIds = grants.Where(g => g.AccessRequestId is not null).Select(g => g.AccessRequestId!.Value).ToHashSet();
        if (requestIds.Count > 0)
        {
            var steps = await db.ApprovalSteps.AsNoTracking().Where(s => requestIds.Contains(s.AccessRequestId) && s.DecidedAt != null)
                .Select(s => new { s.AccessRequestId, s.DecidedAt, s.Status, s.Comment, Approver = s.Approver.DisplayName,
                    s.AccessRequest.RequestedAt, s.AccessRequest.Justification, Requester = s.AccessRequest.Requester.DisplayName })
                .ToListAsync(cancellationToken);
            foreach (var grant in grants.Where(g => g.AccessRequestId is not null))
            {
                var forRequest = steps.Where(s => s.AccessRequestId == grant.AccessRequestId).ToList();
                if (forRequest.FirstOrDefault() is { } first)
                {
                    entries.Add((grant.GrantId, new TrailEntry(first.RequestedAt, $"Requested: \"{first.Justification}\"", first.Requester)));
                }
                entries.AddRange(forRequest.Select(s => (grant.GrantId,
                    new TrailEntry(s.DecidedAt!.Value, $"{Humanize.Enum(s.Status)}{(s.Comment is null ? "" : $": {s.Comment}")}", s.Approver))));
            }
        }

        // Feed history (who created the key, who changed the role) and how a request was provisioned; after the approvals so
        // that, at the same instant (the last approval provisions), the trail reads approved → provisioned.
        var history = await db.GrantEvents.AsNoTracking().Where(e => e.ActivityId != null || e.Kind == GrantEvent.Provisioned)
            .Select(e => new { e.GrantId, e.OccurredAt, e.Kind, e.Detail, e.ActorDescription }).ToListAsync(cancellationToken);
        entries.AddRange(history.Where(h => grantIds.Contains(h.GrantId))
            .Select(h => (h.GrantId, new TrailEntry(h.OccurredAt, h.Detail ?? h.Kind, h.ActorDescription))));

        var decisions = await db.ReviewDecisions.AsNoTracking()
            .Select(d => new { d.ReviewItem.GrantId, d.DecidedAt, d.Outcome, d.Justification, Reviewer = d.ReviewItem.Reviewer.DisplayName,
                Campaign = d.ReviewItem.Campaign.Name })
            .ToListAsync(cancellationToken);
        entries.AddRange(decisions.Where(d => grantIds.Contains(d.GrantId)).Select(d => (d.GrantId,
            new TrailEntry(d.DecidedAt, $"{Humanize.Outcome(d.Outcome)} in \"{d.Campaign}\"{(d.Justification is null ? "" : $": {d.Justification}")}", d.Reviewer))));
        return entries.ToLookup(e => e.GrantId, e => e.Entry);
    }

    public static string PeerGroup(IdentityKind kind, string? department) =>
        kind == IdentityKind.Person ? $"{department ?? "no department"} people" : $"{Humanize.Kind(kind)} · {department ?? "unowned"}";


    private sealed class IdentityActivity
    {
        public int[] Daily { get; } = new int[30];
        public Dictionary<ActivityCategory, int> ByCategory { get; } = [];
        public int Total { get; private set; }
        public int ActiveDays => Daily.Count(d => d > 0);

        public void Add(int dayIndex, ActivityCategory category, int count)
        {
            if (dayIndex is < 0 or >= 30)
            {
                return;
            }
            Daily[dayIndex] += count;
            ByCategory[category] = ByCategory.GetValueOrDefault(category) + count;
            Total += count;
        }
    }
}
