namespace ReviewPortal.Web.Domain;

/// <summary>An access-review campaign: a scope, reviewers, a due date and what happens to silence.</summary>
public class Campaign
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public CampaignStatus Status { get; set; }
    public int CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LaunchedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public UnreviewedOutcome UnreviewedOutcome { get; set; }
    /// <summary>The wizard's full definition (scope, reviewers, stages, cadence), kept as launched (stored as JSON).</summary>
    public CampaignDefinition Definition { get; set; } = new();
    /// <summary>The lifecycle rule that opened this micro-review (<see cref="Domain.LifecycleRule"/> keys), null for a launched campaign.</summary>
    public string? LifecycleRule { get; set; }

    public List<ReviewItem> Items { get; set; } = [];
}

public enum CampaignStatus
{
    Draft = 0,
    Active = 1,
    Closed = 2,
}

public enum UnreviewedOutcome
{
    NoChange = 0,
    Revoke = 1,
    TakeRecommendation = 2,
}

/// <summary>One grant under review by one reviewer, with the evidence as of launch.</summary>
public class ReviewItem
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public Campaign Campaign { get; set; } = null!;
    public long GrantId { get; set; }
    public Grant Grant { get; set; } = null!;
    public int IdentityId { get; set; }
    public Identity Identity { get; set; } = null!;
    public int EntitlementId { get; set; }
    public Entitlement Entitlement { get; set; } = null!;
    public int ReviewerId { get; set; }
    public Identity Reviewer { get; set; } = null!;
    public int Stage { get; set; } = 1;

    public Recommendation Recommendation { get; set; }
    public required string RecommendationReason { get; set; }
    public string EvidenceJson { get; set; } = "{}";
    public DateTimeOffset EvidenceAsOf { get; set; }
    public required string EvidenceHash { get; set; }

    public DecisionOutcome? Outcome { get; set; }
    public int? ReducedToEntitlementId { get; set; }
    public string? Justification { get; set; }
    public int? DecidedById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>
    /// A keep decision's end date, if the reviewer gave one: at close the grant expires then (<see cref="Grant.ExpiresAt"/>),
    /// and the grant expiry gives notice and opens the removal task.
    /// </summary>
    public DateTimeOffset? KeepUntil { get; set; }
    /// <summary>
    /// The campaign's exception policy kept this item at launch (the system decided, <see cref="DecidedById"/> empty) and no
    /// reviewer has decided it since: reviewers see only the exceptions by default, and the dashboard counts these apart.
    /// </summary>
    public bool AutoKept { get; set; }

    /// <summary>Optimistic concurrency: two tabs or two reviewers, one wins.</summary>
    public int Version { get; set; }

    // The decision's state changes, in one place: a reviewer's decision, the campaign's default at close, a reassignment
    // and a "don't know" hand-off all move the same fields, and each but the reassignment leaves a ReviewDecision row.

    /// <summary>A reviewer's decision (keep, revoke, reduce to <paramref name="reducedTo"/>): the row to add to the decision history.</summary>
    public ReviewDecision Decide(DecisionOutcome outcome, int? reducedTo, string? justification, int deciderId, DateTimeOffset at,
        double? secondsToDecide = null, DateTimeOffset? keepUntil = null)
    {
        Outcome = outcome;
        Justification = justification;
        ReducedToEntitlementId = outcome == DecisionOutcome.Reduce ? reducedTo : null;
        KeepUntil = outcome == DecisionOutcome.Keep ? keepUntil : null;
        AutoKept = false;
        DecidedById = deciderId;
        DecidedAt = at;
        Version++;
        return History(outcome, justification, deciderId, at, secondsToDecide);
    }

    /// <summary>
    /// What the campaign's rule for silence makes of this undecided item: revoke, reduce (to <paramref name="reducesTo"/>, the
    /// entitlement's lesser role), or nothing (null: the item stays undecided, the access stays).
    /// </summary>
    public DecisionOutcome? DefaultOutcome(UnreviewedOutcome rule, int? reducesTo) => rule switch
    {
        UnreviewedOutcome.Revoke => DecisionOutcome.Revoke,
        UnreviewedOutcome.TakeRecommendation when Recommendation == Recommendation.Revoke => DecisionOutcome.Revoke,
        UnreviewedOutcome.TakeRecommendation when Recommendation == Recommendation.Reduce && reducesTo != null => DecisionOutcome.Reduce,
        _ => null,
    };

    /// <summary>
    /// The close applies the rule for silence to an item nobody decided: the decision row names <paramref name="deciderId"/>
    /// as answering for it (the admin who closed, or for an automatic close the campaign's creator, who chose the rule), and
    /// its justification says it was the default. The item's own <see cref="DecidedById"/> stays empty, since no reviewer
    /// decided it (the closed-campaign notice counts defaults by that). Null when the rule leaves the item as it is.
    /// </summary>
    public ReviewDecision? Default(UnreviewedOutcome rule, int? reducesTo, int deciderId, DateTimeOffset at)
    {
        if (Outcome is not null || DefaultOutcome(rule, reducesTo) is not { } outcome)
        {
            return null;
        }
        var decision = Decide(outcome, reducesTo, $"{DefaultJustification} ({RuleWords(rule)}).", deciderId, at);
        DecidedById = null;
        return decision;
    }

    /// <summary>How a decision the close took by the campaign's default starts: not a reviewer's choice (reviewer quality leaves it out).</summary>
    public const string DefaultJustification = "No response by the due date: campaign default";

    /// <summary>
    /// The rule in the words people read (the justification is shown as stored). Rows stored before this said the enum's
    /// name ("campaign default (Revoke)"); the display reads those in words too (<c>Humanize.Justification</c>).
    /// </summary>
    private static string RuleWords(UnreviewedOutcome rule) => rule switch
    {
        UnreviewedOutcome.NoChange => "no change",
        UnreviewedOutcome.Revoke => "revoke",
        UnreviewedOutcome.TakeRecommendation => "take the recommendation",
        _ => rule.ToString(),
    };

    /// <summary>Another person reviews the item from now on, undecided (the reason lives in the audit entry).</summary>
    public void Reassign(int reviewerId)
    {
        ReviewerId = reviewerId;
        Outcome = null;
        KeepUntil = null;
        AutoKept = false;
        DecidedAt = null;
        DecidedById = null;
        Version++;
    }

    /// <summary>
    /// "Don't know": the reviewer hands the item, with their <paramref name="note"/>, to <paramref name="reviewerId"/> (the
    /// resource owner or the fallback reviewer). The item is undecided again, the note stays on it for the new reviewer to
    /// read, and the history row records who did not know and why.
    /// </summary>
    public ReviewDecision HandOff(int reviewerId, string note, int fromId, DateTimeOffset at, double? secondsToDecide = null)
    {
        Reassign(reviewerId);
        Justification = note;
        ReducedToEntitlementId = null;
        return History(DecisionOutcome.DontKnow, note, fromId, at, secondsToDecide);
    }

    private ReviewDecision History(DecisionOutcome outcome, string? justification, int deciderId, DateTimeOffset at, double? secondsToDecide) => new()
    {
        ReviewItemId = Id, Outcome = outcome, Justification = justification, DecidedById = deciderId, DecidedAt = at,
        EvidenceHash = EvidenceHash, SecondsToDecide = secondsToDecide,
    };
}

public enum Recommendation
{
    Keep = 0,
    Revoke = 1,
    Reduce = 2,
    LookCloser = 3,
}

public enum DecisionOutcome
{
    Keep = 0,
    Revoke = 1,
    Reduce = 2,
    Reassign = 3,
    DontKnow = 4,
}

/// <summary>Every decision ever made on an item (decisions are editable until close).</summary>
public class ReviewDecision
{
    public long Id { get; set; }
    public long ReviewItemId { get; set; }
    public ReviewItem ReviewItem { get; set; } = null!;
    public DecisionOutcome Outcome { get; set; }
    public string? Justification { get; set; }
    /// <summary>The person who decided; null for the system (the campaign's exception policy auto-kept the item at launch).</summary>
    public int? DecidedById { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
    /// <summary>SHA-256 of the evidence snapshot the reviewer had on screen (the launch one, or the latest refresh).</summary>
    public required string EvidenceHash { get; set; }
    /// <summary>
    /// SHA-256 of everything the reviewer was shown when deciding: the drawer's canonical JSON (evidence, item context, top
    /// activity types) for one decision, the grid row's for a bulk one (<c>ShownDigest</c>). Null for decisions made before
    /// it was recorded and for the campaign's default at close, which nobody was shown.
    /// </summary>
    public string? ShownHash { get; set; }
    public double? SecondsToDecide { get; set; }
}
