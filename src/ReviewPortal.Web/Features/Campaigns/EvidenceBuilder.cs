using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Components.Shared;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Builds the evidence snapshot for many grants at once: one streamed read each of the 30-day feed rollups, the
/// per-workspace feed rollups and the usage rollups (also the peer baselines), one of the holders' other access, one of
/// the trails. Each item's activity is its entitlement's own, as <see cref="EntitlementEvidencePolicy"/> says what counts,
/// beside the identity's overall activity. Used at launch and for a single item's "refresh evidence".
/// </summary>
public sealed class EvidenceBuilder
{
    public const int Days = 30;

    private readonly DateTimeOffset _asOf;
    private readonly DateOnly _from;
    private readonly Dictionary<int, FeedSeries> _feed;
    private readonly Dictionary<(int Identity, string Workspace), FeedSeries> _workspaceFeed;
    private readonly Dictionary<int, UsageSeries> _usage;
    private readonly Dictionary<int, UsageSeries> _keyUsage;
    private readonly Dictionary<(int Identity, string Workspace), UsageSeries> _workspaceUsage;
    private readonly Dictionary<int, double[]> _peerVolumes = [];
    private readonly ILookup<int, string> _otherAccess;
    private readonly ILookup<long, TrailEntry> _trails;

    private EvidenceBuilder(DateTimeOffset asOf, Dictionary<int, FeedSeries> feed, Dictionary<(int, string), FeedSeries> workspaceFeed,
        Dictionary<int, UsageSeries> usage, Dictionary<int, UsageSeries> keyUsage, Dictionary<(int, string), UsageSeries> workspaceUsage,
        ILookup<int, string> otherAccess, ILookup<long, TrailEntry> trails)
    {
        _asOf = asOf;
        _from = DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(-(Days - 1));
        _feed = feed;
        _workspaceFeed = workspaceFeed;
        _usage = usage;
        _keyUsage = keyUsage;
        _workspaceUsage = workspaceUsage;
        _otherAccess = otherAccess;
        _trails = trails;
    }

    public static async Task<EvidenceBuilder> LoadAsync(ReviewPortalDbContext db, IReadOnlyCollection<ScopedGrant> grants,
        DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var from = DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(-(Days - 1));
        var to = DateOnly.FromDateTime(asOf.UtcDateTime);
        var feed = new Dictionary<int, FeedSeries>();
        // Every identity's 30 days, streamed: the scope's holders need theirs, peer baselines need everyone's. The day
        // comes back as its index in the window, computed by the database: parsing ~2 M dates from SQLite's TEXT into
        // DateOnly was a quarter of a 100,000-item launch's CPU. Rows are structs: ~2 M row objects cost ~1.3 CPU-s of GC.
        await foreach (var r in db.ActivityRollups.AsNoTracking().Where(r => r.Day >= from && r.Day <= to)
                           .Select(r => new FeedRow(r.IdentityId, r.Day.DayNumber - from.DayNumber, r.Category, r.Count))
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!feed.TryGetValue(r.IdentityId, out var a))
            {
                feed[r.IdentityId] = a = new FeedSeries();
            }
            a.Add(r.DayIndex, r.Category, r.Count);
        }

        var workspaceFeed = new Dictionary<(int, string), FeedSeries>();
        await foreach (var r in db.WorkspaceActivityRollups.AsNoTracking().Where(r => r.Day >= from && r.Day <= to)
                           .Select(r => new WorkspaceFeedRow(r.IdentityId, r.WorkspaceId, r.Day.DayNumber - from.DayNumber, r.Category, r.Count))
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!workspaceFeed.TryGetValue((r.IdentityId, r.WorkspaceId), out var a))
            {
                workspaceFeed[(r.IdentityId, r.WorkspaceId)] = a = new FeedSeries();
            }
            a.Add(r.DayIndex, r.Category, r.Count);
        }

        // Usage, streamed the same way: every row counts towards its identity's overall use; a key's own rows (Messages by
        // api_key_id, Claude Code by the key as actor) are the key's evidence; a member's rows per workspace are the
        // evidence of their role in that workspace.
        var usage = new Dictionary<int, UsageSeries>();
        var keyUsage = new Dictionary<int, UsageSeries>();
        var workspaceUsage = new Dictionary<(int, string), UsageSeries>();
        await foreach (var r in db.UsageRollups.AsNoTracking().Where(r => r.Day >= from && r.Day <= to && r.IdentityId != null)
                           .Select(r => new UsageRow(r.IdentityId!.Value, r.Subject, r.WorkspaceId, r.Day.DayNumber - from.DayNumber,
                               r.UncachedInputTokens + r.CacheReadInputTokens + r.CacheCreationInputTokens + r.OutputTokens, r.Requests, r.Sessions))
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            UsageSeries.For(usage, r.IdentityId).Add(r.DayIndex, r.Tokens, r.Requests, r.Sessions);
            if (r.Subject == UsageSubject.Account)
            {
                UsageSeries.For(workspaceUsage, (r.IdentityId, r.WorkspaceId)).Add(r.DayIndex, r.Tokens, r.Requests, r.Sessions);
            }
            else
            {
                UsageSeries.For(keyUsage, r.IdentityId).Add(r.DayIndex, r.Tokens, r.Requests, r.Sessions);
            }
        }

        var holderIds = grants.Select(g => g.IdentityId).ToHashSet();
        var access = await db.Grants.AsNoTracking().Where(g => g.EndedAt == null)
            .Select(g => new { g.IdentityId, g.EntitlementId, g.Entitlement.DisplayName })
            .ToListAsync(cancellationToken);
        var otherAccess = access.Where(a => holderIds.Contains(a.IdentityId)).ToLookup(a => a.IdentityId, a => a.DisplayName);

        var trails = await LoadTrailsAsync(db, grants, cancellationToken);
        var builder = new EvidenceBuilder(asOf, feed, workspaceFeed, usage, keyUsage, workspaceUsage, otherAccess, trails);

        // Peers are the holders of the same entitlement: one pass over the open grants, each holder's volume counted with
        // the entitlement's own policy. The baseline is what active holders do: dormant seats would make everyone "busy".
        var policies = new Dictionary<int, EntitlementEvidencePolicy>();
        foreach (var g in grants)
        {
            if (!policies.ContainsKey(g.EntitlementId))
            {
                policies[g.EntitlementId] = EntitlementEvidencePolicy.For(g.EntitlementKind, g.ResourceExternalId, g.ResourceName);
            }
        }
        var volumes = new Dictionary<int, List<double>>();
        foreach (var a in access)
        {
            if (policies.TryGetValue(a.EntitlementId, out var policy) && builder.Volume(a.IdentityId, policy) is > 0 and var volume)
            {
                if (!volumes.TryGetValue(a.EntitlementId, out var list))
                {
                    volumes[a.EntitlementId] = list = [];
                }
                list.Add(volume);
            }
        }
        foreach (var (entitlementId, list) in volumes)
        {
            var sorted = list.ToArray();
            Array.Sort(sorted);
            builder._peerVolumes[entitlementId] = sorted;
        }
        return builder;
    }

    public ItemEvidence Build(ScopedGrant grant)
    {
        var policy = EntitlementEvidencePolicy.For(grant.EntitlementKind, grant.ResourceExternalId, grant.ResourceName);
        var feed = _feed.GetValueOrDefault(grant.IdentityId);
        var overall = Activity(feed, _usage.GetValueOrDefault(grant.IdentityId), grant.LastActiveAt, EntitlementEvidencePolicy.OverallSource);
        var activity = policy.Scope switch
        {
            EvidenceScope.Workspace => Activity(policy.WorkspaceId == "" ? null : _workspaceFeed.GetValueOrDefault((grant.IdentityId, policy.WorkspaceId!)),
                _workspaceUsage.GetValueOrDefault((grant.IdentityId, policy.WorkspaceId!)), null, policy.Source),
            // The key is its own identity: its feed events are the overall feed of that identity.
            EvidenceScope.ApiKey => Activity(feed, _keyUsage.GetValueOrDefault(grant.IdentityId), grant.LastActiveAt, policy.Source),
            _ => overall with { Source = policy.Source },
        };

        var volume = Volume(grant.IdentityId, policy);
        var sorted = _peerVolumes.GetValueOrDefault(grant.EntitlementId) ?? [];
        var (median, count) = Statistics.MedianExcluding(sorted, volume > 0 ? volume : null);
        var peers = new PeerEvidence($"holders of {grant.EntitlementName}", count, median ?? 0,
            median is > 0 ? Math.Round(volume / median.Value, 1) : null, PeerMeasure);

        var role = new RoleContext(grant.IdentityKind.ToString(), grant.Department, grant.Title, grant.ManagerName, grant.OwnerName,
            grant.OwnerEmployed, grant.Employed,
            _otherAccess[grant.IdentityId].Where(n => n != grant.EntitlementName).Distinct().Order().Take(20).ToList());
        var recommendation = Recommender.For(activity, peers, role, grant.IsPrivileged, grant.ReducesToId is not null, grant.GrantedAt, _asOf,
            policy.IsScoped ? overall : null, policy.Within);
        var trail = _trails[grant.GrantId].OrderBy(t => t.At).Prepend(new TrailEntry(grant.GrantedAt, $"Holds {grant.EntitlementName}", null)).ToList();
        return new ItemEvidence(_asOf, activity, peers, role, trail, recommendation, policy.IsScoped ? overall : null);
    }

    /// <summary>What the peer median counts: feed events plus usage requests, each one use.</summary>
    public const string PeerMeasure = "events and requests";

    private double Volume(int identityId, EntitlementEvidencePolicy policy) => policy.Scope switch
    {
        EvidenceScope.Workspace => (policy.WorkspaceId == "" ? 0 : _workspaceFeed.GetValueOrDefault((identityId, policy.WorkspaceId!))?.Total ?? 0)
            + (_workspaceUsage.GetValueOrDefault((identityId, policy.WorkspaceId!))?.Requests ?? 0),
        EvidenceScope.ApiKey => (_feed.GetValueOrDefault(identityId)?.Total ?? 0) + (_keyUsage.GetValueOrDefault(identityId)?.Requests ?? 0),
        _ => (_feed.GetValueOrDefault(identityId)?.Total ?? 0) + (_usage.GetValueOrDefault(identityId)?.Requests ?? 0),
    };

    /// <param name="lastFeedAt">The last feed event of all time where the feed counted is the identity's own; otherwise the
    /// window's last day with an event stands for it.</param>
    private ActivityEvidence Activity(FeedSeries? feed, UsageSeries? usage, DateTimeOffset? lastFeedAt, string source)
    {
        var daily = feed?.Daily.ToArray() ?? new int[Days];
        var tokens = usage?.Tokens.ToArray() ?? new long[Days];
        var activeDays = 0;
        var lastFeedDay = -1;
        var lastUsageDay = -1;
        for (var i = 0; i < Days; i++)
        {
            var used = usage is not null && (usage.UsedMask & (1 << i)) != 0;
            lastFeedDay = daily[i] > 0 ? i : lastFeedDay;
            lastUsageDay = used ? i : lastUsageDay;
            activeDays += daily[i] > 0 || used ? 1 : 0;
        }
        var last = lastFeedAt ?? (lastFeedDay >= 0 ? DayStart(lastFeedDay) : null);
        if (lastUsageDay >= 0 && (last is null || DayStart(lastUsageDay) > last))
        {
            last = DayStart(lastUsageDay);
        }
        var daysSince = last is { } at ? Math.Max(0, (int)Math.Floor((_asOf - at).TotalDays)) : (int?)null;
        var byCategory = feed?.ByCategory ?? [];
        return new ActivityEvidence(last, daysSince, activeDays, feed?.Total ?? 0, daily,
            byCategory.ToDictionary(kv => Humanize.Category(kv.Key), kv => kv.Value), byCategory.GetValueOrDefault(ActivityCategory.AdminChange),
            tokens, usage?.TotalTokens ?? 0, usage?.Requests ?? 0, usage?.Sessions ?? 0, source);
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
            // Who decided, not who the item was assigned to (a delegate, an admin); no one for the system's own decisions.
            .Select(d => new { d.ReviewItem.GrantId, d.DecidedAt, d.Outcome, d.Justification,
                Decider = db.Identities.Where(p => p.Id == d.DecidedById).Select(p => p.DisplayName).FirstOrDefault(), Campaign = d.ReviewItem.Campaign.Name })
            .ToListAsync(cancellationToken);
        entries.AddRange(decisions.Where(d => grantIds.Contains(d.GrantId)).Select(d => (d.GrantId,
            new TrailEntry(d.DecidedAt, $"{Humanize.Outcome(d.Outcome)} in \"{d.Campaign}\"{(d.Justification is null ? "" : $": {d.Justification}")}", d.Decider))));
        return entries.ToLookup(e => e.GrantId, e => e.Entry);
    }

    private readonly record struct FeedRow(int IdentityId, int DayIndex, ActivityCategory Category, int Count);

    private readonly record struct WorkspaceFeedRow(int IdentityId, string WorkspaceId, int DayIndex, ActivityCategory Category, int Count);

    private readonly record struct UsageRow(int IdentityId, UsageSubject Subject, string WorkspaceId, int DayIndex, long Tokens, long Requests,
        int Sessions);

    private DateTimeOffset DayStart(int dayIndex) => new(_from.AddDays(dayIndex).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private sealed class FeedSeries
    {
        public int[] Daily { get; } = new int[Days];
        public Dictionary<ActivityCategory, int> ByCategory { get; } = [];
        public int Total { get; private set; }

        public void Add(int dayIndex, ActivityCategory category, int count)
        {
            if (dayIndex is < 0 or >= Days)
            {
                return;
            }
            Daily[dayIndex] += count;
            ByCategory[category] = ByCategory.GetValueOrDefault(category) + count;
            Total += count;
        }
    }

    private sealed class UsageSeries
    {
        public long[] Tokens { get; } = new long[Days];
        public long TotalTokens { get; private set; }
        public long Requests { get; private set; }
        public int Sessions { get; private set; }

        /// <summary>Bit i: some use on day i (a request, a token, a Claude Code session).</summary>
        public int UsedMask { get; private set; }

        public static UsageSeries For<TKey>(Dictionary<TKey, UsageSeries> series, TKey key) where TKey : notnull
        {
            if (!series.TryGetValue(key, out var s))
            {
                series[key] = s = new UsageSeries();
            }
            return s;
        }

        public void Add(int dayIndex, long tokens, long requests, int sessions)
        {
            if (dayIndex is < 0 or >= Days)
            {
                return;
            }
            Tokens[dayIndex] += tokens;
            TotalTokens += tokens;
            Requests += requests;
            Sessions += sessions;
            if (tokens > 0 || requests > 0 || sessions > 0)
            {
                UsedMask |= 1 << dayIndex;
            }
        }
    }
}
