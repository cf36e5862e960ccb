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

    /// <summary>Optimistic concurrency: two tabs or two reviewers, one wins.</summary>
    public int Version { get; set; }
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
    public int DecidedById { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
    /// <summary>SHA-256 of exactly the evidence the reviewer saw.</summary>
    public required string EvidenceHash { get; set; }
    public double? SecondsToDecide { get; set; }
}
