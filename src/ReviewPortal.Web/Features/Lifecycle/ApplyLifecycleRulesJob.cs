using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Lifecycle;

/// <summary>
/// Scan and act, hourly: each enabled lifecycle rule turns what it finds into one micro-review (an ordinary
/// campaign, so My reviews, reminders, the evidence pack and close → remediation work unchanged), audited item by
/// item in the campaign's own unit of work. A grant already in an open micro-review, recently decided in one, or
/// whose removal is under way is never proposed again, so re-runs open nothing. Finished micro-reviews are closed.
/// </summary>
public sealed class ApplyLifecycleRulesJob(IDbContextFactory<ReviewPortalDbContext> contexts, DatabaseLease leases, CloseCampaign close,
    LaunchMails mails, TimeProvider time, ILogger<ApplyLifecycleRulesJob> logger)
{
    public const string JobName = "apply-lifecycle-rules";

    public static readonly JobDescriptor<ApplyLifecycleRulesJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the lifecycle rules",
        Lease = TimeSpan.FromMinutes(30),
        Schedule = JobDescriptor.From<LifecycleOptions>(o => o.Cron),
        RunNowAuditAction = "lifecycle.run-requested",
        Run = job => job.RunAsync(CancellationToken.None),
    };

    private static readonly IdentityKind[] OwnedKinds = [IdentityKind.ApiKey, IdentityKind.ServiceAccount, IdentityKind.Agent, IdentityKind.AdminApiKey];
    private static readonly IdentityKind[] KeyKinds = [IdentityKind.ApiKey, IdentityKind.AdminApiKey];
    private static readonly RemediationStatus[] RemovalUnderWay =
        [RemediationStatus.Pending, RemediationStatus.Running, RemediationStatus.Succeeded, RemediationStatus.Failed, RemediationStatus.ManualRequired];

    /// <returns>How many review items this run opened.</returns>
    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => 0, cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<int> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var correlationId = $"{JobName}-{now.UtcTicks}";
        await CloseFinishedAsync(correlationId, cancellationToken);

        List<LifecycleRule> rules;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            rules = await db.LifecycleRules.AsNoTracking().ToListAsync(cancellationToken);
        }
        // departed-owner also recommends revoking a key that is dormant by the dormant-keys threshold (on or off).
        var dormantDays = rules.FirstOrDefault(r => r.Key == LifecycleRule.DormantKeys)?.DormantDays ?? LifecycleRule.DefaultDormantDays;
        var opened = 0;
        foreach (var rule in rules.Where(r => r.Enabled && r.UpdatedById is not null && LifecycleRule.Keys.Contains(r.Key)))
        {
            opened += await ApplyAsync(rule.Key, dormantDays, now, correlationId, cancellationToken);
        }
        if (opened > 0)
        {
            logger.LogInformation("Lifecycle rules opened {Count} review items", opened);
        }
        return opened;
    }

    /// <summary>One rule is one unit of work: what it finds, the micro-review it opens and the rule's last-run mark.</summary>
    private Task<int> ApplyAsync(string key, int dormantDays, DateTimeOffset now, string correlationId, CancellationToken cancellationToken) =>
        contexts.WriteAsync((db, ct) => ApplyAsync(db, mails, key, dormantDays, now, correlationId, ct), cancellationToken);

    private static async Task<int> ApplyAsync(ReviewPortalDbContext db, LaunchMails mails, string key, int dormantDays, DateTimeOffset now, string correlationId,
        CancellationToken cancellationToken)
    {
        var rule = await db.LifecycleRules.SingleAsync(r => r.Key == key, cancellationToken);
        var admin = rule.UpdatedById!.Value;
        var grants = await CampaignScope.Project(Candidates(db, rule, dormantDays, now)).OrderBy(g => g.GrantId).ToListAsync(cancellationToken);
        rule.LastRunAt = now;
        rule.LastRunOpened = grants.Count;
        if (grants.Count == 0)
        {
            return 0;
        }

        var people = await db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person)
            .Select(i => new Person(i.Id, i.DisplayName, i.ManagerId, i.EmploymentStatus == EmploymentStatus.Active, i.DepartedAt))
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        var evidence = await EvidenceBuilder.LoadAsync(db, grants, now, cancellationToken);
        // The last day of usage before the window, so "last active" counts it as the candidates filter did.
        var identityIds = grants.Select(g => g.IdentityId).Distinct().ToList();
        var lastUsage = await db.UsageRollups.AsNoTracking()
            .Where(u => u.IdentityId != null && identityIds.Contains(u.IdentityId.Value) && (u.Requests > 0 || u.Sessions > 0 || u.OutputTokens > 0))
            .GroupBy(u => u.IdentityId!.Value).Select(g => new { IdentityId = g.Key, Day = g.Max(u => u.Day) })
            .ToDictionaryAsync(u => u.IdentityId, u => u.Day, cancellationToken);
        grants = grants.Select(g => lastUsage.TryGetValue(g.IdentityId, out var day)
                && new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) is var used && (g.LastActiveAt is null || used > g.LastActiveAt)
            ? g with { LastActiveAt = used }
            : g).ToList();
        // An away reviewer's item goes to their delegate at once, as a launched campaign's does, so the launch mail does too.
        var delegates = await ReviewerDelegations.InForceAsync(db, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var items = grants.Select(g =>
        {
            var built = evidence.Build(g);
            var reviewer = Reviewer(key, g, people, admin);
            if (delegates.TryGetValue(reviewer, out var standIn) && !ReviewerResolver.IsSelfReview(standIn, g.IdentityId, g.OwnerId))
            {
                reviewer = standIn;
            }
            return new PlannedItem(g, reviewer,
                built with { Recommendation = Recommend(key, g, people, built.Recommendation.Inputs, dormantDays, now) });
        }).ToList();
        var definition = new CampaignDefinition
        {
            Name = $"Lifecycle · {(key == LifecycleRule.DepartedOwner ? "keys of departed people" : "dormant keys")} · {now.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}",
            IdentityKinds = [.. key == LifecycleRule.DepartedOwner ? OwnedKinds : KeyKinds],
            EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()],
            // Owners attest their own keys (dormant-keys), and a manager who keeps a departed person's key becomes its
            // owner: either way the reviewer may be the NHI's owner, which only the owner-attestation rule allows.
            Reviewer = ReviewerRule.NhiOwner,
            FallbackReviewerId = admin,
            DueAt = now.AddDays(rule.ReviewDays),
            UnreviewedOutcome = UnreviewedOutcome.NoChange,
            // Revoking is what the rule proposes: only going against it needs words (the keep-against-revoke rule still applies).
            JustificationRequiredFor = [DecisionOutcome.Reassign],
            LifecycleRule = key,
        };

        var actor = AuditActor.System(JobName, now, correlationId);
        var campaign = await LaunchCampaign.WriteAsync(db, mails, definition, admin, items, removedByDefault: 0, actor, cancellationToken);
        foreach (var item in items)
        {
            db.Audit(actor, "lifecycle.micro-review-opened", new AuditTarget(nameof(Grant), item.Grant.GrantId.ToString(CultureInfo.InvariantCulture)),
                after: new
                {
                    rule = key, reason = item.Evidence.Recommendation.Reason, recommendation = item.Evidence.Recommendation.Recommendation,
                    reviewerId = item.ReviewerId, reviewer = people.GetValueOrDefault(item.ReviewerId)?.Name, enabledById = admin,
                }, identityId: item.Grant.IdentityId, campaignId: campaign.Id);
        }
        rule.LastCampaignId = campaign.Id;
        return items.Count;
    }

    /// <summary>Open grants of active NHIs the rule applies to, minus those already handled (see the class summary).</summary>
    private static IQueryable<Grant> Candidates(ReviewPortalDbContext db, LifecycleRule rule, int dormantDays, DateTimeOffset now)
    {
        var key = rule.Key;
        // Whatever the outcome (keep, don't know, or no answer before an admin closed it), the same rule leaves the
        // grant alone for a while: dormant-keys for its dormancy period, departed-owner for one review period.
        var quietSince = now.AddDays(-(key == LifecycleRule.DormantKeys ? rule.DormantDays : rule.ReviewDays));
        var grants = db.Grants.AsNoTracking().Where(g => g.EndedAt == null && g.Identity.Status == "active"
            && !db.ReviewItems.Any(i => i.GrantId == g.Id && i.Campaign.LifecycleRule != null
                && (i.Campaign.Status == CampaignStatus.Active
                    || (i.Campaign.LifecycleRule == key && (i.DecidedAt ?? i.Campaign.ClosedAt) > quietSince)))
            && !db.RemediationTasks.Any(t => t.GrantId == g.Id && RemovalUnderWay.Contains(t.Status)));
        if (key == LifecycleRule.DepartedOwner)
        {
            return grants.Where(g => OwnedKinds.Contains(g.Identity.Kind)
                && g.Identity.Owner != null && g.Identity.Owner.EmploymentStatus == EmploymentStatus.Departed);
        }
        var dormantSince = now.AddDays(-rule.DormantDays);
        // Usage counts as use (a key serving Messages may have no feed event), by UTC day: a day that overlaps the window is use.
        var usedSince = DateOnly.FromDateTime(dormantSince.UtcDateTime);
        return grants.Where(g => KeyKinds.Contains(g.Identity.Kind)
            && (g.Identity.LastActiveAt <= dormantSince || (g.Identity.LastActiveAt == null && g.Identity.CreatedAt <= dormantSince))
            && !db.UsageRollups.Any(u => u.IdentityId == g.IdentityId && u.Day >= usedSince && (u.Requests > 0 || u.Sessions > 0 || u.OutputTokens > 0)));
    }

    /// <summary>
    /// dormant-keys: the key's owner while employed. Otherwise (and always for departed-owner) the first employed
    /// manager above the owner; failing that, the admin who configured the rule.
    /// </summary>
    private static int Reviewer(string key, ScopedGrant grant, IReadOnlyDictionary<int, Person> people, int admin)
    {
        if (grant.OwnerId is not { } ownerId || !people.TryGetValue(ownerId, out var owner))
        {
            return admin;
        }
        if (key == LifecycleRule.DormantKeys && owner.Employed)
        {
            return ownerId;
        }
        var seen = new HashSet<int> { ownerId };
        for (var next = owner.ManagerId; next is { } id && seen.Add(id) && people.TryGetValue(id, out var manager); next = manager.ManagerId)
        {
            if (manager.Employed)
            {
                return id;
            }
        }
        return admin;
    }

    private static RecommendationResult Recommend(string key, ScopedGrant grant, IReadOnlyDictionary<int, Person> people,
        IReadOnlyDictionary<string, string> evidenceInputs, int dormantDays, DateTimeOffset now)
    {
        var inputs = new Dictionary<string, string>(evidenceInputs) { ["lifecycleRule"] = key, ["dormantDays"] = dormantDays.ToString(CultureInfo.InvariantCulture) };
        var since = grant.LastActiveAt ?? grant.IdentityCreatedAt;
        var idleDays = (int)Math.Floor((now - since).TotalDays);
        var idle = grant.LastActiveAt is { } last
            ? $"no activity for {idleDays} days (last active {Day(last)})"
            : $"no activity for {idleDays} days (never used since it was created on {Day(grant.IdentityCreatedAt)})";
        if (key == LifecycleRule.DormantKeys)
        {
            return new(Recommendation.Revoke, $"{char.ToUpperInvariant(idle[0])}{idle[1..]}: deactivate it, or keep it if it is still needed",
                "lifecycle:dormant-keys", inputs);
        }
        var owner = grant.OwnerId is { } id ? people.GetValueOrDefault(id) : null;
        var left = owner?.DepartedAt is { } at ? $"left on {Day(at)}" : "has left";
        var dormant = idleDays >= dormantDays;
        return new(dormant ? Recommendation.Revoke : Recommendation.LookCloser,
            $"Owner {grant.OwnerName} {left}: keep it (you become its owner) or revoke it{(dormant ? $"; {idle}" : "")}",
            "lifecycle:departed-owner", inputs);
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>A micro-review with every item decided is closed, so revokes reach remediation without an admin's click.</summary>
    private async Task CloseFinishedAsync(string correlationId, CancellationToken cancellationToken)
    {
        List<int> finished;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            finished = await db.Campaigns.Where(c => c.LifecycleRule != null && c.Status == CampaignStatus.Active && !c.Items.Any(i => i.Outcome == null))
                .Select(c => c.Id).ToListAsync(cancellationToken);
        }
        // The job closes with an admin's authority (an admin enabled the rule) but is recorded as itself.
        var job = new Viewer(null, $"job:{JobName}", new HashSet<string> { Roles.Admin });
        foreach (var id in finished)
        {
            await close.HandleAsync(job, id, correlationId, cancellationToken);
        }
    }

    private sealed record Person(int Id, string Name, int? ManagerId, bool Employed, DateTimeOffset? DepartedAt);
}
